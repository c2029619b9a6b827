from behaviors.library import load_library
from brain.behave.selector import Selector
from sensors.touch.events import TouchGesture, TouchOnset


def stroke(direction: str, zone: str = "back_middle") -> TouchGesture:
    return TouchGesture(
        t_ms=0,
        gesture="stroke",
        zones=(zone,),
        start_ms=0,
        duration_ms=800,
        intensity=0.7,
        direction=direction,
    )


def test_with_the_fur_picks_the_purr_and_says_why() -> None:
    selector = Selector(load_library())
    decision = selector.choose(stroke("with_fur"), 1000, None)
    assert decision is not None
    assert decision.behaviour.name == "purr_when_stroked"
    why = decision.why()
    assert why["trigger"] == "touch gesture=stroke zone=back direction=with_fur"


def test_cooldown_blocks_a_repeat_and_is_reported() -> None:
    selector = Selector(load_library())
    assert selector.choose(TouchOnset(0, "back_front", 5, 200), 0, None) is not None
    assert selector.choose(TouchOnset(0, "back_front", 5, 200), 100, None) is None
    again = selector.choose(TouchOnset(0, "back_front", 5, 200), 2000, None)
    assert again is not None and again.behaviour.name == "notice_touch"


def test_a_hit_pre_empts_and_cannot_be_interrupted_by_a_stroke() -> None:
    library = load_library()
    selector = Selector(library)
    hit = TouchGesture(0, "hit", ("back_middle",), 0, 80, 1.0)
    decision = selector.choose(hit, 0, library.by_name("purr_when_stroked"))
    assert decision is not None and decision.behaviour.name == "startle_when_hit"
    assert selector.choose(stroke("with_fur"), 100, library.by_name("startle_when_hit")) is None


def test_same_seed_same_choices() -> None:
    library = load_library()
    a = [Selector(library, seed=3).choose(stroke("with_fur"), t * 1000, None) for t in range(3)]
    b = [Selector(library, seed=3).choose(stroke("with_fur"), t * 1000, None) for t in range(3)]
    assert [d.behaviour.name for d in a if d] == [d.behaviour.name for d in b if d]
