"""``petbrain memory show|export|forget`` and the dashboard's "what I've learned" panel."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from brain.cli import main
from brain.memory import Episode, OwnerMemory
from brain.memory.welcome import time_bucket

MONDAY = datetime(2026, 1, 5, 7, 30)


def trained(path: Path) -> None:
    memory = OwnerMemory(path)
    for day in range(6):
        base = MONDAY + timedelta(days=day)
        memory.new_moment(base)
        memory.record_presence(base.replace(hour=8, minute=0), False)
        memory.record_presence(base.replace(hour=18, minute=0), True)
        for i in range(3):
            at = base + timedelta(minutes=i)
            memory.record_episode(
                Episode(at, "seek_attention", time_bucket(at), "ok", True, 0, "cold")
            )
        memory.record_touch(base.replace(hour=19), "chin", "scratch")
    memory.close()


def test_show_says_what_was_learned_in_plain_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "owner.db"
    trained(db)
    assert main(["memory", "show", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "seek_attention is unwelcome on weekday mornings: 0 warm of 15, 15 cold" in out
    assert "on weekdays you usually come home around 18:00" in out
    assert "your favourite touch: scratch on the chin (6 times)" in out
    # Three cold answers against the designer's prior: not yet a verdict either way.
    assert "seek_attention is not clear yet on weekend mornings: 0 warm of 3, 3 cold" in out


def test_export_then_forget_everything(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "owner.db"
    trained(db)
    out_file = tmp_path / "export.json"
    assert main(["memory", "export", str(out_file), "--db", str(db)]) == 0
    exported = json.loads(out_file.read_text(encoding="utf-8"))
    assert len(exported["episodes"]) == 18 and exported["presence"]
    assert not any(key in json.dumps(exported) for key in ("frame", "audio", "embedding"))
    assert main(["memory", "forget", "--all", "--db", str(db)]) == 0
    capsys.readouterr()
    assert main(["memory", "show", "--db", str(db)]) == 0
    assert capsys.readouterr().out.strip() == "nothing learned yet"


def test_mistakes_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "owner.db"
    trained(db)
    assert main(["memory", "forget", "--since", "2026-13-01", "--db", str(db)]) != 0
    assert "is not a date YYYY-MM-DD" in capsys.readouterr().err
    assert main(["memory", "show", "--db", str(tmp_path / "none.db")]) != 0
    assert "no owner memory yet" in capsys.readouterr().err


def test_the_dashboard_panel_shows_the_same_sentences_and_notices(tmp_path: Path) -> None:
    from brain.app.assembly import Pet, PetParts
    from brain.clock import SimulatedClock
    from brain.dashboard.document import learned_panel
    from sim.owners.loop import DetachedBody

    db = tmp_path / "owner.db"
    trained(db)
    db.write_bytes(b"this is not a database" * 100)  # damaged: set aside, said once
    memory = OwnerMemory(db, stamp=lambda: "20260105T073000")
    pet = Pet(
        PetParts(
            link=DetachedBody(),  # type: ignore[arg-type]
            clock=SimulatedClock(MONDAY),
            hot_reload=False,
            fusion="off",
            memory=memory,
        )
    )
    panel = learned_panel(pet.brain)
    assert panel["available"] and panel["lines"] == ["nothing learned yet"]
    assert "moved aside as owner.corrupt-20260105T073000.db" in panel["notices"][0]
    bare = Pet(
        PetParts(
            link=DetachedBody(),  # type: ignore[arg-type]
            clock=SimulatedClock(MONDAY),
            hot_reload=False,
            fusion="off",
        )
    )
    assert not learned_panel(bare.brain)["available"]
