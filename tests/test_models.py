"""Every model file ships with a card that says where it came from and how to remake it."""

from pathlib import Path

import onnx
import pytest

MODELS = Path(__file__).resolve().parent.parent / "models"
ONNX_FILES = sorted(MODELS.glob("*.onnx"))
SIZE_BUDGET_BYTES = {"expression.onnx": 1_000_000, "fusion.onnx": 100_000}


def test_there_are_models() -> None:
    assert ONNX_FILES


@pytest.mark.parametrize("path", ONNX_FILES, ids=lambda p: p.name)
def test_each_model_has_a_card_with_source_licence_metrics_and_reproduction(path: Path) -> None:
    card = path.with_suffix(".md")
    assert card.is_file(), f"{path.name} has no model card {card.name}"
    text = card.read_text(encoding="utf-8").lower()
    for needed in ("licen", "reproduc", "python"):
        assert needed in text, f"{card.name} does not mention {needed!r}"
    assert any(word in text for word in ("accuracy", "recall", "metric")), card.name


@pytest.mark.parametrize("path", ONNX_FILES, ids=lambda p: p.name)
def test_each_model_is_a_valid_onnx_graph_within_its_size_budget(path: Path) -> None:
    onnx.checker.check_model(onnx.load(str(path)))
    budget = SIZE_BUDGET_BYTES.get(path.name)
    if budget is not None:
        assert path.stat().st_size <= budget
