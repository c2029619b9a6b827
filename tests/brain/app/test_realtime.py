import gc
import logging
import os

import pytest

from brain.app import realtime


def test_start_up_objects_are_frozen_out_of_the_collector() -> None:
    try:
        result = realtime.prefer_reaction_path(realtime=False)
        assert result.gc_frozen > 1000 and not result.realtime
    finally:
        gc.unfreeze()


def test_without_permission_the_pet_says_so_once_and_carries_on(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def refuse(*_args: object) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "sched_setscheduler", refuse)
    with caplog.at_level(logging.INFO, logger="petbrain"):
        try:
            result = realtime.prefer_reaction_path()
        finally:
            gc.unfreeze()
    assert not result.realtime and result.why_not == "Operation not permitted"
    lines = [r.getMessage() for r in caplog.records if "real-time" in r.getMessage()]
    assert len(lines) == 1 and "LimitRTPRIO" in lines[0]
