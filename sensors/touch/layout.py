"""Which pad sits where on the body: zones and positions along the spine.

The layout comes from the robot's configuration, never from code that reads
pads; ``DEFAULT_LAYOUT`` is the reference body the simulator and docs use.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

ZONES = (
    "head",
    "cheeks",
    "chin",
    "neck",
    "back_front",
    "back_middle",
    "back_rear",
    "belly",
    "tail_base",
)
# Zone groups a designer may name instead of a single zone.
ZONE_GROUPS = {"back": ("back_front", "back_middle", "back_rear")}


@dataclass(frozen=True)
class Pad:
    """One capacitive pad: its index in TOUCH_FRAME, name, zone and place on the body.

    ``position_mm`` runs along the spine from the nose towards the tail, so a
    stroke whose contact moves to larger positions goes with the fur.
    """

    index: int
    name: str
    zone: str
    position_mm: float


@dataclass(frozen=True)
class PadLayout:
    """All pads of a body, in TOUCH_FRAME order."""

    pads: tuple[Pad, ...]
    frame_rate_hz: float = 100.0

    def __post_init__(self) -> None:
        for i, pad in enumerate(self.pads):
            if pad.index != i:
                raise ValueError(f"pad {pad.name!r} has index {pad.index}, expected {i}")
            if pad.zone not in ZONES:
                raise ValueError(f"pad {pad.name!r}: unknown zone {pad.zone!r}")

    @property
    def pad_count(self) -> int:
        """Number of pads."""
        return len(self.pads)

    def zone_of(self, index: int) -> str:
        """The zone of pad ``index``."""
        return self.pads[index].zone

    def indices(self, zones: Iterable[str]) -> list[int]:
        """Pads in any of ``zones`` (zone names or groups such as ``back``)."""
        wanted: set[str] = set()
        for zone in zones:
            wanted.update(ZONE_GROUPS.get(zone, (zone,)))
        return [pad.index for pad in self.pads if pad.zone in wanted]

    def by_name(self, name: str) -> Pad:
        """The pad called ``name``."""
        for pad in self.pads:
            if pad.name == name:
                return pad
        raise KeyError(name)

    def to_json(self) -> list[dict[str, object]]:
        """The pads as plain dicts (the ``pads`` list of a trace header or config)."""
        return [
            {"index": p.index, "name": p.name, "zone": p.zone, "position_mm": p.position_mm}
            for p in self.pads
        ]

    @classmethod
    def from_json(cls, pads: object, frame_rate_hz: float = 100.0) -> PadLayout:
        """Build from a list of pad dicts (``name``, ``zone``, ``position_mm``; ``index`` optional).

        Raises ``ValueError`` with one clear line when the list is malformed.
        """
        if not isinstance(pads, list) or not pads:
            raise ValueError("'pads' must be a non-empty list")
        out = []
        for i, raw in enumerate(pads):
            if not isinstance(raw, dict):
                raise ValueError(f"pad {i} is not an object")
            try:
                name = str(raw["name"])
                zone = str(raw["zone"])
                position = float(raw["position_mm"])
                index = int(raw.get("index", i))
            except (KeyError, TypeError, ValueError) as error:
                raise ValueError(f"pad {i}: missing or bad field {error}") from None
            out.append(Pad(index, name, zone, position))
        if not 1.0 <= frame_rate_hz <= 10_000.0:
            raise ValueError(f"frame rate {frame_rate_hz} Hz is out of range")
        return cls(tuple(out), float(frame_rate_hz))


def load_layout(path: str | Path) -> PadLayout:
    """Read a pad layout from a robot config file (JSON or YAML).

    The file holds ``{"frame_rate_hz": 100, "pads": [{"name", "zone",
    "position_mm"}, ...]}``, either at the top level or under a ``touch``
    key of a larger robot config. Raises ``ValueError`` with one clear line.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ValueError(f"{path}: cannot read layout ({error.strerror})") from None
    try:
        if path.suffix.lower() in (".yaml", ".yml"):
            from ruamel.yaml import YAML

            raw = YAML(typ="safe").load(text)
        else:
            raw = json.loads(text)
    except Exception as error:  # any parser error is a broken file
        raise ValueError(f"{path}: cannot parse layout: {error}".splitlines()[0]) from None
    if isinstance(raw, dict) and isinstance(raw.get("touch"), dict):
        raw = raw["touch"]
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: a layout is an object with 'pads'")
    try:
        return PadLayout.from_json(raw.get("pads"), float(raw.get("frame_rate_hz", 100.0)))
    except (TypeError, ValueError) as error:
        raise ValueError(f"{path}: bad layout: {error}") from None


def zone_matches(zone: str, wanted: str) -> bool:
    """True when ``zone`` is ``wanted`` or belongs to the group ``wanted``."""
    return zone == wanted or zone in ZONE_GROUPS.get(wanted, ())


_DEFAULT = [
    ("head", "head", 40.0),
    ("cheek_left", "cheeks", 55.0),
    ("cheek_right", "cheeks", 55.0),
    ("chin", "chin", 60.0),
    ("neck", "neck", 110.0),
    ("back_1", "back_front", 160.0),
    ("back_2", "back_front", 200.0),
    ("back_3", "back_middle", 240.0),
    ("back_4", "back_middle", 280.0),
    ("back_5", "back_rear", 320.0),
    ("back_6", "back_rear", 360.0),
    ("belly_front", "belly", 220.0),
    ("belly_rear", "belly", 300.0),
    ("tail_base", "tail_base", 400.0),
]
DEFAULT_LAYOUT = PadLayout(
    tuple(Pad(i, name, zone, pos) for i, (name, zone, pos) in enumerate(_DEFAULT))
)
