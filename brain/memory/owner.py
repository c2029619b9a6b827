"""What the pet remembers of its owner: episodes, touch habits, rhythm, fusion baseline.

:class:`OwnerMemory` sits on a :class:`~brain.memory.store.MemoryStore` and
keeps the learned state in RAM for selection (no query per decision): the
welcome counts per behaviour and context, and the weekly rhythm. Every
method takes the local date-time from the caller's injected clock; nothing
here reads the host clock.

Retention: raw episodes, presence events and per-day touch counts older than
``retention_days`` are folded into aggregates (welcome counts, presence per
day-of-week slot, touch totals) and deleted, once per day
(:mod:`brain.memory.retention` writes the statements). After a simulated
year the file stays under ``SIZE_BOUND_BYTES`` (tested).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from brain.memory.retention import build_rhythm, fold_statements
from brain.memory.rhythm import Rhythm
from brain.memory.store import SCHEMA_VERSION, MemoryStore, from_wall_ms, wall_ms
from brain.memory.welcome import ANSWERS, Counts, time_bucket

DEFAULT_RETENTION_DAYS = 30
SIZE_BOUND_BYTES = 1_048_576  # the file with its WAL after a simulated year (see tests)
FORGET_KINDS = ("episodes", "rhythm", "touches", "baseline")


@dataclass(frozen=True)
class Episode:
    """One proactive behaviour and how the owner answered it."""

    at: datetime
    behaviour: str
    bucket: str
    owner_mood: str
    present: bool
    recent_touches: int
    answer: str

    def to_json(self) -> dict[str, Any]:
        """JSON-ready dict (export)."""
        return {
            "at": self.at.isoformat(timespec="seconds"),
            "behaviour": self.behaviour,
            "bucket": self.bucket,
            "owner_mood": self.owner_mood,
            "present": self.present,
            "recent_touches": self.recent_touches,
            "answer": self.answer,
        }


class OwnerMemory:
    """The owner profile: read it in RAM, write every change through in one transaction."""

    def __init__(
        self,
        path: Path | None,
        *,
        retention_days: int = DEFAULT_RETENTION_DAYS,
        stamp: Callable[[], str] = lambda: "unknown",
        durable: bool = True,
    ) -> None:
        if retention_days < 1:
            raise ValueError("retention_days must be at least 1")
        self.store = MemoryStore(path, stamp=stamp, durable=durable)
        self.retention_days = retention_days
        self.welcome: dict[tuple[str, str, str], Counts] = defaultdict(Counts)
        self._rhythm: Rhythm | None = None  # rebuilt when asked after a change
        self._pending_touches: dict[tuple[str, str, str, str], int] = {}
        self._today: date | None = None
        self._reload()

    # -- loading ------------------------------------------------------------

    def _reload(self) -> None:
        """Rebuild the RAM state from the file (start, forget)."""
        self.welcome = defaultdict(Counts)
        for name, bucket, mood, warm, cold, ignored in self.store.query(
            "SELECT behaviour, bucket, owner_mood, warm, cold, ignored FROM welcome"
        ):
            counts = self.welcome[(name, bucket, mood)]
            counts.warm, counts.cold, counts.ignored = warm, cold, ignored
        for name, bucket, mood, answer, n in self.store.query(
            "SELECT behaviour, bucket, owner_mood, answer, COUNT(*) FROM episodes "
            "GROUP BY behaviour, bucket, owner_mood, answer"
        ):
            self.welcome[(name, bucket, mood)].add(answer, float(n))
        self._rhythm = None

    @property
    def rhythm(self) -> Rhythm:
        """The weekly rhythm learned so far (rebuilt lazily after a change)."""
        if self._rhythm is None:
            self._rhythm = build_rhythm(self.store)
        return self._rhythm

    @property
    def version(self) -> int:
        """Changes written so far (readers such as the dashboard cache on it)."""
        return self.store.version

    @property
    def learning(self) -> bool:
        """False when the file cannot be written (the pet runs without learning)."""
        return self.store.writable

    @property
    def notices(self) -> list[str]:
        """What the owner was told about the file (damaged, newer, read-only)."""
        return self.store.notices

    # -- recording ----------------------------------------------------------

    def new_moment(self, at: datetime) -> None:
        """Called as time passes: counts a new day in, and folds old data once a day."""
        today = at.date()
        if today == self._today:
            return
        self._today = today
        self.store.write(
            [
                (
                    "INSERT OR IGNORE INTO days (date, day_of_week) VALUES (?, ?)",
                    (today.isoformat(), today.weekday()),
                )
            ]
        )
        self.fold(at)
        self._rhythm = None

    def record_episode(self, episode: Episode) -> bool:
        """Store one answered episode (one transaction); False when not stored."""
        if episode.answer not in ANSWERS:
            raise ValueError(f"unknown answer {episode.answer!r}")
        ok = self.store.write(
            [
                (
                    "INSERT INTO episodes (wall_ms, behaviour, bucket, owner_mood, present, "
                    "recent_touches, answer) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        wall_ms(episode.at),
                        episode.behaviour,
                        episode.bucket,
                        episode.owner_mood,
                        int(episode.present),
                        episode.recent_touches,
                        episode.answer,
                    ),
                )
            ]
        )
        if ok:
            self.welcome[(episode.behaviour, episode.bucket, episode.owner_mood)].add(
                episode.answer
            )
        return ok

    def record_presence(self, at: datetime, present: bool) -> bool:
        """The owner arrived (``present``) or left at ``at``."""
        self.new_moment(at)
        ok = self.store.write(
            [
                (
                    "INSERT INTO presence (wall_ms, day_of_week, minute_of_day, present) "
                    "VALUES (?, ?, ?, ?)",
                    (wall_ms(at), at.weekday(), at.hour * 60 + at.minute, int(present)),
                )
            ]
        )
        if ok:
            self._rhythm = None
        return ok

    def record_touch(self, at: datetime, zone: str, gesture: str) -> None:
        """One touch gesture on ``zone`` (a habit count; no trace of the touch itself).

        Counted in RAM and written by :meth:`flush_touches` (once a minute from the
        learner, and at close): petting gives several gestures a second, and the
        control loop must not wait for a disk sync at each. A crash loses at most
        that minute of habit counts, never an episode.
        """
        key = (at.date().isoformat(), zone, gesture, time_bucket(at))
        self._pending_touches[key] = self._pending_touches.get(key, 0) + 1

    def flush_touches(self) -> bool:
        """Write the touch counts gathered since the last flush (one transaction)."""
        if not self._pending_touches:
            return True
        pending, self._pending_touches = self._pending_touches, {}
        return self.store.write(
            [
                (
                    "INSERT INTO touches (day, zone, gesture, bucket, count) "
                    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (day, zone, gesture, bucket) "
                    "DO UPDATE SET count = count + excluded.count",
                    (*key, n),
                )
                for key, n in pending.items()
            ]
        )

    def save_baseline(self, baseline: dict[str, Any]) -> bool:
        """Store the owner's fusion baseline (``OwnerBaseline.to_json()``)."""
        return self.store.write(
            [
                (
                    "INSERT INTO facts (key, value) VALUES ('fusion_baseline', ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    (json.dumps(baseline, sort_keys=True),),
                )
            ]
        )

    def load_baseline(self) -> dict[str, Any] | None:
        """The stored fusion baseline, or None."""
        rows = self.store.query("SELECT value FROM facts WHERE key = 'fusion_baseline'")
        if not rows:
            return None
        value = json.loads(rows[0][0])
        return value if isinstance(value, dict) else None

    # -- retention ----------------------------------------------------------

    def fold(self, at: datetime) -> None:
        """Fold everything older than the retention window into aggregates (one transaction)."""
        self.flush_touches()
        self.store.write(fold_statements(self.store, at, self.retention_days))

    # -- the owner's control ------------------------------------------------

    def forget(
        self, *, everything: bool = False, since: date | None = None, what: str | None = None
    ) -> str:
        """Erase what the owner asks; returns a sentence saying what was erased."""
        tables: dict[str, list[str]] = {
            "episodes": ["DELETE FROM episodes", "DELETE FROM welcome"],
            "rhythm": ["DELETE FROM presence", "DELETE FROM presence_slots", "DELETE FROM days"],
            "touches": ["DELETE FROM touches"],
            "baseline": ["DELETE FROM facts WHERE key = 'fusion_baseline'"],
        }
        statements: list[tuple[str, tuple[Any, ...]]]
        if everything or what == "touches":
            self._pending_touches = {}
        elif since is not None:
            day_text = since.isoformat()
            self._pending_touches = {
                k: n for k, n in self._pending_touches.items() if k[0] < day_text
            }
        if everything:
            statements = [(sql, ()) for sqls in tables.values() for sql in sqls]
            said = "forgot everything"
        elif what is not None:
            if what not in tables:
                raise ValueError(f"unknown kind {what!r} (known: {', '.join(FORGET_KINDS)})")
            statements = [(sql, ()) for sql in tables[what]]
            said = f"forgot {what}"
        elif since is not None:
            start = wall_ms(datetime.combine(since, datetime.min.time()))
            day = since.isoformat()
            statements = [
                ("DELETE FROM episodes WHERE wall_ms >= ?", (start,)),
                ("DELETE FROM presence WHERE wall_ms >= ?", (start,)),
                ("DELETE FROM days WHERE folded = 0 AND date >= ?", (day,)),
                ("DELETE FROM touches WHERE day != 'folded' AND day >= ?", (day,)),
            ]
            said = f"forgot everything since {day}"
            folded = self.store.query("SELECT MAX(date) FROM days WHERE folded = 1")
            if folded and folded[0][0] is not None and folded[0][0] >= day:
                # Aggregates have no dates: they cannot be split, so they go too.
                statements += [
                    ("DELETE FROM welcome", ()),
                    ("DELETE FROM presence_slots", ()),
                    ("DELETE FROM days WHERE folded = 1", ()),
                    ("DELETE FROM touches WHERE day = 'folded'", ()),
                ]
                said += " (and the summaries older than the retention window, which mix dates)"
        else:
            raise ValueError("say what to forget: everything, since a date, or a kind")
        if not self.store.write(statements):
            return "could not forget: " + "; ".join(self.store.notices[-1:])
        self.store.checkpoint()
        self._today = None
        self._reload()
        return said

    def episodes(self) -> list[Episode]:
        """The raw episodes still inside the retention window, oldest first."""
        return [
            Episode(from_wall_ms(t), b, k, m, bool(p), r, a)
            for t, b, k, m, p, r, a in self.store.query(
                "SELECT wall_ms, behaviour, bucket, owner_mood, present, recent_touches, answer "
                "FROM episodes ORDER BY wall_ms"
            )
        ]

    def touch_habits(self) -> dict[tuple[str, str, str], int]:
        """Touch counts per (zone, gesture, bucket), raw and folded together."""
        self.flush_touches()
        return {
            (z, g, b): int(n)
            for z, g, b, n in self.store.query(
                "SELECT zone, gesture, bucket, SUM(count) FROM touches "
                "GROUP BY zone, gesture, bucket"
            )
        }

    def export(self) -> dict[str, Any]:
        """Everything stored, as plain JSON (``petbrain memory export``)."""
        return {
            "schema_version": SCHEMA_VERSION,
            "retention_days": self.retention_days,
            "episodes": [e.to_json() for e in self.episodes()],
            "welcome": [
                {
                    "behaviour": b,
                    "bucket": k,
                    "owner_mood": m,
                    "warm": c.warm,
                    "cold": c.cold,
                    "ignored": c.ignored,
                }
                for (b, k, m), c in sorted(self.welcome.items())
            ],
            "touches": [
                {"zone": z, "gesture": g, "bucket": b, "count": n}
                for (z, g, b), n in sorted(self.touch_habits().items())
            ],
            "presence": [
                {"at": from_wall_ms(t).isoformat(timespec="minutes"), "present": bool(p)}
                for t, p in self.store.query(
                    "SELECT wall_ms, present FROM presence ORDER BY wall_ms"
                )
            ],
            "rhythm_days": [
                {"date": d, "folded": bool(f)}
                for d, f in self.store.query("SELECT date, folded FROM days ORDER BY date")
            ],
            "fusion_baseline": self.load_baseline(),
            "notices": list(self.notices),
        }

    def close(self) -> None:
        """Write what is pending and close the file."""
        self.flush_touches()
        self.store.close()
