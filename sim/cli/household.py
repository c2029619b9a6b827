"""``petbrain sim --split`` and ``petbrain sim --pets N``: the simulator over Zenoh on loopback.

Both open Zenoh sessions on 127.0.0.1 with explicit endpoints and multicast
scouting off, so nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import threading
import time
from pathlib import Path
from typing import Any

from behaviors.library import BehaviourLibrary
from brain.errors import UserError
from sim.scenario import DEMO_SCENARIO, Scenario

# The scenarios the pets of `sim --pets N` live through, in turn (touch only: light on CPU).
HOUSEHOLD_SCENARIOS = ("demo", "gentle_evening", "rough_play", "trace_playback")
HOUSEHOLD_PORT = 8766


def run_split(args: argparse.Namespace, scenario: Scenario, library: BehaviourLibrary) -> int:
    """The scenario with its perception in a second process; same report as in-process."""
    from brain.net.session import free_loopback_port, loopback_network, open_session
    from sim.console import attach_printer, summarise, write_json
    from sim.runner import SimSession
    from sim.split import NODE_START_TIMEOUT_S, SplitPerception, spawn_perception_process

    if args.play:
        raise UserError("--split runs scenarios, not --play previews")
    port = free_loopback_port()
    net = loopback_network("core", port, listen=True)
    if args.household is not None:
        net = net.model_copy(update={"connect": [f"tcp/127.0.0.1:{args.household}"]})
    zsession = open_session(net)
    split = SplitPerception(zsession, "sim")
    process = spawn_perception_process(args.scenario or DEMO_SCENARIO, "sim", port)
    try:
        if not split.remote.wait_node(NODE_START_TIMEOUT_S):
            raise UserError("the perception process did not come up (see its lines above)")
        session = SimSession(scenario, library=library, audio=False, camera=False)
        session.on_tick.append(split)
        if args.household is not None:
            session.on_tick.append(_state_publisher(zsession, split))
        attach_printer(session, quiet=args.events_only)
        print(
            f"petbrain sim: scenario '{scenario.name}' (headless, simulated clock), "
            f"perception in process {process.pid} over Zenoh on tcp/127.0.0.1:{port}"
        )
        report = session.run(realtime_speed=args.speed)
    finally:
        split.stop_node()
        try:
            process.wait(timeout=5)
        except Exception:  # still busy after 5 s: it is ours to end
            process.kill()
        split.close()
        zsession.close()
    print()
    summarise(report)
    wire = split.remote.stats()
    print(
        f"wire: {wire['observations']} observations received, {wire['dropped']} dropped, "
        f"{split.waits_timed_out} ticks waited out"
    )
    if args.report:
        data = report.to_json()
        data["split"] = {"wire": wire, "changes": [vars(c) for c in split.changes]}
        write_json(args.report, data)
    return 0 if report.passed else 1


def _state_publisher(zsession: Any, split: Any) -> Any:
    """Tick callback: the split pet's state for a household view (perception up or down)."""
    from brain.net.state import StatePublisher

    publisher = StatePublisher(zsession, "sim", "Sim", period_ms=200)

    def publish(session: Any, events: Any) -> None:
        publisher.step(
            session.brain,
            session.now_ms,
            perception=split.remote.state,
            owner_present=session.pet.owner_present,
            body_ready=session.link.ready,
            battery_mv=int(session.body.battery.mv),
            dropped=split.remote.decoder.stats.dropped,
        )

    return publish


def _household_scenarios(args: argparse.Namespace, count: int) -> list[Scenario]:
    from sim.scenario import load_scenario

    if args.scenario:
        return [load_scenario(args.scenario)] * count
    names = [HOUSEHOLD_SCENARIOS[i % len(HOUSEHOLD_SCENARIOS)] for i in range(count)]
    return [load_scenario(Path(name)) for name in names]


def run_household(args: argparse.Namespace, library: BehaviourLibrary) -> int:
    """N simulated pets, each publishing its state, and the household view of them all."""
    from brain.clock import SystemClock
    from brain.dashboard.event_stream import StateBoard
    from brain.dashboard.household import HOUSEHOLD_STATIC, HouseholdView, household_config
    from brain.dashboard.server import RobotDashboard
    from brain.net.session import free_loopback_port, loopback_network, open_session
    from brain.net.state import StatePublisher
    from sim.runner import SimSession

    count = int(args.pets)
    if not 1 <= count <= 8:
        raise UserError("--pets takes 1 to 8")
    port = free_loopback_port()
    view_session = open_session(loopback_network("dashboard", port, listen=True))
    # The view shows how long ago each pet was heard: wall time, from the one clock object.
    view = HouseholdView(view_session, SystemClock().monotonic_ms)
    pets: list[tuple[SimSession, StatePublisher, Any]] = []
    names = ("mochi", "tofu", "miso", "yuzu", "kiki", "nori", "pip", "luna")
    for i, scenario in enumerate(_household_scenarios(args, count)):
        zsession = open_session(loopback_network("core", port, listen=False))
        session = SimSession(scenario, library=library, audio=False, camera=False)
        publisher = StatePublisher(zsession, names[i], names[i].capitalize(), period_ms=500)
        pets.append((session, publisher, zsession))
    board: StateBoard | None = None
    dashboard = None
    if not args.headless:
        try:
            dashboard = RobotDashboard(
                household_config("household"), "127.0.0.1", HOUSEHOLD_PORT, None, HOUSEHOLD_STATIC
            )
        except OSError as error:
            raise UserError(
                f"cannot serve the household view on port {HOUSEHOLD_PORT}: {error}"
            ) from error
        dashboard.start()
        board = dashboard.board
        print(f"household view: {dashboard.url} (read-only; Ctrl-C to stop)")
    speed = args.speed or (1.0 if dashboard is not None else None)
    duration = max(s.scenario.duration_ms for s, _, _ in pets)
    stop = threading.Event()
    try:
        _live(pets, view, board, speed, duration, forever=dashboard is not None, stop=stop)
    except KeyboardInterrupt:
        pass
    finally:
        document = view.document()
        for session, publisher, zsession in pets:
            session.finish()
            publisher.close()
            zsession.close()
        view.close()
        view_session.close()
        if dashboard is not None:
            dashboard.stop()
    for card in document["pets"]:
        owner = card["owner"]
        print(
            f"{card['name']:<8} last decision {card['last_decision'] or '-':<22} "
            f"mood valence {card['mood'].get('valence', 0.0):+.2f}  "
            f"owner {owner['top'] if owner else '-'}"
        )
    heard = len(document["pets"])
    print(f"household view heard {heard} of {count} pets; wire {document['wire']}")
    return 0 if heard == count else 1


def _live(
    pets: list[tuple[Any, Any, Any]],
    view: Any,
    board: Any,
    speed: float | None,
    duration_ms: int,
    *,
    forever: bool,
    stop: threading.Event,
) -> None:
    """Step every pet on one simulated clock; publish their states; feed the page."""
    start = time.monotonic()
    now = 0
    next_page_ms = 0
    while not stop.is_set() and (forever or now <= duration_ms):
        for session, publisher, _ in pets:
            if session.now_ms <= session.scenario.duration_ms or forever:
                session.step()
            publisher.step(
                session.brain,
                now,
                body_ready=session.link.ready,
                battery_mv=int(session.body.battery.mv),
            )
        now += pets[0][0].tick_ms
        if board is not None and now >= next_page_ms:
            next_page_ms = now + 250
            board.publish(view.document())
        if speed:
            delay = start + now / 1000.0 / speed - time.monotonic()
            if delay > 0:
                time.sleep(delay)
    time.sleep(0.2)  # the last states cross the loopback
