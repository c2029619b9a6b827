"""Selection scenarios: scripted events -> the expected behaviour, and why."""

from __future__ import annotations

import itertools

from behaviors.library import BehaviourLibrary, load_library
from brain.behave.selector import Decision, Selector
from brain.events import HandlingEvent, LoudSound, OwnerEmotion, OwnerPresence, PetEvent, Tick
from sensors.touch.events import TouchGesture, TouchOnset

LIBRARY: BehaviourLibrary = load_library()
CALM = {"valence": 0.2, "arousal": -0.1, "energy": 0.3, "affection": 0.3, "curiosity": 0.3}


def stroke(t_ms: int, zone: str = "back_middle", direction: str = "with_fur") -> TouchGesture:
    return TouchGesture(t_ms, "stroke", (zone,), t_ms - 600, 600, 0.5, direction)


def gesture(
    t_ms: int, name: str, zone: str = "back_middle", intensity: float = 0.5
) -> TouchGesture:
    return TouchGesture(t_ms, name, (zone,), t_ms - 100, 100, intensity)


def emotion(t_ms: int, valence: float = 0.0, arousal: float = 0.0, **probs: float) -> OwnerEmotion:
    return OwnerEmotion(t_ms, valence, arousal, probs, 0.8)


def choose(selector: Selector, event: PetEvent, running: str | None = None, **mood: float):  # type: ignore[no-untyped-def]
    behaviour = LIBRARY.by_name(running) if running else None
    return selector.choose(event, event.t_ms, behaviour, {**CALM, **mood})


def test_stroke_with_the_fur_on_the_back_purrs_and_says_why() -> None:
    decision = choose(Selector(LIBRARY), stroke(1000))
    assert isinstance(decision, Decision)
    assert decision.behaviour.name == "purr_when_stroked"
    why = decision.why()
    assert why["trigger"] == "touch gesture=stroke zone=back direction=with_fur"
    assert why["score"] == 60
    assert why["event"] == "gesture"
    assert {"behaviour": "purr_when_stroked", "trigger": why["trigger"]} in why["matched"]


def test_against_the_fur_is_disliked_not_purred_at() -> None:
    decision = choose(Selector(LIBRARY), stroke(1000, direction="against_fur"))
    assert decision is not None and decision.behaviour.name == "dislike_against_fur"


def test_first_contact_turns_the_ears_at_once() -> None:
    decision = choose(Selector(LIBRARY), TouchOnset(50, "back_front", 4, 200))
    assert decision is not None and decision.behaviour.name == "notice_touch"


def test_a_hit_is_a_reflex_that_preempts_even_a_purr() -> None:
    decision = choose(Selector(LIBRARY), gesture(2000, "hit", intensity=0.95), "purr_when_stroked")
    assert decision is not None and decision.behaviour.name == "startle_when_hit"
    assert decision.why()["reflex"] is True
    assert decision.why()["preempted"] == "purr_when_stroked"


def test_a_pat_does_not_interrupt_a_stronger_behaviour_and_says_so() -> None:
    selector = Selector(LIBRARY)
    assert choose(selector, gesture(2000, "pat"), "purr_when_stroked") is None
    assert selector.held_back is not None
    assert selector.held_back["behaviour"] == "look_at_pat"
    assert "outranks" in str(selector.held_back["reason"])


def test_nothing_interrupts_a_startle_except_a_stronger_reflex() -> None:
    selector = Selector(LIBRARY)
    assert choose(selector, stroke(3000, "back_front"), "startle_when_hit") is None
    assert "not interruptible" in str(selector.held_back["reason"])  # type: ignore[index]
    dropped = choose(selector, HandlingEvent(3100, "dropped"), "startle_when_hit")
    assert dropped is not None and dropped.behaviour.name == "dropped_startle"


def test_cooldown_blocks_a_quick_repeat_and_the_why_says_how_long() -> None:
    selector = Selector(LIBRARY)
    assert choose(selector, gesture(1000, "pat")) is not None
    assert choose(selector, gesture(1300, "pat")) is None
    again = choose(selector, gesture(1900, "pat"))
    assert again is not None and again.behaviour.name == "look_at_pat"


def test_the_tenth_pat_in_a_minute_is_much_less_exciting() -> None:
    selector = Selector(LIBRARY)
    factors = []
    for i in range(10):
        decision = choose(selector, gesture(1000 + i * 5000, "pat"))
        assert decision is not None and decision.behaviour.name == "look_at_pat"
        factors.append(decision.factor)
    assert factors[0] == 1.0
    assert all(a > b for a, b in itertools.pairwise(factors))
    assert 0.2 <= factors[9] < 0.25  # 0.5 ** (9 / 4)
    assert choose(selector, gesture(1000 + 9 * 5000 + 500, "pat")) is None  # cooldown
    later = choose(selector, gesture(200_000, "pat"))  # a quiet few minutes: fresh again
    assert later is not None and later.factor == 1.0


def test_picked_up_relaxed_or_wriggling_depending_on_trust() -> None:
    trusting = choose(Selector(LIBRARY), HandlingEvent(1000, "picked_up"), affection=0.5)
    assert trusting is not None and trusting.behaviour.name == "picked_up_relaxed"
    wary = choose(Selector(LIBRARY), HandlingEvent(1000, "picked_up"), affection=-0.3)
    assert wary is not None and wary.behaviour.name == "picked_up_wriggle"
    lost = dict(wary.losers)
    assert lost["picked_up_relaxed"].startswith("only_if mood affection>0.2")


def test_a_sad_owner_is_comforted_once_per_episode() -> None:
    selector = Selector(LIBRARY)
    first = choose(selector, emotion(1000, -0.6, -0.2, sad=0.7))
    assert first is not None and first.behaviour.name == "comfort_sad_owner"
    # Still sad two minutes later: no repeat while the state holds (edge trigger);
    # the sadness has persisted, so the quieter care for lasting sadness may start.
    later = choose(selector, emotion(121_000, -0.6, -0.2, sad=0.7))
    assert later is not None and later.behaviour.name == "stay_close_while_sad"
    assert choose(selector, emotion(122_000, 0.3, 0.0, calm=0.8)) is None
    again = choose(selector, emotion(123_000, -0.6, -0.2, sad=0.8))
    assert again is not None and again.behaviour.name == "comfort_sad_owner"


def test_a_sudden_drop_in_valence_is_noticed_too() -> None:
    selector = Selector(LIBRARY)
    assert choose(selector, emotion(1000, 0.4, 0.1, happy=0.4)) is None
    drop = choose(selector, emotion(4000, -0.2, 0.0, sad=0.3))
    assert drop is not None and drop.behaviour.name == "comfort_sad_owner"
    assert drop.trigger.startswith("owner_emotion_change of=valence")


def test_an_angry_owner_gets_quiet_caution_not_comfort() -> None:
    decision = choose(Selector(LIBRARY), emotion(1000, -0.7, 0.6, angry=0.7, sad=0.55))
    assert decision is not None and decision.behaviour.name == "quiet_when_owner_angry"
    assert dict(decision.losers)["comfort_sad_owner"].startswith("unless owner_emotion angry>0.4")


def test_afraid_and_happy_owners() -> None:
    afraid = choose(Selector(LIBRARY), emotion(1000, -0.5, 0.7, afraid=0.8))
    assert afraid is not None and afraid.behaviour.name == "calm_presence_afraid_owner"
    happy = choose(Selector(LIBRARY), emotion(1000, 0.8, 0.6, happy=0.9))
    assert happy is not None and happy.behaviour.name == "play_with_happy_owner"
    unsure = OwnerEmotion(1000, 0.8, 0.6, {"happy": 0.9}, confidence=0.1)
    assert choose(Selector(LIBRARY), unsure) is None


def test_loud_sound_startles_and_quiet_sounds_do_not() -> None:
    assert choose(Selector(LIBRARY), LoudSound(1000, 60.0)) is None
    bang = choose(Selector(LIBRARY), LoudSound(1000, 85.0), "idle_groom")
    assert bang is not None and bang.behaviour.name == "startle_loud_sound"
    assert bang.behaviour.reflex and bang.preempted == "idle_groom"


def test_owner_greeted_after_a_real_absence_only() -> None:
    back = choose(Selector(LIBRARY), OwnerPresence(1000, True, away_ms=3_600_000))
    assert back is not None and back.behaviour.name == "greet_owner"
    assert choose(Selector(LIBRARY), OwnerPresence(1000, True, away_ms=10_000)) is None
    leaves = choose(Selector(LIBRARY), OwnerPresence(1000, False))
    assert leaves is not None and leaves.behaviour.name == "owner_leaves_watch"


def test_night_falls_once() -> None:
    selector = Selector(LIBRARY)
    assert choose(selector, Tick(1000, 21 * 60.0)) is None
    night = choose(selector, Tick(2000, 22 * 60 + 5.0))
    assert night is not None and night.behaviour.name == "night_calm"
    assert night.trigger == "time_of_day after=22:00 before=06:00"
    assert choose(selector, Tick(3000, 22 * 60 + 6.0)) is None


def test_low_energy_curls_up() -> None:
    selector = Selector(LIBRARY)
    choose(selector, Tick(1000, 600.0))
    sleepy = choose(selector, Tick(2000, 600.0), energy=-0.7)
    assert sleepy is not None and sleepy.behaviour.name == "curl_up_sleep"


def _attention_seeking(selector: Selector, hours: float, **mood: float) -> list[int]:
    """Times seek_attention was chosen over ``hours`` of idle ticks every 10 s at 14:00."""
    chosen = []
    for t in range(0, int(hours * 3_600_000), 10_000):
        decision = choose(selector, Tick(t, 14 * 60.0), **mood)
        if decision is not None and decision.behaviour.name == "seek_attention":
            chosen.append(t)
    return chosen


def test_attention_seeking_is_gentle_and_rare_when_the_owner_is_around() -> None:
    selector = Selector(LIBRARY, seed=3)
    choose(selector, OwnerPresence(0, True, away_ms=0))
    times = _attention_seeking(selector, 3.0)
    assert times, "it should miss its owner at some point"
    assert times[0] >= 600_000  # only after ten quiet minutes
    assert all(b - a >= 1_800_000 for a, b in itertools.pairwise(times))


def test_attention_seeking_never_when_the_owner_does_not_want_it() -> None:
    absent = Selector(LIBRARY, seed=3)
    assert _attention_seeking(absent, 2.0) == []  # nobody there
    angry = Selector(LIBRARY, seed=3)
    choose(angry, OwnerPresence(0, True, away_ms=0))
    choose(angry, emotion(0, -0.6, 0.5, angry=0.8))
    assert _attention_seeking(angry, 2.0) == []
    pushed = Selector(LIBRARY, seed=3)
    choose(pushed, OwnerPresence(0, True, away_ms=0))
    choose(pushed, gesture(0, "hit", intensity=0.9))
    assert [t for t in _attention_seeking(pushed, 0.9)] == []  # within the hour after a hit


def test_selection_is_deterministic_for_a_seed() -> None:
    def run(seed: int) -> list[str]:
        selector = Selector(LIBRARY, seed=seed)
        out = []
        for t in range(0, 1_800_000, 5000):
            decision = choose(selector, Tick(t, 15 * 60.0))
            out.append(decision.behaviour.name if decision else "-")
        return out

    assert run(7) == run(7)
    assert "idle_look_around" in run(7)
    assert any(run(seed) != run(7) for seed in range(8, 14))


def test_a_day_on_the_temperament_rhythm_sleeps_at_night_naps_and_wakes_with_a_stretch() -> None:
    from collections import Counter

    from brain.behave.mood import Mood
    from brain.behave.timeline import compile_timeline

    mood = Mood.from_temperament(LIBRARY.temperament)
    selector = Selector(LIBRARY, seed=1)
    running, until_ms = None, 0
    chosen: list[tuple[float, str]] = []
    # 22:00 to 22:00 with nobody around, a tick every 5 s; behaviours take their time.
    for t in range(0, 24 * 3_600_000, 5000):
        minute = (22 * 60 + t / 60_000) % 1440
        if running is not None and t >= until_ms:
            running = None
        mood.update(t, minute)
        decision = selector.choose(Tick(t, minute), t, running, mood.values)
        if decision is not None:
            mood.apply(decision.behaviour.mood_effect, decision.factor)
            running = decision.behaviour
            until_ms = t + compile_timeline(running, LIBRARY.poses).duration_ms
            chosen.append((minute, running.name))
    assert chosen[0] == (22 * 60, "night_calm")
    sleep_hours = Counter(int(m // 60) for m, n in chosen if n == "curl_up_sleep")
    assert set(range(0, 6)) <= set(sleep_hours)  # asleep all night
    assert {14, 15} <= set(sleep_hours)  # an afternoon nap
    awake_hours = {int(m // 60) for m, n in chosen if n == "idle_look_around"}
    assert not awake_hours & {0, 1, 2, 3, 4, 5, 14, 15}  # no looking about while asleep
    stretches = [m for m, n in chosen if n == "wake_up_stretch"]
    assert len(stretches) == 2 and 6 * 60 + 30 <= stretches[0] < 8 * 60
    assert "seek_attention" not in {n for _, n in chosen}  # nobody home


def stroke_at_zero(direction: str, zone: str = "back_middle") -> TouchGesture:
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
    decision = selector.choose(stroke_at_zero("with_fur"), 1000, None)
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
    assert (
        selector.choose(stroke_at_zero("with_fur"), 100, library.by_name("startle_when_hit"))
        is None
    )


def test_same_seed_same_choices() -> None:
    library = load_library()
    a = [
        Selector(library, seed=3).choose(stroke_at_zero("with_fur"), t * 1000, None)
        for t in range(3)
    ]
    b = [
        Selector(library, seed=3).choose(stroke_at_zero("with_fur"), t * 1000, None)
        for t in range(3)
    ]
    assert [d.behaviour.name for d in a if d] == [d.behaviour.name for d in b if d]
