"""The owner-memory file: survives damage, refuses the future, carries on read-only, stays small."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
import textwrap
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from brain.memory import SCHEMA_VERSION, Episode, OwnerMemory
from brain.memory.owner import SIZE_BOUND_BYTES
from brain.memory.welcome import time_bucket

MONDAY = datetime(2026, 1, 5, 8, 0)


def episode(at: datetime, answer: str = "warm", behaviour: str = "seek_attention") -> Episode:
    return Episode(at, behaviour, time_bucket(at), "ok", True, 2, answer)


def test_episodes_and_welcome_survive_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "owner.db"
    memory = OwnerMemory(path)
    for i in range(5):
        assert memory.record_episode(episode(MONDAY + timedelta(minutes=i), "cold"))
    memory.close()
    again = OwnerMemory(path)
    counts = again.welcome[("seek_attention", "weekday 08h", "ok")]
    assert (counts.warm, counts.cold) == (0, 5)
    assert len(again.episodes()) == 5
    assert again.store.query("PRAGMA journal_mode")[0][0] == "wal"
    assert again.store.query("PRAGMA user_version")[0][0] == SCHEMA_VERSION


def test_a_corrupt_file_is_moved_aside_once_and_a_fresh_one_started(tmp_path: Path) -> None:
    path = tmp_path / "owner.db"
    memory = OwnerMemory(path)
    memory.record_episode(episode(MONDAY))
    memory.close()
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # wreck the header's tail and the first page
    path.write_bytes(bytes(data))
    fresh = OwnerMemory(path, stamp=lambda: "20260105T080000")
    assert fresh.learning
    assert fresh.episodes() == []
    aside = tmp_path / "owner.corrupt-20260105T080000.db"
    assert aside.exists()
    assert len(fresh.notices) == 1 and "damaged" in fresh.notices[0]
    assert fresh.record_episode(episode(MONDAY))


def test_a_newer_schema_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "owner.db"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE future (x)")
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.commit()
    db.close()
    before = path.read_bytes()
    memory = OwnerMemory(path)
    assert not memory.learning
    assert "newer" in memory.notices[0] and str(SCHEMA_VERSION + 1) in memory.notices[0]
    assert not memory.record_episode(episode(MONDAY))  # the pet goes on, learning nothing
    memory.close()
    assert path.read_bytes() == before


def test_an_old_schema_is_migrated(tmp_path: Path) -> None:
    from brain.memory.store import MIGRATIONS

    path = tmp_path / "owner.db"
    db = sqlite3.connect(path)
    for statement in MIGRATIONS[0]:
        db.execute(statement)
    db.execute(
        "INSERT INTO episodes (wall_ms, behaviour, bucket, owner_mood, present, "
        "recent_touches, answer) VALUES (0, 'seek_attention', 'weekday day', 'ok', 1, 0, "
        "'warm')"
    )
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()
    memory = OwnerMemory(path)
    assert memory.store.query("PRAGMA user_version")[0][0] == SCHEMA_VERSION
    assert len(memory.episodes()) == 1
    memory.new_moment(MONDAY)  # uses the version-2 tables
    assert memory.store.query("SELECT COUNT(*) FROM days")[0][0] == 1


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through read-only permissions")
def test_a_read_only_file_keeps_the_pet_running_without_learning(tmp_path: Path) -> None:
    path = tmp_path / "owner.db"
    OwnerMemory(path).close()
    for extra in tmp_path.iterdir():
        extra.chmod(stat.S_IRUSR)
    tmp_path.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        memory = OwnerMemory(path)
        assert not memory.record_episode(episode(MONDAY))
        assert not memory.record_episode(episode(MONDAY))
        assert not memory.learning
        assert len(memory.notices) == 1 and "without learning" in memory.notices[0]
    finally:
        tmp_path.chmod(stat.S_IRWXU)


def test_a_disk_that_refuses_writes_turns_learning_off_and_says_so_once(tmp_path: Path) -> None:
    memory = OwnerMemory(tmp_path / "owner.db")
    assert memory.record_episode(episode(MONDAY))
    # What SQLite reports for a read-only file (and, as "disk is full", for a full disk).
    memory.store.conn.execute("PRAGMA query_only = ON")
    assert not memory.record_episode(episode(MONDAY))
    memory.record_touch(MONDAY, "chin", "scratch")
    assert not memory.flush_touches()
    assert not memory.learning
    assert len(memory.notices) == 1 and "without learning" in memory.notices[0]
    assert len(memory.episodes()) == 1  # what was learned before is still read


def test_retention_folds_old_episodes_and_a_simulated_year_stays_small(tmp_path: Path) -> None:
    path = tmp_path / "owner.db"
    # Sync mode changes durability, not size: NORMAL keeps this test fast.
    memory = OwnerMemory(path, retention_days=30, durable=False)
    behaviours = ("seek_attention", "invite_play", "comfort_sad_owner", "wait_by_door")
    gestures = (("stroke", "back"), ("scratch", "chin"), ("pat", "head"))
    for day in range(365):
        base = MONDAY + timedelta(days=day)
        memory.new_moment(base)
        memory.record_presence(base - timedelta(minutes=30), True)
        memory.record_presence(base + timedelta(minutes=45), False)
        memory.record_presence(base + timedelta(hours=10), True)
        memory.record_presence(base + timedelta(hours=15), False)
        for i in range(20):  # a busy pet: 20 answered episodes a day
            at = base + timedelta(hours=10, minutes=7 * i)
            memory.record_episode(episode(at, "warm" if i % 3 else "cold", behaviours[i % 4]))
            gesture, zone = gestures[i % 3]
            memory.record_touch(at, zone, gesture)
    total = sum(c.answers for c in memory.welcome.values())
    assert total == 365 * 20  # nothing lost by folding
    raw = memory.store.query("SELECT MIN(wall_ms) FROM episodes")[0][0]
    assert datetime(1970, 1, 1) + timedelta(milliseconds=raw) >= base - timedelta(days=31)
    memory.store.checkpoint()
    assert memory.store.size_bytes() < SIZE_BOUND_BYTES
    memory.close()
    again = OwnerMemory(path)
    assert sum(c.answers for c in again.welcome.values()) == total
    assert {t for t, _, _ in again.rhythm.usual("arrivals", weekend=False)} == {"07:30", "18:00"}


def test_forget_everything_and_by_kind(tmp_path: Path) -> None:
    memory = OwnerMemory(tmp_path / "owner.db")
    memory.new_moment(MONDAY)
    memory.record_episode(episode(MONDAY))
    memory.record_touch(MONDAY, "chin", "scratch")
    memory.record_presence(MONDAY, True)
    memory.save_baseline({"face_count": 3.0})
    assert "touches" in memory.forget(what="touches")
    assert memory.touch_habits() == {}
    assert memory.episodes() and memory.load_baseline() is not None
    memory.forget(everything=True)
    exported = memory.export()
    assert exported["episodes"] == [] and exported["welcome"] == []
    assert exported["presence"] == [] and exported["fusion_baseline"] is None
    with pytest.raises(ValueError, match="unknown kind"):
        memory.forget(what="faces")


def test_forget_since_a_date_keeps_what_came_before(tmp_path: Path) -> None:
    memory = OwnerMemory(tmp_path / "owner.db")
    for day in range(4):
        memory.record_episode(episode(MONDAY + timedelta(days=day)))
    memory.forget(since=(MONDAY + timedelta(days=2)).date())
    assert [e.at.day for e in memory.episodes()] == [5, 6]
    assert sum(c.answers for c in memory.welcome.values()) == 2


WRITER = textwrap.dedent(
    """
    import sys
    from datetime import datetime, timedelta
    from pathlib import Path
    from brain.memory import Episode, OwnerMemory
    memory = OwnerMemory(Path(sys.argv[1]))
    start = datetime(2026, 1, 5, 8, 0)
    i = int(sys.argv[2])
    while True:
        at = start + timedelta(seconds=i)
        episode = Episode(at, "seek_attention", "weekday 08h", "ok", True, i, "warm")
        if memory.record_episode(episode):
            print(i, flush=True)
        i += 1
    """
)


def test_kill_9_during_writes_loses_no_committed_episode(tmp_path: Path) -> None:
    path = tmp_path / "owner.db"
    committed: set[int] = set()
    next_i = 0
    for _round in range(4):
        process = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), str(next_i)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert process.stdout is not None
        for _ in range(30 + 17 * _round):  # kill at a different point each round
            line = process.stdout.readline()
            if not line:
                break
            committed.add(int(line))
        process.kill()  # SIGKILL, mid-write
        process.wait()
        memory = OwnerMemory(path)
        assert memory.store.query("PRAGMA integrity_check")[0][0] == "ok"
        stored = {e.recent_touches for e in memory.episodes()}
        assert committed <= stored  # every acknowledged write is there
        assert all(e.answer == "warm" for e in memory.episodes())  # nothing half-written
        next_i = max(stored) + 1
        memory.close()
    assert len(committed) >= 4 * 30
