"""Converters from published touch corpora to the labelled recording format.

``softrobot7`` (M. Dethmers 2025, "A gesture and touch recognising inflatable
soft social robot"; see ``../shared/data/README.md``): 19 x 27 pressure grid,
values 0-255, per-frame labels. The source gives no frame rate, no pitch
and no orientation on the body; the values written to ``skin.yaml`` for
those are stated assumptions (``notes``), not measurements.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from sensors.touch.recording import write_label_map, write_recording
from sensors.touch.skin import TaxelGrid, write_skin

SOFTROBOT7_LABELS = {
    "None": "none",
    "Grab": "grab",
    "Punch": "hit",
    "Squeez": "squeeze",
    "Stroke": "stroke",
    "Tickle": "tickle",
    "hug": "hug",
    "Tap": "pat",  # a light tap of the fingers: the pet's pat
}
SOFTROBOT7_GRID = TaxelGrid(
    zone="back_middle",
    rows=19,
    cols=27,
    pitch_mm=10.0,  # assumed: the source does not give it
    rate_hz=10.0,  # assumed: the source has no timestamps; punches last 4-7 frames
    along="cols",
    head_at="first",
    full_scale=255.0,
)
SOFTROBOT7_NOTES = (
    "softrobot7 (mdethmers/Social-Touch-Research, commit 0ea7cf58): 19x27 pressure grid, "
    "0-255. pitch_mm, rate_hz, zone and orientation are assumptions: the source gives none."
)


def import_softrobot7(
    source: str | Path, out: str | Path, log: Callable[[str], None] | None = None
) -> tuple[int, list[str]]:
    """Convert every ``source/*.npz`` into ``out``; returns (written, problems)."""
    source, out = Path(source), Path(out)
    paths = sorted(source.glob("*.npz"))
    if not paths:
        return 0, [f"{source}: no .npz recordings"]
    out.mkdir(parents=True, exist_ok=True)
    write_skin(out / "skin.yaml", SOFTROBOT7_GRID, SOFTROBOT7_NOTES)
    write_label_map(out / "labels.yaml", SOFTROBOT7_LABELS)
    problems: list[str] = []
    written = 0
    for path in paths:
        try:
            with np.load(path, allow_pickle=False) as z:
                frames = np.asarray(z["frames"])
                labels = [str(v) for v in z["labels"].tolist()]
        except (OSError, KeyError, ValueError) as error:
            problems.append(f"{path}: cannot read ({error})".splitlines()[0])
            continue
        write_recording(out / path.name, frames, SOFTROBOT7_GRID.rate_hz, labels=labels)
        written += 1
        if log is not None:
            log(f"{path.name}: {frames.shape[0]} frames")
    return written, problems
