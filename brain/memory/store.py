"""The owner-memory database: one SQLite file, WAL, every write in one transaction.

Opening it is never fatal for the pet:

- ``PRAGMA integrity_check`` runs at start; a corrupt file is moved aside as
  ``<name>.corrupt-<time>.db`` (said once) and a fresh one is started;
- a file written by a newer petbrain (``user_version`` above ours) is refused
  with a clear message and left untouched; the pet runs without learning;
- a read-only or full disk turns learning off (said once); the pet goes on.

Only numbers and short labels are stored: behaviour names, context buckets,
answers, counts, minutes. Never frames, audio, face crops or embeddings.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

SCHEMA_VERSION = 2

# Each migration takes the database from version N-1 to N (index N-1).
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE episodes (
            id INTEGER PRIMARY KEY,
            wall_ms INTEGER NOT NULL,          -- local wall time, ms since 1970 (naive)
            behaviour TEXT NOT NULL,
            bucket TEXT NOT NULL,              -- time-of-week bucket, e.g. 'weekday morning'
            owner_mood TEXT NOT NULL,          -- 'sad' | 'ok' | 'unknown'
            present INTEGER NOT NULL,          -- owner present when it started
            recent_touches INTEGER NOT NULL,   -- touches in the 10 minutes before
            answer TEXT NOT NULL CHECK (answer IN ('warm', 'cold', 'ignored'))
        )""",
        "CREATE INDEX episodes_wall ON episodes (wall_ms)",
        """CREATE TABLE welcome (              -- aggregates folded from old episodes
            behaviour TEXT NOT NULL,
            bucket TEXT NOT NULL,
            owner_mood TEXT NOT NULL,
            warm REAL NOT NULL DEFAULT 0,
            cold REAL NOT NULL DEFAULT 0,
            ignored REAL NOT NULL DEFAULT 0,
            PRIMARY KEY (behaviour, bucket, owner_mood)
        )""",
        """CREATE TABLE touches (              -- touch habits per day, zone, gesture, bucket
            day TEXT NOT NULL,                 -- YYYY-MM-DD, or 'folded' past the retention
            zone TEXT NOT NULL,
            gesture TEXT NOT NULL,
            bucket TEXT NOT NULL,
            count INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (day, zone, gesture, bucket)
        )""",
        """CREATE TABLE presence (             -- arrivals and departures, local wall time
            id INTEGER PRIMARY KEY,
            wall_ms INTEGER NOT NULL,
            day_of_week INTEGER NOT NULL,      -- 0 Monday .. 6 Sunday
            minute_of_day INTEGER NOT NULL,
            present INTEGER NOT NULL
        )""",
        "CREATE INDEX presence_wall ON presence (wall_ms)",
        "CREATE TABLE facts (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    ),
    (
        # Version 2: the rhythm keeps presence folded out of the retention
        # window per day of week and quarter hour, and the days behind it.
        """CREATE TABLE presence_slots (
            day_of_week INTEGER NOT NULL,
            slot INTEGER NOT NULL,             -- quarter hour of the day, 0..95
            arrivals REAL NOT NULL DEFAULT 0,  -- folded days with an arrival in the slot
            departures REAL NOT NULL DEFAULT 0,
            present REAL NOT NULL DEFAULT 0,   -- folded days with the owner there in it
            PRIMARY KEY (day_of_week, slot)
        )""",
        """CREATE TABLE days (                 -- days the pet was on (the rhythm's denominator)
            date TEXT PRIMARY KEY,             -- YYYY-MM-DD, local
            day_of_week INTEGER NOT NULL,
            folded INTEGER NOT NULL DEFAULT 0  -- 1: its presence lives in presence_slots now
        )""",
    ),
)
assert len(MIGRATIONS) == SCHEMA_VERSION


class NewerSchemaError(Exception):
    """The file was written by a newer petbrain; it is left as it is."""


def wall_ms(moment: datetime) -> int:
    """A naive local date-time as milliseconds since 1970-01-01 00:00 (no time zone)."""
    epoch = datetime(1970, 1, 1)
    return int((moment.replace(tzinfo=None) - epoch).total_seconds() * 1000)


def from_wall_ms(value: int) -> datetime:
    """Back from :func:`wall_ms`."""
    return datetime(1970, 1, 1) + timedelta(milliseconds=value)


@dataclass
class MemoryStore:
    """The SQLite file and its state: ``writable`` False means the pet learns nothing now.

    ``notices`` collects what the owner must be told (once each): a corrupt
    file moved aside, a newer schema, a read-only or full disk. ``stamp``
    names a moved-aside file (the local date-time from the injected clock).
    """

    path: Path | None
    stamp: Callable[[], str] = field(default=lambda: "unknown")
    notices: list[str] = field(default_factory=list)
    writable: bool = True
    # FULL: a commit survives power loss too (the robot). NORMAL: survives a crash of the
    # process, not of the machine (simulations, size tests). Never off.
    durable: bool = True

    def __post_init__(self) -> None:
        self.version = 0  # successful writes so far (readers cache on it)
        self.db: sqlite3.Connection | None = None
        self._said: set[str] = set()
        self._open()

    # -- opening ------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        target = ":memory:" if self.path is None else str(self.path)
        # isolation_level None: we issue BEGIN/COMMIT ourselves (one per write).
        db = sqlite3.connect(target, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA busy_timeout = 2000")
        return db

    def _open(self) -> None:
        try:
            if self.path is not None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            db = self._connect()
            ok = self._healthy(db)
            if not ok:
                db.close()
                self._move_aside()
                db = self._connect()
            self.db = db
            self._migrate(db)
            if self.path is not None:
                db.execute("PRAGMA journal_mode = WAL")
                db.execute(f"PRAGMA synchronous = {'FULL' if self.durable else 'NORMAL'}")
        except NewerSchemaError as error:
            self._off(str(error))
        except (sqlite3.Error, OSError) as error:
            self._off(f"owner memory cannot be written ({error}); the pet runs without learning")

    def _healthy(self, db: sqlite3.Connection) -> bool:
        try:
            row = db.execute("PRAGMA integrity_check").fetchone()
        except sqlite3.DatabaseError as error:
            if "readonly" in str(error) or "unable to open" in str(error):
                raise
            return False
        return bool(row) and row[0] == "ok"

    def _move_aside(self) -> None:
        assert self.path is not None
        aside = self.path.with_name(f"{self.path.stem}.corrupt-{self.stamp()}.db")
        self.path.replace(aside)
        for suffix in ("-wal", "-shm"):
            extra = self.path.with_name(self.path.name + suffix)
            if extra.exists():
                extra.replace(aside.with_name(aside.name + suffix))
        self.say(
            f"owner memory {self.path} was damaged: moved aside as {aside.name}; started afresh"
        )

    def _migrate(self, db: sqlite3.Connection) -> None:
        version = int(db.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            db.close()
            self.db = None
            raise NewerSchemaError(
                f"owner memory {self.path} has schema version {version}, newer than this "
                f"petbrain's {SCHEMA_VERSION}: left untouched, the pet runs without learning "
                "(update petbrain, or point memory.path elsewhere)"
            )
        for target in range(version + 1, SCHEMA_VERSION + 1):
            db.execute("BEGIN IMMEDIATE")
            try:
                for statement in MIGRATIONS[target - 1]:
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {target}")
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def _off(self, message: str) -> None:
        self.writable = False
        self.say(message)
        if self.db is None:  # keep something to read from: an empty memory
            self.db = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
            for statements in MIGRATIONS:
                for statement in statements:
                    self.db.execute(statement)

    def say(self, message: str) -> None:
        """Tell the owner ``message`` once (log and :attr:`notices`)."""
        if message in self._said:
            return
        self._said.add(message)
        self.notices.append(message)
        log.warning("%s", message)

    # -- reading and writing -------------------------------------------------

    @property
    def conn(self) -> sqlite3.Connection:
        """The open connection (in-memory and empty when the file could not be used)."""
        assert self.db is not None
        return self.db

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Rows of a read."""
        return list(self.conn.execute(sql, params).fetchall())

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        db = self.conn
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def write(self, statements: list[tuple[str, tuple[Any, ...]]]) -> bool:
        """Run ``statements`` in one transaction; False (and learning off) when the disk refuses."""
        if not self.writable:
            return False
        try:
            with self._transaction() as db:
                for sql, params in statements:
                    db.execute(sql, params)
            self.version += 1
        except sqlite3.OperationalError as error:
            text = str(error).lower()
            if "readonly" in text or "full" in text or "disk i/o" in text:
                self._off(
                    f"owner memory cannot be written ({error}); the pet keeps running without "
                    "learning"
                )
                return False
            raise
        return True

    def size_bytes(self) -> int:
        """The file's size with its WAL (0 for an in-memory store)."""
        if self.path is None or not self.path.exists():
            return 0
        wal = self.path.with_name(self.path.name + "-wal")
        return self.path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)

    def checkpoint(self) -> None:
        """Fold the WAL into the file and give back free pages (after forgetting)."""
        if self.writable and self.path is not None:
            self.conn.execute("VACUUM")  # in WAL mode its pages go to the WAL first
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        """Close the connection."""
        if self.db is not None:
            self.db.close()
            self.db = None
