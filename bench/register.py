"""Register benchmark: prints figures, asserts nothing.

    python bench/register.py [--records 100000] [--only sqlite|postgresql]

For SQLite (WAL, synchronous=FULL) and for PostgreSQL (a throwaway cluster started with the
tests' own fixture code, tests/register_pg.py, with fsync on as a real server has it):

1. seeds N records with bulk inserts (values, sealed ID numbers, lookup digests, due dates);
2. issue latency: 500 issues one after another through ``Register.issue`` (p50/p99);
3. search by room: 500 exact-room searches (p50/p99), and 100 building-prefix searches;
4. 20 concurrent clerks (threads) x 50 issues: distinct and gap-free?;
5. a backup while a clerk keeps issuing: seconds, size, records issued during it.

Targets (issue #15): issue p99 <= 10 ms, room search p99 <= 20 ms with 100,000 records.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from register_fixtures import BAOXIU_SPEC  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from builder.register import open_register  # noqa: E402
from builder.register.codec import encode_values, spec_version  # noqa: E402
from builder.register.numbers import format_number  # noqa: E402
from builder.register.personal import split_values  # noqa: E402
from builder.register.schema import counters, dues, events, form_versions, lookups, records  # noqa: E402

CST = dt.timezone(dt.timedelta(hours=8))
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华"
W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def id_number(rng: random.Random) -> str:
    born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(25_000))
    s = f"440305{born:%Y%m%d}{rng.randrange(1000):03d}"
    return s + "10X98765432"[sum(int(c) * w for c, w in zip(s, W, strict=True)) % 11]


def room(rng: random.Random) -> str:  # 40 buildings x 4 units x 30 floors x 4 flats = 19,200 rooms
    return f"{rng.randint(1, 40)}栋{rng.randint(1, 4)}单元{rng.randint(1, 30)}{rng.randint(1, 4):02d}"


def values(rng: random.Random) -> dict[str, Any]:
    return {"room": room(rng), "owner_name": rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.randint(1, 2))),
            "phone": f"1{rng.choice('3589')}{rng.randrange(10**9):09d}", "id_number": id_number(rng),
            "date": dt.date(2026, 4, 21), "category": rng.choice(["安全设施", "房屋渗漏水", "其他"]),
            "fee": Decimal(rng.randrange(0, 50000)) / 100, "content": "卫生间天花板渗水, 请尽快安排维修",
            "family": [], "staff_sign": None}


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))] * 1000


def timed(fn: Callable[[], Any], n: int) -> list[float]:
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def fsync_ms(folder: Path, p: float, _cache: dict[str, list[float]] = {}) -> float:  # noqa: B006
    """The disk's own fsync latency for a 4 kB append: the floor under a durable commit."""
    if "xs" not in _cache:
        path = folder / "fsync-probe"
        xs = []
        with open(path, "wb") as f:
            for _ in range(300):
                f.write(b"x" * 4096)
                f.flush()
                t = time.perf_counter()
                os.fsync(f.fileno())
                xs.append(time.perf_counter() - t)
        path.unlink()
        _cache["xs"] = xs
    return pct(_cache["xs"], p)


def seed(reg: Any, n: int, rng: random.Random) -> float:
    """Bulk-insert n records the way issuing would store them (sealed IDs, digests, dues).

    5,000 owners (name, phone, ID number) are cut once with the register's own split_values;
    each record takes one of them and a random room and is sealed under its own number.
    """
    t0 = time.perf_counter()
    owners = []
    for _ in range(5000):
        split = split_values(BAOXIU_SPEC, encode_values(values(rng)))
        keys = [(k, reg.keys.digest(k, v)) for k, v in sorted(split.keys)]
        owners.append((split, json.dumps(split.secrets).encode(), keys))
    version = spec_version(BAOXIU_SPEC)
    start = dt.datetime(2024, 5, 1, 9, 0, tzinfo=CST)
    with reg.engine.begin() as conn:
        conn.execute(insert(form_versions).values(version=version, form_id="yezhu-baoxiu-dan",
                                                  snapshot=BAOXIU_SPEC, first_issued_at=start))
    batch = 5000
    for first in range(0, n, batch):
        recs, looks, due_rows, evs = [], [], [], []
        for i in range(first, min(n, first + batch)):
            rid = i + 1
            at = start + dt.timedelta(minutes=10 * i)
            number = format_number("BX", 2025, rid)  # a past year: the timed issues start at 000001
            split, secrets, keys = owners[rng.randrange(len(owners))]
            rm = room(rng)
            recs.append({"id": rid, "number": number, "prefix": "BX", "year": 2025, "seq": rid,
                         "form_id": "yezhu-baoxiu-dan", "form_code": "KF-BX-01", "form_title": "业主报修单",
                         "version": version, "data": {**split.clear, "room": rm},
                         "sealed": reg.keys.seal(secrets, number.encode()),
                         "room": rm, "name_masked": split.name_masked, "phone_masked": split.phone_masked,
                         "issued_by": "前台小王", "issued_at": at, "issued_on": at.astimezone(CST).date(),
                         "status": "closed" if i < n - 200 else "issued", "supersedes_id": None})
            looks += [{"kind": k, "digest": d, "record_id": rid} for k, d in keys]
            due_rows.append({"record_id": rid, "label": "回访", "due_on": at.date() + dt.timedelta(days=3),
                             "done_on": at.date() + dt.timedelta(days=2) if i < n - 200 else None,
                             "result": "满意" if i < n - 200 else None, "done_by": "小陈" if i < n - 200 else None,
                             "done_at": at + dt.timedelta(days=2) if i < n - 200 else None})
            evs.append({"record_id": rid, "action": "issued", "at": at, "by": "前台小王", "reason": None,
                        "other_id": None})
        with reg.engine.begin() as conn:
            conn.execute(insert(records), recs)
            conn.execute(insert(lookups), looks)
            conn.execute(insert(dues), due_rows)
            conn.execute(insert(events), evs)
    with reg.engine.begin() as conn:
        conn.execute(insert(counters).values(prefix="BX", year=2025, last=n))
        if reg.engine.dialect.name == "postgresql":  # the ids were given: move the sequence past them
            conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('records', 'id'), {n})")
        conn.exec_driver_sql("ANALYZE")
    return time.perf_counter() - t0


def run(label: str, url: str, tmp: Path, n: int) -> None:
    rng = random.Random(15)
    reg = open_register(url, key_file=tmp / f"{label}.key", tz=CST, pool_size=25)
    print(f"\n== {label}: {n:,} records")
    print(f"seed (bulk insert)        {seed(reg, n, rng):7.1f} s")
    # start as a register in use would be, not one bulk-loaded a second ago: the WAL
    # checkpointed, and on PostgreSQL the tables vacuumed (autovacuum would be busy otherwise)
    with reg.engine.connect() as conn:
        if reg.engine.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            conn.exec_driver_sql("VACUUM ANALYZE")
            conn.exec_driver_sql("CHECKPOINT")

    def issue() -> str:
        return str(reg.issue("yezhu-baoxiu-dan", "KF-BX-01", "业主报修单", BAOXIU_SPEC, values(rng),
                             issued_by="前台小王", due=dt.date(2026, 4, 24)).number)

    for _ in range(20):
        issue()  # warm: statement caches, pool
    xs = timed(issue, 500)
    print(f"issue                     p50 {pct(xs, 50):6.2f} ms   p99 {pct(xs, 99):6.2f} ms   (target p99 <= 10)")
    fast = open_register(url, key_file=tmp / f"{label}.key", tz=CST, durable=False)
    xs = timed(lambda: fast.issue("yezhu-baoxiu-dan", "KF-BX-01", "业主报修单", BAOXIU_SPEC, values(rng),
                                  issued_by="前台小王", due=dt.date(2026, 4, 24)), 500)
    fast.close_connections()
    print(f"issue, durable=False      p50 {pct(xs, 50):6.2f} ms   p99 {pct(xs, 99):6.2f} ms   (no fsync wait)")
    print(f"disk fsync alone          p50 {fsync_ms(tmp, 50):6.2f} ms   p99 {fsync_ms(tmp, 99):6.2f} ms")
    rooms = [room(rng) for _ in range(500)]
    it = iter(rooms)
    xs = timed(lambda: reg.search(room=next(it)), 500)
    print(f"search by room            p50 {pct(xs, 50):6.2f} ms   p99 {pct(xs, 99):6.2f} ms   (target p99 <= 20)")
    buildings = iter([f"{rng.randint(1, 40)}栋" for _ in range(100)])
    xs = timed(lambda: reg.search(room=next(buildings)), 100)
    print(f"search by building prefix p50 {pct(xs, 50):6.2f} ms   p99 {pct(xs, 99):6.2f} ms   (50 newest of ~2,500)")
    phones = iter([f"{rng.randrange(10000):04d}" for _ in range(100)])
    xs = timed(lambda: reg.search(phone=next(phones)), 100)
    print(f"search by phone tail      p50 {pct(xs, 50):6.2f} ms   p99 {pct(xs, 99):6.2f} ms")

    # 20 clerks x 50 issues, all at once, on a fresh counter (another form code)
    got: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    gate = threading.Barrier(20)

    def clerk(i: int) -> None:
        try:
            gate.wait()
            for _ in range(50):
                num = reg.issue("zhuangxiu-beian", "KF-ZX-01", "装修备案表", {"fields": []}, {"room": room(rng)},
                                issued_by=f"clerk{i}").number
                with lock:
                    got.append(num)
        except BaseException as e:
            errors.append(e)

    t0 = time.perf_counter()
    threads = [threading.Thread(target=clerk, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.perf_counter() - t0
    seqs = sorted(int(x[-6:]) for x in got)
    print(f"20 clerks x 50 issues     {len(got)} numbers, {len(set(got))} distinct, "
          f"gap-free 1..{len(got)}: {seqs == list(range(1, len(got) + 1))}, errors: {len(errors)}, "
          f"{took:.1f} s ({len(got) / took:.0f} issues/s)")

    stop = threading.Event()
    during: list[str] = []

    def keep_issuing() -> None:
        while not stop.is_set():
            during.append(issue())

    t = threading.Thread(target=keep_issuing)
    t.start()
    time.sleep(0.2)
    before = len(during)
    t0 = time.perf_counter()
    result = reg.backup(tmp / f"{label}.backup", by="bench")
    took = time.perf_counter() - t0
    issued_during = len(during) - before
    stop.set()
    t.join()
    in_copy = f"{result.records:,} records in the copy" if result.records is not None else "pg_dump archive"
    print(f"backup while issuing      {took:6.2f} s, {result.bytes / 1e6:.1f} MB, {in_copy}; "
          f"{issued_during} issued meanwhile ({result.method})")
    reg.close_connections()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--only", choices=["sqlite", "postgresql"])
    args = ap.parse_args()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} (other work on it skews p99)")
    with tempfile.TemporaryDirectory(prefix="register-bench-") as d:
        tmp = Path(d)
        if args.only in (None, "sqlite"):
            run("SQLite", f"sqlite:///{tmp / 'register.sqlite3'}", tmp, args.records)
        if args.only in (None, "postgresql"):
            from register_pg import PgCluster, find_bindir

            if find_bindir() is None:
                print("\n== PostgreSQL: skipped (apt-get install postgresql)")
                return
            with PgCluster.start(fast=False) as pg:
                run("PostgreSQL", pg.create_database("bench"), tmp, args.records)


if __name__ == "__main__":
    main()
