"""``labels.yaml`` beside what ``petbrain touch record`` writes: check a label, add it."""

from __future__ import annotations

from pathlib import Path

from brain.errors import UserError


def check_label(labels_path: Path, label: str | None) -> None:
    """Refuse a label that neither the pet nor the folder's ``labels.yaml`` knows."""
    from sensors.touch.events import ALL_GESTURES
    from sensors.touch.recording import load_label_map

    if label is None or label in ALL_GESTURES:
        return
    known: dict[str, str] = {}
    if labels_path.exists():
        try:
            known = load_label_map(labels_path)
        except ValueError as error:
            raise UserError(str(error)) from None
    if label not in known:
        raise UserError(
            f"{labels_path}: add {label!r} (map it to one of {', '.join(ALL_GESTURES)})"
        )


def ensure_labels(folder: Path, label: str | None) -> None:
    """Write or extend ``folder/labels.yaml`` so that ``label`` maps onto a pet gesture."""
    from sensors.touch.events import ALL_GESTURES
    from sensors.touch.recording import load_label_map, write_label_map

    labels_path = folder / "labels.yaml"
    mapping: dict[str, str] = {}
    if labels_path.exists():
        try:
            mapping = load_label_map(labels_path)
        except ValueError as error:
            raise UserError(str(error)) from None
    if label is not None and label not in mapping:
        if label not in ALL_GESTURES:
            raise UserError(
                f"{labels_path}: add {label!r} (map it to one of {', '.join(ALL_GESTURES)})"
            )
        mapping[label] = label
        write_label_map(labels_path, mapping)
    elif not labels_path.exists():
        write_label_map(labels_path, mapping)
