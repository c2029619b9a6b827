import pytest

from brain.fusion.reliability import AgreementTracker, TrustConfig


def test_a_sense_that_keeps_contradicting_the_others_loses_trust_and_regains_it() -> None:
    tracker = AgreementTracker({"face": 0.6, "voice": 0.5})
    assert tracker.trust("voice") == 1.0  # no history: the typical agreement, full trust
    for i in range(20):  # a minute of a voice read against the face
        tracker.observe("voice", 0.1, i * 3000.0)
        tracker.observe("face", 0.6, i * 3000.0)
    assert tracker.trust("voice") < 0.4
    assert tracker.trust("voice") >= tracker.config.floor
    assert tracker.trust("face") == pytest.approx(1.0)
    for i in range(20):  # the senses agree again, ten minutes later
        tracker.observe("voice", 0.7, 600_000.0 + i * 3000.0)
    assert tracker.trust("voice") == pytest.approx(1.0)


def test_one_odd_moment_barely_matters_and_old_evidence_fades() -> None:
    tracker = AgreementTracker({"voice": 0.5}, TrustConfig(tau_ms=60_000.0, prior_weight=3.0))
    tracker.observe("voice", 0.0, 0.0)
    assert tracker.trust("voice") == pytest.approx(0.75)  # (3 x 0.5) / 4 / 0.5
    tracker.observe("voice", 0.5, 3_600_000.0)  # an hour later the odd moment is gone
    assert tracker.agreement("voice") == pytest.approx(0.5, abs=1e-6)
    tracker.reset()
    assert tracker.trust("voice") == pytest.approx(1.0)
    assert AgreementTracker({}).trust("touch") == 1.0  # unknown typical: the default


def test_a_voice_that_keeps_pulling_against_the_fused_reading_counts_for_less() -> None:
    from brain.fusion.model import FusionModel
    from brain.fusion.owner import OwnerFusion

    model = FusionModel()
    fusion = OwnerFusion(model)
    for i in range(12):  # two minutes of a smiling face over an angry-sounding voice
        now = i * 10_000.0
        fusion.update_face({"happy": 0.9, "neutral": 0.05, "surprise": 0.05}, now)
        fusion.update_voice({"angry": 0.8, "happy": 0.1, "afraid": 0.1}, 0.8, -0.6, now)
        fusion.estimate(now)
    assert fusion.trust.trust("voice") < 0.9 <= fusion.trust.trust("face")
    weights = fusion.weights(110_000.0)
    assert weights["voice"] == pytest.approx(fusion.trust.trust("voice"))
    fresh = OwnerFusion(model)  # a new owner starts with full trust
    assert fresh.trust.trust("voice") == 1.0
