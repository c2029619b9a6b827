"""A session that lives on the wall clock with its dashboard, until stopped."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from behaviors.library import BehaviourLibrary
from brain.body.joints import DEFAULT_ROBOT, RobotConfig
from sim.dashboard.server import DEFAULT_PORT, Dashboard
from sim.hands import BrowserHand, grid_hand
from sim.runner import SimReport, SimSession
from sim.scenario import Scenario


class LiveSim:
    """The scenario in real time with the dashboard's mouse as an extra hand.

    ``run`` blocks (the command line's main thread); ``start`` runs it on a
    background thread (tests). The pet lives on after the scenario until
    ``stop`` or Ctrl+C. With ``wait_for_page`` the scenario's clock starts
    only when the first page connects to the event stream, so whoever opens
    the dashboard sees the scenario from its beginning.
    """

    def __init__(
        self,
        scenario: Scenario,
        library: BehaviourLibrary | None = None,
        robot: RobotConfig = DEFAULT_ROBOT,
        host: str = "127.0.0.1",
        port: int = DEFAULT_PORT,
        speed: float = 1.0,
        microphone: dict[str, object] | None = None,
        webcam: dict[str, object] | None = None,
        body: str = "cpython",
        library_paths: Sequence[Path] = (),
        hot_reload: bool = True,
        wait_for_page: bool = False,
    ) -> None:
        self.hand = BrowserHand(robot.layout)
        self.session = SimSession(
            scenario,
            robot=robot,
            library=library,
            hands=[self.hand],
            # On a robot with taxel grids the pointer presses the mats too.
            grid_pressure=[grid_hand(self.hand, grid) for grid in robot.grids],
            audio=True,
            microphone=microphone,
            camera=True,
            webcam=webcam,
            body=body,
            # A designer previewing sees each save, as on the robot (`petbrain run`).
            hot_reload=hot_reload,
            library_paths=library_paths,
        )
        self.dashboard = Dashboard(self.session, self.hand, host, port)
        self.speed = speed
        self.wait_for_page = wait_for_page
        self.stop_event = threading.Event()
        self.report: SimReport | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The dashboard's address."""
        return self.dashboard.url

    def run(self, on_scenario_end: Callable[[SimSession], None] | None = None) -> SimReport:
        """Serve the dashboard and run until stopped; returns the run's report."""
        self.dashboard.start()
        try:
            if self.wait_for_page:
                while not self.dashboard.page_connected.wait(0.2):
                    if self.stop_event.is_set():
                        break
            self.report = self.session.run(
                realtime_speed=self.speed,
                forever=True,
                stop=self.stop_event,
                on_scenario_end=on_scenario_end,
            )
        except KeyboardInterrupt:
            self.report = self.session.finish()
        finally:
            self.dashboard.stop()
        return self.report

    def start(self) -> None:
        """Run on a background thread."""
        self._thread = threading.Thread(target=self.run, name="live-sim", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 5.0) -> SimReport | None:
        """End the run (from another thread) and wait for it."""
        self.stop_event.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
        return self.report
