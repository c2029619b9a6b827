"""The timeline's rows and the owner panel's "not sure"."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from brain.dashboard.document import NOT_SURE_BELOW, owner_panel, touch_panel
from brain.dashboard.history import SessionHistory
from brain.events import OwnerEmotion


def _state(t_ms: int, behaviour: str | None = None, owner: Any = None) -> dict[str, Any]:
    return {
        "t_ms": t_ms,
        "mood": {"valence": 0.25, "arousal": -0.5},
        "behaviour": {"name": behaviour} if behaviour else None,
        "owner": owner or {"available": False, "reason": "nothing fresh"},
        "joints": {"spine": 3.0},  # not kept: the timeline holds mood, owner and behaviour only
    }


def test_one_row_per_period_of_the_sessions_clock() -> None:
    history = SessionHistory(period_ms=250)
    for t_ms in range(0, 1001, 40):
        history.note(_state(t_ms, "purr_when_stroked" if t_ms >= 500 else None))
    rows = history.to_json()
    assert [r["t_ms"] for r in rows] == [0, 280, 560, 840]
    assert [r["behaviour"] for r in rows] == [None, None, "purr_when_stroked", "purr_when_stroked"]
    assert rows[0] == {
        "t_ms": 0,
        "mood": {"valence": 0.25, "arousal": -0.5},
        "behaviour": None,
        "owner": None,
    }


def test_rows_keep_the_owner_estimate_and_scroll_away_past_the_limit() -> None:
    history = SessionHistory(period_ms=10, max_rows=3)
    owner = {"available": True, "valence": -0.4, "arousal": 0.1, "confidence": 0.11, "label": "sad"}
    for t_ms in range(0, 50, 10):
        history.note(_state(t_ms, owner=owner))
    rows = history.to_json()
    assert [r["t_ms"] for r in rows] == [20, 30, 40]
    assert rows[-1]["owner"] == {
        "valence": -0.4,
        "arousal": 0.1,
        "confidence": 0.11,
        "label": "sad",
    }


def _brain(confidence: float) -> Any:
    estimate = OwnerEmotion(
        t_ms=5,
        valence=-0.2,
        arousal=-0.1,
        emotion={"sad": 0.3, "calm": 0.25, "happy": 0.2, "angry": 0.1, "afraid": 0.1,
                 "surprised": 0.05},
        confidence=confidence,
        contributions={"touch": 1.0},
        weights={"touch": 0.4},
    )  # fmt: skip
    return SimpleNamespace(fusion=object(), owner_emotion=estimate)


def test_an_estimate_below_the_threshold_is_not_sure() -> None:
    assert owner_panel(_brain(0.11))["not_sure"] is True
    assert owner_panel(_brain(NOT_SURE_BELOW))["not_sure"] is False
    assert owner_panel(SimpleNamespace(fusion=None, owner_emotion=None))["available"] is False


def test_touch_panel_takes_gestures_only() -> None:
    from brain.app.runtime import BrainEvent

    gesture = BrainEvent(
        120, "touch", {"type": "gesture", "gesture": "pat", "zones": ["head"], "ongoing": False}
    )
    assert touch_panel(gesture) == {
        "t_ms": 120,
        "gesture": "pat",
        "zone": "head",
        "direction": None,
        "ongoing": False,
    }
    assert touch_panel(BrainEvent(130, "touch", {"type": "onset", "zone": "head"})) is None
    assert touch_panel(BrainEvent(140, "decision", {"behaviour": "look_at_pat"})) is None


def test_touch_alone_is_always_not_sure_with_the_shipped_fusion_model() -> None:
    from brain.fusion.model import FusionModel
    from brain.fusion.owner import OwnerFusion

    fusion = OwnerFusion(FusionModel())
    # Confidence <= coverage = quality x weight / full coverage (certainty and agreement <= 1).
    best_touch = fusion.model.quality["touch"] / fusion.full_coverage()
    assert best_touch < NOT_SURE_BELOW
    best_face = fusion.model.quality["face"] / fusion.full_coverage()
    assert best_face > 2 * NOT_SURE_BELOW  # a clear face can be sure
