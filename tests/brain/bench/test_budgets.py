"""The budgets are one source: README's table is generated from it, results are judged by it."""

import re
from pathlib import Path

import pytest

from brain.bench import Reference, Result
from brain.bench.budgets import BUDGETS, Budget, budget_for, markdown_table

ROOT = Path(__file__).resolve().parents[3]


def test_readme_budget_table_is_the_generated_one() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- budgets:begin[^\n]*-->\n(.*?)<!-- budgets:end -->", text, re.S)
    assert match, "README.md lost its generated budget table markers"
    assert match.group(1) == markdown_table(), "run `petbrain bench --budgets` and paste it"


def test_each_figure_has_one_budget_and_a_source_that_reports_it() -> None:
    figures = [b.figure for b in BUDGETS]
    assert len(figures) == len(set(figures))
    sources = "\n".join(
        p.read_text(encoding="utf-8")
        for folder in ("brain", "sim")
        for p in (ROOT / folder).rglob("*.py")
        if "bench" in p.parts and p.name != "budgets.py"
    )
    for figure in figures:
        assert f'"{figure}"' in sources, f"no benchmark reports {figure}"


@pytest.mark.parametrize(
    ("budget", "value", "reference", "ok"),
    [
        (Budget("a", "p", 5.0, "max", "ms"), 4.9, None, True),
        (Budget("a", "p", 5.0, "max", "ms"), 5.1, None, False),
        (Budget("a", "p", 0.66, "min", ""), 0.7, None, True),
        (Budget("a", "p", 0.66, "min", ""), 0.6, None, False),
        (Budget("a", "p", 20.0, "speedup", ""), 3.0, 90.0, True),
        (Budget("a", "p", 20.0, "speedup", ""), 5.0, 90.0, False),
        (Budget("a", "p", 20.0, "speedup", ""), 5.0, None, False),
        (Budget("a", "p", 5.0, "max", "ms"), float("nan"), None, False),
    ],
)
def test_budget_kinds(budget: Budget, value: float, reference: float | None, ok: bool) -> None:
    assert budget.meets(value, reference) is ok


def test_result_is_judged_and_serialised_with_budget_and_ok() -> None:
    over = Result("touch_to_servo_loaded_p99_ms", 9.0, "ms", Reference("echo", 0.5))
    assert over.budget is budget_for("touch_to_servo_loaded_p99_ms")
    assert over.ok is False and over.verdict == "FAIL (within must)"
    shown = over.as_json()
    assert shown["budget"] == "<= 5 ms (must <= 15 ms)"
    assert shown["ok"] is False and shown["must_ok"] is True
    fast = Result("face_pipeline_ms", 2.0, "ms", Reference("fer", 80.0))
    assert fast.ok is True and fast.as_json()["ok"] is True
    free = Result("something_else", 1.0, "ms", note="why it matters")
    assert free.ok is None and "ok" not in free.as_json() and free.verdict == "-"


def test_check_exits_non_zero_when_a_figure_misses_its_budget(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import argparse
    import json

    from brain.cli import bench as cli

    def fake(_options: object) -> list[Result]:
        return [
            Result("audio_chunk_ms", 3.0, "ms", Reference("vad", 0.5)),
            Result("fusion_call_ms", 0.01, "ms", Reference("numpy", 0.001)),
        ]

    monkeypatch.setattr("brain.bench.registry", lambda: {"fake": fake})
    args = argparse.Namespace(
        json=True, quick=True, only=None, list=False, check=True, budgets=False
    )
    assert cli.run(args) == 1
    payload = json.loads(capsys.readouterr().out)
    assert payload["missed"] == ["audio_chunk_ms"]
    assert [r["ok"] for r in payload["results"]] == [False, True]
    args.check = False
    assert cli.run(args) == 0
