"""A clerk in another process, for the register's concurrency and crash tests.

    python tests/register_worker.py URL KEY_FILE MODE [COUNT]

MODE ``issue``: issue COUNT forms, print each number as soon as it is committed (a number
printed is a number handed to a clerk). ``forever``: the same without end, until killed.
``hang``: issue one form but stop inside the transaction, after the number is taken and the
record inserted, print ``READY`` and sleep until killed (kill -9 mid-issue).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from register_fixtures import issue_baoxiu  # noqa: E402

from builder.register import open_register  # noqa: E402


def main(argv: list[str]) -> int:
    url, key_file, mode = argv[:3]
    count = int(argv[3]) if len(argv) > 3 else 0
    reg = open_register(url, key_file=key_file, pool_size=1)
    print("OPEN", flush=True)
    if mode == "hang":
        def hang() -> None:
            print("READY", flush=True)
            time.sleep(120)
        reg._hook_before_commit = hang
        issue_baoxiu(reg, by=f"worker{os.getpid()}")
        return 1  # never reached: killed first
    n = 0
    while mode == "forever" or n < count:
        print(issue_baoxiu(reg, by=f"worker{os.getpid()}", room=f"{n % 7}栋{n}").number, flush=True)
        n += 1
    reg.close_connections()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
