"""The one wire schema between boards: key expressions and typed, versioned messages.

Every payload is a pydantic model serialised as compact JSON, with
``schema_version`` and a ``kind`` that says which model it is. Only numbers
about the owner and the pet cross the wire: observations (face, body, voice,
sound), the fused owner emotion and a small state summary. There is no field
for a frame, an audio sample, a face crop or an embedding, every model
forbids extra fields, and a payload over its size cap is dropped before it is
parsed (``tests/brain/net/test_schema.py`` checks all three).

Clocks of two boards differ, so no message carries the sender's clock:
observations carry their **age** in ms when published (``age_ms``), and the
receiver places them on its own clock (``t_ms = now_ms - age_ms``).

Receiving is like the body link's frames: :class:`Decoder` counts and drops
anything oversize, malformed, of another schema version, of an unknown kind
or of another pet; only valid messages are returned, never acted on otherwise.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, TypeAlias, cast

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

SCHEMA_VERSION: Literal[1] = 1  # bumped when a message changes incompatibly
ROOT = "petbrain"
# Sizes a real message never comes near (a face observation is about 600 bytes):
# anything bigger is dropped unread, so a frame or a clip cannot sneak through.
MAX_OBSERVATION_BYTES = 4096
MAX_STATE_BYTES = 16384
MAX_AGE_MS = 60_000.0  # an observation older than a minute is no observation
PET_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")

# Topics under petbrain/<pet-id>/ and which message kinds each carries.
FACE = "perception/face"
BODY = "perception/body"
VOICE = "perception/voice"
SOUND = "perception/sound"
OWNER_EMOTION = "owner_emotion"
STATE = "state"
# Zenoh liveliness tokens ``alive/perception/<zenoh id>``, one per running perception node.
PERCEPTION_ALIVE = "alive/perception"
SIM_CLOCK = "sim/clock"  # the simulator's clock, driving a split perception node
SIM_DONE = "sim/done"  # the perception node finished a simulated tick
PERCEPTION_TOPICS = (FACE, BODY, VOICE, SOUND)


def pet_id(name: str) -> str:
    """A pet's name as it appears in key expressions (lower case, ``[a-z0-9_-]``)."""
    slug = re.sub(r"[^a-z0-9_-]+", "-", name.lower()).strip("-_")[:32]
    return slug or "pet"


def key(pet: str, topic: str) -> str:
    """The key expression ``petbrain/<pet>/<topic>``."""
    if not PET_ID.match(pet):
        raise ValueError(f"pet id {pet!r} is not [a-z0-9][a-z0-9_-]{{0,31}}")
    return f"{ROOT}/{pet}/{topic}"


def split_key(key_expr: str) -> tuple[str, str] | None:
    """(pet, topic) of a key expression under ``petbrain/``, or None."""
    parts = str(key_expr).split("/", 2)
    if len(parts) != 3 or parts[0] != ROOT or not PET_ID.match(parts[1]):
        return None
    return parts[1], parts[2]


# -- messages ----------------------------------------------------------------

Finite = Annotated[float, Field(allow_inf_nan=False)]
Unit = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]
Signed = Annotated[float, Field(ge=-1.0, le=1.0, allow_inf_nan=False)]
Age = Annotated[float, Field(ge=0.0, le=MAX_AGE_MS, allow_inf_nan=False)]
Around = Annotated[float, Field(ge=-2.0, le=3.0, allow_inf_nan=False)]  # a frame fraction
# A regression model's output: about -1..1, never clipped by the model itself.
Regressed = Annotated[float, Field(ge=-10.0, le=10.0, allow_inf_nan=False)]
Probabilities = Annotated[dict[Annotated[str, Field(max_length=16)], Unit], Field(max_length=8)]


class Message(BaseModel):
    """Fields every message has."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    schema_version: Literal[1] = SCHEMA_VERSION
    pet: Annotated[str, Field(pattern=PET_ID.pattern)]
    seq: int = Field(ge=0)  # per sender and topic, to spot losses and reordering


class FaceCuesMsg(BaseModel):
    """:class:`sensors.camera.observations.FaceCues` on the wire."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    smile: Unit = 0.0
    mouth_open: Unit = 0.0
    brows_raised: Unit = 0.0
    brows_furrowed: Unit = 0.0
    eyes_open: Unit = 0.0


class FaceMsg(Message):
    """The followed person's face in one camera frame (numbers only, never the crop)."""

    kind: Literal["face"] = "face"
    frame: int = Field(ge=0)  # pairs the face and body messages of one frame
    age_ms: Age
    present: bool
    # x, y, w, h as fractions of the frame; the mesh may reach past the frame's edge.
    box: tuple[Around, Around, Around, Around] | None = None
    distance_m: Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)] | None = None
    yaw_deg: Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)] = 0.0
    pitch_deg: Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)] = 0.0
    roll_deg: Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)] = 0.0
    looking_at_pet: bool = False
    expression: Probabilities = Field(default_factory=dict)
    cues: FaceCuesMsg = FaceCuesMsg()
    faces_seen: int = Field(0, ge=0, le=64)
    compute_ms: Annotated[float, Field(ge=0, le=10_000, allow_inf_nan=False)] = 0.0


class BodyMsg(Message):
    """The followed person's posture in one camera frame."""

    kind: Literal["body"] = "body"
    frame: int = Field(ge=0)
    age_ms: Age
    present: bool
    lean: Annotated[float, Field(ge=-5, le=5, allow_inf_nan=False)] = 0.0
    upright: Annotated[float, Field(ge=-5, le=5, allow_inf_nan=False)] = 0.0
    arms_crossed: bool = False
    arms_open: bool = False
    hand_raised: bool = False
    waving: bool = False
    motion: Annotated[float, Field(ge=0, le=1000, allow_inf_nan=False)] = 0.0
    stale_ms: int = Field(0, ge=0, le=int(MAX_AGE_MS))


class ProsodyMsg(BaseModel):
    """How a stretch was spoken (a summary; None where the pipeline had no value)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    loudness_dbfs: Finite | None
    loudness_range_db: Finite | None
    f0_hz: Finite | None
    f0_range_st: Finite | None
    f0_std_st: Finite | None
    speaking_rate_hz: Finite | None
    voiced_fraction: Finite | None
    aperiodicity: Finite | None
    alpha_db: Finite | None


class VoiceMsg(Message):
    """One stretch of speech: prosody and the voice-emotion estimate, never the audio."""

    kind: Literal["voice"] = "voice"
    age_ms: Age  # of the start of the speech
    duration_ms: Annotated[float, Field(ge=0, le=MAX_AGE_MS, allow_inf_nan=False)]
    speech_probability: Unit
    prosody: ProsodyMsg
    arousal: Regressed | None
    valence: Regressed | None
    emotion: Probabilities = Field(default_factory=dict)
    confidence: Unit = 0.0
    background_db: Finite | None = None


class StartleMsg(Message):
    """A sudden loud sound (its levels, never the sound)."""

    kind: Literal["startle"] = "startle"
    age_ms: Age  # of the onset
    detected_age_ms: Age
    level_dbfs: Annotated[float, Field(ge=-200, le=10, allow_inf_nan=False)]
    rise_db: Finite
    background_db: Finite | None = None


class AmbientMsg(Message):
    """The background noise level."""

    kind: Literal["ambient"] = "ambient"
    age_ms: Age
    background_db: Finite | None
    speech_active: bool


class OwnerEmotionMsg(Message):
    """The core's fused owner-emotion estimate."""

    kind: Literal["owner_emotion"] = "owner_emotion"
    age_ms: Age
    valence: Signed
    arousal: Signed
    probabilities: Probabilities
    confidence: Unit


class PetStateMsg(Message):
    """What a household view shows of one pet, about once a second."""

    kind: Literal["state"] = "state"
    name: Annotated[str, Field(max_length=64)]
    mood: Annotated[dict[Annotated[str, Field(max_length=16)], Finite], Field(max_length=8)]
    behaviour: Annotated[str, Field(max_length=64)] | None = None  # playing now
    last_decision: Annotated[str, Field(max_length=64)] | None = None
    decision_age_ms: Age | None = None
    owner: OwnerEmotionMsg | None = None
    owner_present: bool | None = None
    body_ready: bool = False
    battery_mv: int = Field(0, ge=0, le=100_000)
    perception: Literal["in-process", "up", "down", "never-seen"] = "in-process"
    dropped: int = Field(0, ge=0)  # wire messages this core counted and dropped


class SimClockMsg(Message):
    """The simulator's clock: a split perception node runs its tick ``t_ms``."""

    kind: Literal["sim_clock"] = "sim_clock"
    t_ms: int = Field(ge=0)  # simulated time, the one clock of a simulated run
    stop: bool = False


class SimDoneMsg(Message):
    """A split perception node finished tick ``t_ms`` after ``published`` messages."""

    kind: Literal["sim_done"] = "sim_done"
    t_ms: int = Field(ge=0)
    # Observation messages this node published so far: Zenoh orders messages per key,
    # not across keys, so the core waits until it has received this many.
    published: int = Field(ge=0)


ObservationMsg: TypeAlias = FaceMsg | BodyMsg | VoiceMsg | StartleMsg | AmbientMsg
AnyMsg: TypeAlias = ObservationMsg | OwnerEmotionMsg | PetStateMsg | SimClockMsg | SimDoneMsg

# Which kinds each topic may carry; anything else on it is "unknown".
TOPIC_KINDS: dict[str, dict[str, type[Message]]] = {
    FACE: {"face": FaceMsg},
    BODY: {"body": BodyMsg},
    VOICE: {"voice": VoiceMsg},
    SOUND: {"startle": StartleMsg, "ambient": AmbientMsg},
    OWNER_EMOTION: {"owner_emotion": OwnerEmotionMsg},
    STATE: {"state": PetStateMsg},
    SIM_CLOCK: {"sim_clock": SimClockMsg},
    SIM_DONE: {"sim_done": SimDoneMsg},
}
MAX_BYTES = {STATE: MAX_STATE_BYTES}
_ADAPTERS = {
    topic: {kind: TypeAdapter(model) for kind, model in kinds.items()}
    for topic, kinds in TOPIC_KINDS.items()
}


def encode(message: Message) -> bytes:
    """The payload of ``message``: compact JSON."""
    return message.model_dump_json(exclude_defaults=False).encode()


@dataclass
class WireStats:
    """What a receiver accepted and what it counted and dropped, by reason."""

    accepted: int = 0
    oversize: int = 0
    malformed: int = 0  # not JSON, or fields out of range or missing
    unknown: int = 0  # another schema version, an unknown kind or topic
    other_pet: int = 0  # the key's pet and the message's disagree
    last_error: str | None = None
    by_topic: dict[str, int] = field(default_factory=dict)

    @property
    def dropped(self) -> int:
        """Every message counted and dropped."""
        return self.oversize + self.malformed + self.unknown + self.other_pet

    def as_json(self) -> dict[str, Any]:
        """Plain dict for reports and the dashboard."""
        return {
            "accepted": self.accepted,
            "dropped": self.dropped,
            "oversize": self.oversize,
            "malformed": self.malformed,
            "unknown": self.unknown,
            "other_pet": self.other_pet,
            "last_error": self.last_error,
        }


class Decoder:
    """Validates payloads on receipt; returns only good messages and counts the rest."""

    def __init__(self) -> None:
        self.stats = WireStats()

    def decode(self, key_expr: str, payload: bytes) -> AnyMsg | None:
        """The message in ``payload`` published on ``key_expr``, or None (counted)."""
        where = split_key(key_expr)
        if where is None:
            return self._drop("unknown", f"key {str(key_expr)[:80]!r} is not petbrain/<pet>/...")
        pet, topic = where
        adapters = _ADAPTERS.get(topic)
        if adapters is None:
            return self._drop("unknown", f"unknown topic {topic[:40]!r}")
        limit = MAX_BYTES.get(topic, MAX_OBSERVATION_BYTES)
        if len(payload) > limit:
            return self._drop("oversize", f"{topic}: {len(payload)} bytes > {limit}")
        try:
            data = json.loads(payload)
        except (ValueError, UnicodeDecodeError) as error:
            return self._drop("malformed", f"{topic}: not JSON ({error})")
        if not isinstance(data, dict):
            return self._drop("malformed", f"{topic}: not a JSON object")
        if data.get("schema_version") != SCHEMA_VERSION:
            version = str(data.get("schema_version"))[:10]
            return self._drop("unknown", f"{topic}: schema version {version}")
        adapter = adapters.get(str(data.get("kind")))
        if adapter is None:
            return self._drop("unknown", f"{topic}: unknown kind {str(data.get('kind'))[:20]!r}")
        try:
            # Strict: "yes" is not a bool and "3" not a number, whatever a lax parser would do.
            message = cast("AnyMsg", adapter.validate_json(payload, strict=True))
        except ValidationError as error:
            first = error.errors()[0]
            where_in = ".".join(map(str, first["loc"]))
            return self._drop("malformed", f"{topic}: {where_in}: {first['msg']}")
        if message.pet != pet:
            return self._drop("other_pet", f"{topic}: message of {message.pet} on {pet}'s key")
        self.stats.accepted += 1
        self.stats.by_topic[topic] = self.stats.by_topic.get(topic, 0) + 1
        return message

    def _drop(self, reason: str, why: str) -> AnyMsg | None:
        """Count one dropped message under ``reason``; always None (nothing to act on)."""
        setattr(self.stats, reason, getattr(self.stats, reason) + 1)
        self.stats.last_error = why
        return None
