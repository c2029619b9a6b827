"""The rhythm trigger re-arms across the arrival window: one held-back draw where waiting
by the door is welcome does not cost the day's wait; where it is not, one try a window."""

from __future__ import annotations

from behaviors.library import load_library
from brain.behave.selector import RHYTHM_REARM_MS, UNWELCOME_HOLD_MS, Selector
from brain.events import Tick

LIBRARY = load_library()
CALM = {"valence": 0.2, "arousal": -0.1, "energy": 0.3, "affection": 0.3, "curiosity": 0.3}


class ScriptedLearned:
    """Owner memory with fixed answers: always due, a given welcome, scripted draws."""

    def __init__(self, welcome: float, draws: list[bool]) -> None:
        self.mean = welcome
        self.draws = draws
        self.judged: list[int] = []

    def welcome(self, behaviour: str, now_ms: int) -> tuple[float, float, str]:
        return self.mean, 10.0, f"{behaviour}: welcome {self.mean}"

    def owner_due(self, within_ms: int, now_ms: int) -> tuple[bool, str]:
        return True, "you usually come home about now"

    def quiet(self, now_ms: int) -> tuple[bool | None, str]:
        return False, "you are usually around"

    def judge(self, behaviour: str, now_ms: int) -> tuple[bool, str]:
        if behaviour != "wait_by_door":
            return False, "not this one"
        self.judged.append(now_ms)
        allow = self.draws.pop(0) if self.draws else True
        return allow, "a draw"


def door_starts(learned: ScriptedLearned, minutes: int) -> list[int]:
    """Tick ``minutes`` with the owner away and due; when wait_by_door started (ms)."""
    selector = Selector(LIBRARY, seed=1)
    selector.context.learned = learned
    selector.context.owner_present = False
    starts = []
    start_minute = 17 * 60.0
    for second in range(0, minutes * 60, 5):
        t = second * 1000
        decision = selector.choose(Tick(t, start_minute + second / 60), t, None, CALM)
        if decision is not None and decision.behaviour.name == "wait_by_door":
            starts.append(t)
    return starts


def test_a_held_back_draw_where_welcome_tries_again_within_the_window() -> None:
    learned = ScriptedLearned(welcome=0.9, draws=[False])
    starts = door_starts(learned, 20)
    assert learned.judged[0] == 0  # the first tick it was due
    assert starts, "held back once, it never sat by the door"
    assert starts[0] - learned.judged[0] <= RHYTHM_REARM_MS + 5000


def test_where_waiting_is_unwelcome_one_held_back_draw_holds_for_the_window() -> None:
    learned = ScriptedLearned(welcome=0.4, draws=[False])
    minutes = UNWELCOME_HOLD_MS // 60_000 - 1
    assert door_starts(learned, minutes) == []
    assert len(learned.judged) == 1  # one draw, not one every few minutes
