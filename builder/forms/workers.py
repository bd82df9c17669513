"""Render worker processes that the parent can stop.

A render is CPU-bound and, for a hostile or merely huge input, unbounded; a thread cannot
be stopped, a process can. Both the batch (:mod:`builder.forms.batch`) and the web app
(:mod:`builder.web.render`) render through :class:`Worker`: one process, one pipe, one job
at a time, killed and replaced when its job runs past a deadline or the caller stops.

Workers never outlive their parent: each watches the parent's pid through a pidfd (Linux
5.3+; elsewhere it polls) on a thread and exits the moment the parent is gone, even by
``kill -9``; and the pipe's end-of-file ends an idle worker. Workers ignore SIGINT (Ctrl+C
goes to the whole process group; the parent decides what stops) and run at a lower CPU
priority than the parent, so a web server's searches are answered while PDFs render.

Workers start from a forkserver with WeasyPrint preloaded: the parent (a web server, a
test) may already hold Pango/fontconfig state that a plain fork would copy mid-use.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import select
import signal
import threading
import time
from multiprocessing.connection import Connection
from typing import Any

__all__ = ["Worker", "WorkerError", "context"]

#: how much lower a worker's CPU priority is than its parent's
NICE = 5


class WorkerError(Exception):
    """A job raised in the worker: ``.kind`` is the exception's type name (its message may
    carry owner data, so only the type crosses back to be logged)."""

    def __init__(self, kind: str):
        self.kind = kind
        super().__init__(kind)


#: run as ``python -m builder.cli.main``, each worker re-imports that module as ``__mp_main__``
#: and Python warns that the package imported it first: harmless, and three lines of noise
#: on a clerk's terminal for every batch
_RERUN_WARNING = "ignore:'builder.cli.main' found in sys.modules:RuntimeWarning"


def context() -> Any:
    """The forkserver context, its server started (with WeasyPrint preloaded) if it is not."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["builder.forms.workers", "builder.forms.pdf", "weasyprint", "weasyprint.text.fonts"])
    before = os.environ.get("PYTHONWARNINGS")
    os.environ["PYTHONWARNINGS"] = ",".join(filter(None, [before, _RERUN_WARNING]))
    try:  # the fork server reads it as it starts; its children inherit the filter
        from multiprocessing import forkserver

        forkserver.ensure_running()
    finally:
        if before is None:
            os.environ.pop("PYTHONWARNINGS", None)
        else:
            os.environ["PYTHONWARNINGS"] = before
    return ctx


def _watch_parent(pid: int) -> None:
    """Exit this process as soon as ``pid`` is gone."""
    fd = None
    with contextlib.suppress(AttributeError, OSError):
        fd = os.pidfd_open(pid)
    if fd is not None:
        select.select([fd], [], [])  # a pidfd becomes readable when its process exits
        os._exit(1)
    while True:  # pragma: no cover - no pidfd (not Linux, or an old kernel)
        time.sleep(0.3)
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            os._exit(1)
        except PermissionError:
            pass


def _main(conn: Connection, parent: int, warm: bool) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True, name="watch-parent").start()
    with contextlib.suppress(OSError):
        os.nice(NICE)
    if warm:
        with contextlib.suppress(Exception):
            from builder.forms.pdf import warm as warm_pdf

            warm_pdf()
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        fn, args = job
        try:
            reply: tuple[str, Any] = ("ok", fn(*args))
        except BaseException as e:  # noqa: BLE001 - reported to the parent by type
            reply = ("error", type(e).__name__)
        try:
            conn.send(reply)
        except (BrokenPipeError, OSError):
            return


class Worker:
    """One render process with a pipe; ``send`` a job, ``wait``/``recv`` its reply, ``kill``
    it at any moment (nothing it does touches a file)."""

    def __init__(self, ctx: Any = None, warm: bool = True):
        ctx = ctx or context()
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_main, args=(child, os.getpid(), warm), daemon=True,
                                   name="handbook-render")
        self.process.start()
        child.close()
        self.busy = False

    def send(self, fn: Any, *args: Any) -> None:
        self.busy = True
        self.conn.send((fn, args))

    def recv(self) -> Any:
        """The job's result, or :class:`WorkerError`; EOFError if the process died."""
        kind, value = self.conn.recv()
        self.busy = False
        if kind == "error":
            raise WorkerError(value)
        return value

    def call(self, fn: Any, *args: Any, timeout: float | None = None) -> Any:
        """Run ``fn(*args)`` in the worker; TimeoutError (the worker is then dead) past ``timeout``."""
        self.send(fn, *args)
        if not self.conn.poll(timeout):
            self.kill()
            raise TimeoutError(f"render ran past {timeout} s")
        return self.recv()

    @property
    def alive(self) -> bool:
        return self.process.is_alive()

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.process.kill()
        with contextlib.suppress(Exception):
            self.process.join(2)
        with contextlib.suppress(Exception):
            self.conn.close()

    def close(self) -> None:
        """Let an idle worker end on its own; kill it if it does not within a second."""
        with contextlib.suppress(Exception):
            self.conn.send(None)
        self.process.join(1)
        if self.process.is_alive():
            self.kill()
        with contextlib.suppress(Exception):
            self.conn.close()
