"""A designer previewing in the simulator sees each save, as on the robot.

A copy of the library is edited while a simulation runs: a valid save is
chosen at the next matching touch; a broken save is reported (event log and
the dashboard document's ``library`` panel) and the last good library kept.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from behaviors.library import DEFAULT_LIBRARY_DIR
from brain.dashboard.document import describe_event
from sim.dashboard.state import StatePublisher
from sim.runner import SimSession
from sim.scenario import Scenario

NEW_BEHAVIOUR = """
  - name: designer_new_answer
    description: Added while the simulation runs.
    when:
      - touch: {gesture: pat, zone: head}
    priority: 95
    do:
      - pose: {joints: {ear_left: 30, ear_right: 30}, duration_ms: 200}
"""


def _touch(at_ms: int) -> dict[str, object]:
    return {"at_ms": at_ms, "touch": {"gesture": "pat", "zone": "head"}}


def _save(path: Path, text: str) -> None:
    path.write_text(text)
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10_000_000_000))  # a later save


def test_a_saved_library_file_is_chosen_and_a_broken_save_keeps_the_last_good(
    tmp_path: Path,
) -> None:
    library = tmp_path / "library"
    shutil.copytree(DEFAULT_LIBRARY_DIR, library)
    scenario = Scenario.model_validate(
        {"name": "edit", "duration_ms": 9000, "events": [_touch(1500), _touch(5000), _touch(8000)]}
    )
    session = SimSession(scenario, hot_reload=True, library_paths=[library])
    publisher = StatePublisher()
    session.on_tick.append(publisher)
    while session.now_ms < 3000:
        session.step()
    before = {name for _, name in session.report.decisions()}
    assert "designer_new_answer" not in before

    target = library / "stroking.yaml"
    good = target.read_text()
    _save(target, good + NEW_BEHAVIOUR)
    while session.now_ms < 6500:
        session.step()
    decided = session.report.decisions()
    assert any(name == "designer_new_answer" and t >= 5000 for t, name in decided), decided

    _save(target, good + "\n  - name: [broken\n")
    while session.now_ms < 9000:
        session.step()
    kinds = [e for e in session.report.events if e.kind == "library_error"]
    assert kinds, "the broken save was reported"
    assert "stroking.yaml" in describe_event(kinds[0])
    document = json.loads(publisher.latest()[1])
    assert document["library"]["ok"] is False
    assert any("stroking.yaml" in p for p in document["library"]["problems"])
    # The last good library (with the new behaviour) still answers the third pat.
    assert "designer_new_answer" in session.brain.library.names
    assert any(
        name == "designer_new_answer" and t >= 8000
        for t, name in decided + session.report.decisions()
    )
    session.finish()
