"""The session's timeline as a picture: mood, the owner's emotion and behaviours over time.

:class:`TimelineRecorder` keeps the same rows as the dashboard's timeline
(:mod:`brain.dashboard.history`) from a headless session; :func:`plot_timeline`
draws rows, from a session or from a ``--report`` file, into a PNG with
matplotlib's Agg backend (no display needed).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from brain.app.runtime import BrainEvent
from brain.dashboard.document import NOT_SURE_BELOW, brain_panels, owner_panel
from brain.dashboard.history import SessionHistory
from brain.errors import UserError
from sim.runner import SimSession

MOOD_LINES = (("valence", "#c2410c"), ("arousal", "#2563eb"))
OWNER_COLOUR, UNSURE_COLOUR = "#15803d", "#b8b0a6"


class TimelineRecorder:
    """Tick callback: one timeline row every 250 ms of the session's clock."""

    def __init__(self) -> None:
        self.history = SessionHistory()

    def __call__(self, session: SimSession, events: list[BrainEvent]) -> None:
        """Note a row when one is due (the state is built only then)."""
        if not self.history.due(session.now_ms):
            return
        brain = session.brain
        self.history.note(
            {"t_ms": session.now_ms, **brain_panels(brain), "owner": owner_panel(brain)}
        )


def rows_of_report(path: Path) -> tuple[str, list[dict[str, Any]]]:
    """(scenario name, timeline rows) of a ``--report`` file, or one clear error."""
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise UserError(f"report not found: {path}") from None
    except (OSError, ValueError) as error:
        raise UserError(f"cannot read report {path}: {error}") from error
    rows = data.get("timeline") if isinstance(data, dict) else None
    if not isinstance(rows, list) or not rows:
        raise UserError(
            f"{path} has no timeline (reports written by 'petbrain sim' or 'demo' "
            "with --report have one)"
        )
    scenario = data.get("scenario")
    name = scenario.get("name", "?") if isinstance(scenario, dict) else str(scenario)
    return name, rows


def _runs(rows: Sequence[dict[str, Any]]) -> list[tuple[float, float, str]]:
    """(start s, end s, behaviour) of each run of one behaviour."""
    runs: list[tuple[float, float, str]] = []
    start = 0
    for i in range(1, len(rows) + 1):
        if i < len(rows) and rows[i]["behaviour"] == rows[start]["behaviour"]:
            continue
        name = rows[start]["behaviour"]
        end = rows[i]["t_ms"] if i < len(rows) else rows[-1]["t_ms"]
        if name:
            runs.append((rows[start]["t_ms"] / 1000, end / 1000, str(name)))
        start = i
    return runs


def plot_timeline(rows: Sequence[dict[str, Any]], path: Path, title: str) -> None:
    """Draw ``rows`` into the PNG ``path``: lines above, behaviours as a band below."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if len(rows) < 2:
        raise UserError("the timeline has fewer than two rows: nothing to plot")
    t = [r["t_ms"] / 1000 for r in rows]
    figure, (lines, band) = plt.subplots(
        2, 1, figsize=(11, 4.2), sharex=True, gridspec_kw={"height_ratios": [4, 1]}
    )
    for name, colour in MOOD_LINES:
        lines.plot(t, [r["mood"].get(name) for r in rows], color=colour, label=f"mood {name}")
    for sure, colour, style in ((True, OWNER_COLOUR, "-"), (False, UNSURE_COLOUR, "--")):
        values = [
            r["owner"]["valence"]
            if r["owner"] and (r["owner"]["confidence"] >= NOT_SURE_BELOW) == sure
            else None
            for r in rows
        ]
        label = "owner valence" + ("" if sure else " (not sure)")
        lines.plot(t, [float("nan") if v is None else v for v in values], style, color=colour,
                   label=label)  # fmt: skip
    lines.axhline(0, color="#e5ddd0", linewidth=1)
    lines.set_ylim(-1.05, 1.05)
    lines.set_ylabel("-1 .. +1")
    lines.legend(loc="upper left", fontsize=8, ncol=4, frameon=False)
    lines.set_title(title, fontsize=10)
    palette = plt.get_cmap("tab20")
    names = sorted({name for _, _, name in _runs(rows)})
    for start, end, name in _runs(rows):
        band.axvspan(start, max(end, start + 0.05), color=palette(names.index(name) % 20))
        if end - start > (t[-1] - t[0]) / 25:
            band.text(start, 0.5, f" {name}", va="center", fontsize=7, clip_on=True)
    band.set_yticks([])
    band.set_ylabel("behaviour", fontsize=8)
    band.set_xlabel("session time (s)")
    figure.tight_layout()
    try:
        figure.savefig(path, dpi=110)
    except OSError as error:
        raise UserError(f"cannot write plot {path}: {error}") from error
    finally:
        plt.close(figure)
