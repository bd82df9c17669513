"""Documents for the web app, rendered with bounded work.

PDFs and DOCX files are rendered in a few worker processes (:mod:`builder.forms.workers`),
not in the server's threads: a render holds no thread's CPU that a search needs (workers
also run at a lower priority), one that runs past the deadline is stopped (its process
killed and replaced) and reported, and requests wait a bounded time for a free worker.
Searches never queue behind PDFs: they do not go through here, and at most
``max_waiting`` request threads may wait here at once, so the rest stay free.

The app sets this up in :func:`builder.web.app.create_app`; a bare blueprint (tests)
renders in-process.
"""

from __future__ import annotations

import logging
import queue
import threading
from typing import Any

from flask import current_app

from builder.core.formspec import FormSpec

log = logging.getLogger(__name__)

__all__ = ["Renderer", "RenderRefused", "render_document"]


class RenderRefused(Exception):
    """A render was stopped at its deadline or could not start in time: ``.message`` says so
    in Chinese for the clerk, ``.status`` is the HTTP status (503)."""

    def __init__(self, message: str, retry_after: int | None = None):
        self.message = message
        self.status = 503
        self.retry_after = retry_after
        super().__init__(message)


class Renderer:
    """``workers`` render processes (started on first use), a ``deadline`` in seconds per
    render, and at most ``max_waiting`` requests waiting ``wait`` seconds for a worker."""

    def __init__(self, workers: int = 2, deadline: float = 30.0, wait: float = 20.0, max_waiting: int = 20):
        self.deadline = deadline
        self.wait = wait
        self._idle: queue.Queue[Any] = queue.Queue()
        for _ in range(workers):
            self._idle.put(None)  # a slot: its process is started when first taken
        self._waiting = threading.BoundedSemaphore(max_waiting)
        self._all: list[Any] = []
        self._lock = threading.Lock()

    def render(self, spec: FormSpec, values: dict[str, Any] | None, fmt: str) -> bytes:
        from builder.forms.render import render
        from builder.forms.workers import Worker, WorkerError

        if not self._waiting.acquire(blocking=False):
            raise RenderRefused("现在同时生成的文件太多, 请稍候再试。", retry_after=10)
        try:
            try:
                w = self._idle.get(timeout=self.wait)
            except queue.Empty:
                raise RenderRefused(f"等待了 {self.wait:.0f} 秒仍没有空闲的生成进程, 请稍候再试。", retry_after=10) from None
            try:
                if w is None or not w.alive:
                    w = Worker()
                    with self._lock:
                        self._all.append(w)
                return bytes(w.call(render, spec, values, fmt, timeout=self.deadline))
            except TimeoutError:
                log.warning("form %s: %s render stopped at the %.0f s deadline", spec.id, fmt, self.deadline)
                w = None  # killed by call(); a fresh one is started for the next request
                raise RenderRefused(f"生成文件超过 {self.deadline:.0f} 秒, 已停止。请检查填写的内容"
                                    "(如特别长的文字或表格)后重试。") from None
            except (EOFError, OSError):
                if w is not None:
                    w.kill()
                w = None
                raise
            except WorkerError:
                raise
            finally:
                self._idle.put(w)
        finally:
            self._waiting.release()

    def start(self) -> None:
        """Start every worker now (fonts loaded, styles warm), so the first clerk's PDF does
        not wait for it; ``handbook serve`` calls this before it listens."""
        from builder.forms.workers import Worker

        slots = []
        while True:
            try:
                slots.append(self._idle.get_nowait())
            except queue.Empty:
                break
        for w in slots:
            if w is None:
                w = Worker()
                with self._lock:
                    self._all.append(w)
            self._idle.put(w)

    def close(self) -> None:
        with self._lock:
            for w in self._all:
                w.close()
            self._all.clear()


def render_document(spec: FormSpec, values: dict[str, Any] | None, fmt: str) -> bytes:
    """Render through the app's :class:`Renderer` if it has one, else in this process."""
    renderer = current_app.extensions.get("handbook_render")
    if isinstance(renderer, Renderer):
        return renderer.render(spec, values, fmt)
    from builder.forms.render import render

    return render(spec, values, fmt)
