"""The executor: pose continuity, joint limits, vibration, idle life, queued and restarted
behaviours, sounds once, hot-swapped library."""

from __future__ import annotations

import itertools
from pathlib import Path

from behaviors.library import load_library
from behaviors.vocabulary import VIBRATION_PATTERNS
from brain.behave.executor import VIBE_IDS, VIBE_NAMES, Executor
from brain.behave.hotreload import LibraryWatcher
from brain.behave.idle import IdleLife
from brain.body.joints import DEFAULT_ROBOT
from firmware import wire

LIBRARY = load_library()


def angles(executor: Executor, t_ms: int) -> dict[int, float]:
    targets, _ = executor.frame(t_ms)
    return {channel: centi / 100 for channel, centi, _ in targets.targets}


def test_idle_life_keeps_the_pet_moving_when_nothing_plays() -> None:
    executor = Executor(DEFAULT_ROBOT, LIBRARY)
    spine = DEFAULT_ROBOT.joint("spine").channel
    samples = [angles(executor, t)[spine] for t in range(0, 4000, 20)]
    assert max(samples) - min(samples) > 2.0  # breathing
    life = IdleLife()
    blinks = [life.offsets(t).get("eyelids", 0.0) for t in range(0, 12_000, 20)]
    assert max(blinks) > 50  # a blink now and then


def _breaths_per_minute(arousal: float) -> int:
    life = IdleLife()
    spine = [life.offsets(t, arousal)["spine"] for t in range(0, 60_000, 20)]
    return sum(1 for a, b in itertools.pairwise(spine) if a < 0 <= b)


def test_breathing_quickens_with_arousal_and_never_jumps() -> None:
    calm, excited = _breaths_per_minute(-0.8), _breaths_per_minute(0.8)
    assert 9 <= calm <= 12 and 19 <= excited <= 24
    life = IdleLife()
    previous = life.offsets(0, -1.0)["spine"]
    for t in range(20, 20_000, 20):
        arousal = -1.0 if t < 10_000 else 1.0  # mood changes abruptly
        now = life.offsets(t, arousal)["spine"]
        assert abs(now - previous) < 0.2
        previous = now


def test_tired_blinks_are_slower_and_rarer() -> None:
    def blinks(energy: float) -> tuple[int, int]:
        life = IdleLife(seed=1)
        closed = [
            life.offsets(t, 0.0, energy).get("eyelids", 0.0) > 0 for t in range(0, 60_000, 10)
        ]
        starts = sum(1 for a, b in itertools.pairwise(closed) if b and not a)
        return starts, sum(closed) * 10 // max(1, starts)

    alert_count, alert_ms = blinks(0.5)
    tired_count, tired_ms = blinks(-1.0)
    assert tired_count < alert_count and tired_ms > alert_ms * 1.8


def test_sounds_are_handed_over_once() -> None:
    executor = Executor(DEFAULT_ROBOT, LIBRARY)
    executor.start(LIBRARY.by_name("greet_owner"), 1000)
    heard = []
    for t in range(1000, 6000, 20):
        executor.frame(t)
        heard.extend(s.name for s in executor.take_output().sounds)
    assert heard == ["trill"]


def test_queue_mode_plays_again_after_the_running_one() -> None:
    executor = Executor(DEFAULT_ROBOT, LIBRARY)
    protest = LIBRARY.by_name("upside_down_protest")
    assert protest.mode == "queue" and protest.max_queued == 1
    executor.start(protest, 0)
    assert executor.enqueue(protest)
    assert not executor.enqueue(protest)  # max_queued
    started = []
    for t in range(0, 3000, 20):
        executor.frame(t)
        started.extend(executor.take_output().started)
    assert started == ["upside_down_protest", "upside_down_protest"]
    assert executor.running is None


def test_a_running_behaviour_finishes_across_a_library_swap(tmp_path: Path) -> None:
    executor = Executor(DEFAULT_ROBOT, LIBRARY)
    timeline = executor.start(LIBRARY.by_name("purr_when_stroked"), 0)
    executor.set_library(load_library())
    executor.frame(100)
    assert executor.running is not None and executor.running.timeline is timeline


def test_watcher_sees_added_and_removed_files(tmp_path: Path) -> None:
    body = (
        "behaviors:\n  - name: {n}\n    when: [{{touch: {{}}}}]\n"
        "    do: [{{wait: {{duration_ms: 5}}}}]\n"
    )
    (tmp_path / "a.yaml").write_text(body.format(n="one"))
    watcher = LibraryWatcher([tmp_path], interval_ms=0)
    assert watcher.poll(0) is None
    (tmp_path / "b.yaml").write_text(body.format(n="two"))
    added = watcher.poll(10)
    assert added is not None and added.ok and added.library is not None
    assert added.library.names == ["one", "two"]
    assert added.changed == (str(tmp_path / "b.yaml"),)
    (tmp_path / "b.yaml").unlink()
    removed = watcher.poll(20)
    assert removed is not None and removed.library is not None and removed.library.names == ["one"]
    (tmp_path / "a.yaml").write_text("behaviors: [oops")
    broken = watcher.poll(30)
    assert broken is not None and not broken.ok
    assert broken.messages[0].startswith(f"{tmp_path / 'a.yaml'}:1:")
    assert watcher.poll(40) is None  # reported once, not every poll


def test_background_reload_hands_the_result_over_on_a_later_poll(tmp_path: Path) -> None:
    body = "behaviors:\n  - name: x\n    when: [{touch: {}}]\n    do: [{wait: {duration_ms: 5}}]\n"
    (tmp_path / "a.yaml").write_text(body)
    watcher = LibraryWatcher([tmp_path], interval_ms=0, background=True)
    (tmp_path / "a.yaml").write_text(body.replace("name: x", "name: y"))
    assert watcher.poll(0) is None  # the load started on a worker thread
    watcher.wait()
    done = watcher.poll(1)
    assert done is not None and done.library is not None and done.library.names == ["y"]
    assert watcher.poll(2) is None


def test_switching_behaviours_starts_from_the_current_pose_never_a_snap() -> None:
    library = load_library()
    executor = Executor(DEFAULT_ROBOT, library)
    executor.start(library.by_name("dislike_against_fur"), 0)
    for t in range(0, 200, 20):
        executor.frame(t)
    ears_before = executor.pose["ear_left"]
    assert ears_before < -20.0
    executor.start(library.by_name("purr_when_stroked"), 200)
    targets, _ = executor.frame(220)
    ear = dict((ch, a) for ch, a, _ in targets.targets)[DEFAULT_ROBOT.joint("ear_left").channel]
    # 20 ms into the new behaviour the ear has barely moved from where it was.
    assert abs(ear / 100.0 - ears_before) < 15.0


def test_purr_sends_one_vibrate_then_off_when_it_ends() -> None:
    library = load_library()
    executor = Executor(DEFAULT_ROBOT, library)
    executor.start(library.by_name("purr_when_stroked"), 0)
    sent = []
    for t in range(0, 8000, 20):
        _, vibrate = executor.frame(t)
        if vibrate is not None:
            sent.append((t, vibrate))
    assert sent[0][1].pattern == wire.VIBE_PURR
    assert sent[0][1].intensity == round(0.7 * 255)
    assert sent[-1][1].pattern == wire.VIBE_OFF
    assert len(sent) == 2


def test_targets_stay_inside_calibrated_limits() -> None:
    library = load_library()
    executor = Executor(DEFAULT_ROBOT, library)
    for name in library.names:
        executor.start(library.by_name(name), 0)
        for t in range(0, 4000, 40):
            targets, _ = executor.frame(t)
            for channel, angle_cdeg, _ in targets.targets:
                joint = DEFAULT_ROBOT.joints[channel]
                assert joint.min_deg * 100 <= angle_cdeg <= joint.max_deg * 100


def test_each_vibration_pattern_has_one_wire_id_and_one_name() -> None:
    assert tuple(VIBE_IDS) == VIBRATION_PATTERNS
    assert VIBE_IDS["purr"] == wire.VIBE_PURR and VIBE_IDS["off"] == wire.VIBE_OFF
    assert {VIBE_NAMES[pattern]: pattern for pattern in VIBE_NAMES} == VIBE_IDS
