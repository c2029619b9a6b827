import json
import logging
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from audio_signals import tone, write_wav

from sensors.audio.emotion import CLASSES, VoiceEmotionModel
from sensors.audio.observations import AmbientLevel, SoundEvent, VoiceObservation
from sensors.audio.perceive import perceive_file
from sensors.audio.pipeline import AudioPerception, load_vad
from sensors.audio.sources import BufferSource, load_wav
from sensors.audio.vad import EnergyVad, ModelLoadError, SileroVad

TEXT = "The quick brown fox jumps over the lazy dog and then runs into the forest"


def _voice(path: Path) -> dict:
    (record,) = list(perceive_file(path, None))  # type: ignore[arg-type]
    assert record["path"] == str(path)
    return record["voice"]


def test_silero_model_has_the_v5_signature_the_wrapper_feeds() -> None:
    from sensors.onnx_runtime import onnxruntime

    ort = onnxruntime()

    from sensors.audio.vad import SILERO_PATH

    session = ort.InferenceSession(str(SILERO_PATH), providers=["CPUExecutionProvider"])
    inputs = {i.name: (i.shape, i.type) for i in session.get_inputs()}
    assert inputs["input"][1] == "tensor(float)" and len(inputs["input"][0]) == 2
    assert inputs["state"][0][0] == 2 and inputs["state"][0][2] == 128
    assert inputs["sr"] == ([], "tensor(int64)")
    outputs = [o.name for o in session.get_outputs()]
    assert outputs == ["output", "stateN"]


def test_silero_vad_hears_speech_and_not_silence_or_noise(espeak: Callable[..., Path]) -> None:
    vad = SileroVad()
    speech = load_wav(espeak(TEXT))
    probs = [vad(speech[i : i + 512]) for i in range(0, speech.size - 511, 512)]
    assert np.mean(np.array(probs) > 0.5) > 0.5
    vad.reset()
    rng = np.random.default_rng(0)
    noise = (0.02 * rng.normal(size=16000)).astype(np.float32)
    probs = [vad(noise[i : i + 512]) for i in range(0, noise.size - 511, 512)]
    assert max(probs) < 0.5


@pytest.mark.parametrize("rates", [(90, 175), (175, 320)])
def test_faster_speech_has_a_higher_speaking_rate(
    espeak: Callable[..., Path], rates: tuple[int, int]
) -> None:
    slow = _voice(espeak(TEXT, rate_wpm=rates[0]))
    fast = _voice(espeak(TEXT, rate_wpm=rates[1]))
    assert slow["speech"] and fast["speech"]
    assert fast["prosody"]["speaking_rate_hz"] > slow["prosody"]["speaking_rate_hz"]
    assert fast["speech_ms"] < slow["speech_ms"]


def test_higher_voice_has_a_higher_pitch(espeak: Callable[..., Path]) -> None:
    pitches = [_voice(espeak(TEXT, pitch=p))["prosody"]["f0_hz"] for p in (10, 50, 90)]
    assert pitches[0] < pitches[1] < pitches[2]
    assert pitches[0] > 50 and pitches[2] < 400


def test_perceive_reports_the_voice_schema(espeak: Callable[..., Path]) -> None:
    voice = _voice(espeak("Hello kitty, who is a good cat?"))
    json.dumps(voice)  # serialisable, no NaN objects
    assert voice["speech"] is True
    assert -1 <= voice["arousal"] <= 1 and -1 <= voice["valence"] <= 1
    assert set(voice["emotion"]) == set(CLASSES)
    assert sum(voice["emotion"].values()) == pytest.approx(1.0, abs=1e-3)
    assert voice["label"] in CLASSES
    assert len(voice["segments"]) >= 1
    segment = voice["segments"][0]
    assert {"t_ms", "duration_ms", "arousal", "valence", "emotion", "prosody"} <= set(segment)


def test_perceive_of_silence_says_no_speech(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "quiet.wav", np.zeros(16000, dtype=np.float32))
    voice = _voice(path)
    assert voice["speech"] is False and voice["arousal"] is None
    assert voice["emotion"] == {} and voice["segments"] == []


def test_perceive_of_a_broken_file_is_an_error_line(tmp_path: Path) -> None:
    bad = tmp_path / "broken.wav"
    bad.write_bytes(b"not a wav at all")
    (record,) = list(perceive_file(bad, None))  # type: ignore[arg-type]
    assert record["path"] == str(bad) and "wav" in record["error"]


def test_pipeline_streams_segments_startles_and_ambient_from_a_buffer_source(
    espeak: Callable[..., Path],
) -> None:
    speech = load_wav(espeak("Good morning, little cat"))
    rng = np.random.default_rng(0)
    quiet = (0.0005 * rng.normal(size=16000)).astype(np.float32)
    clap = (0.6 * rng.normal(size=800) * np.exp(-np.arange(800) / 200)).astype(np.float32)
    source = BufferSource(capacity_ms=20_000)
    source.connect()
    source.push(np.concatenate([quiet, 0.5 * speech, quiet, clap, quiet]))
    perception = AudioPerception(SileroVad(), VoiceEmotionModel())
    seen: list[object] = []
    t_ms = 0.0
    while (chunk := source.read()) is not None:
        seen.extend(perception.process(chunk, t_ms))
        t_ms += 32.0
    seen.extend(perception.flush())
    voices = [o for o in seen if isinstance(o, VoiceObservation)]
    startles = [o for o in seen if isinstance(o, SoundEvent)]
    ambient = [o for o in seen if isinstance(o, AmbientLevel)]
    assert len(voices) == 1 and voices[0].arousal is not None
    assert 0 < voices[0].confidence <= 1
    assert 700 <= voices[0].t_ms <= 1200  # the speech starts after one second of quiet
    clap_ms = (2 * quiet.size + speech.size) / 16.0
    assert len(startles) == 1 and abs(startles[0].t_ms - clap_ms) <= 8
    assert len(ambient) >= 3 and ambient[0].to_json()["kind"] == "ambient"
    assert json.dumps(voices[0].to_json())


def test_a_corrupt_vad_model_falls_back_to_energy_with_one_clear_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "silero_vad.onnx"
    broken.write_bytes(b"\x08\x01garbage")
    with pytest.raises(ModelLoadError) as error:
        SileroVad(broken)
    assert "\n" not in str(error.value) and "silero_vad.onnx" in str(error.value)
    with pytest.raises(ModelLoadError):
        VoiceEmotionModel(tmp_path / "missing.onnx")
    monkeypatch.setattr("sensors.audio.vad.SILERO_PATH", broken)
    monkeypatch.setattr(SileroVad.__init__, "__defaults__", (broken,))
    with caplog.at_level(logging.ERROR):
        vad = load_vad()
    assert isinstance(vad, EnergyVad) and "falls back" in caplog.text
    loud = tone(200.0, 0.032 * 20, amplitude=0.3)
    quiet = np.zeros(512, dtype=np.float32)
    scores = [vad(quiet) for _ in range(10)] + [
        vad(loud[i * 512 : (i + 1) * 512]) for i in range(5)
    ]
    assert max(scores[:10]) < 0.5 < min(scores[10:])
