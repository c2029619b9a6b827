"""How welcome each proactive behaviour is, per context: a Beta posterior with its evidence.

Answers are stored per behaviour, time-of-week bucket (weekday or weekend, and
the hour: ``weekday 07h``) and the owner's mood class (``sad`` when sadness or
stress persisted, else ``ok``). A judgement pools them (:func:`pooled`): the
same hour counts fully; the hours next to it, the other day type and the other
mood class a quarter each; the pet's other proactive behaviours half (an owner
who pushes one request away at breakfast tends to push the others away too).
Each pooled answer adds to the posterior: warm +1 to ``a``, cold or ignored
+1 to ``b`` (a request nobody answers is not welcome either: the pet asks
less).

The prior is Beta(4, 1) (mean 0.8): an untrained pet trusts its designer.
Selection draws twice from the posterior (Thompson sampling, with a seeded
RNG) and goes ahead only when both draws clear ``GATE``. Early on the draws
scatter (exploration); as answers accumulate they settle on the owner's real
taste, and exploration dies down.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

PRIOR_WARM = 4.0
PRIOR_COLD = 1.0
IGNORED_WEIGHT = 1.0
GATE = 0.5  # a posterior draw under this holds a proactive behaviour back
DRAWS = 2  # every one of this many draws must clear GATE for the pet to go ahead

PARTS_OF_DAY = (("night", 22, 6), ("morning", 6, 11), ("day", 11, 17), ("evening", 17, 22))
ANSWERS = ("warm", "cold", "ignored")


def part_of_day(moment: datetime) -> str:
    """``night`` 22-06, ``morning`` 06-11, ``day`` 11-17, ``evening`` 17-22."""
    hour = moment.hour
    for name, start, end in PARTS_OF_DAY:
        if (start <= hour < end) if start < end else (hour >= start or hour < end):
            return name
    raise AssertionError(hour)


def day_type(moment: datetime) -> str:
    """``weekday`` or ``weekend``."""
    return "weekend" if moment.weekday() >= 5 else "weekday"


def time_bucket(moment: datetime) -> str:
    """The time-of-week bucket: day type and hour, e.g. ``weekday 07h``."""
    return f"{day_type(moment)} {moment.hour:02d}h"


def bucket_parts(bucket: str) -> tuple[str, int]:
    """(``weekday`` or ``weekend``, hour) of a bucket."""
    kind, hour = bucket.split(" ")
    return kind, int(hour.rstrip("h"))


HOUR_WEIGHTS = (1.0, 0.25)  # the same hour, an hour away
OTHER_DAY_TYPE_WEIGHT = 0.25  # weekday answers for a weekend hour, and the other way
OTHER_BEHAVIOUR_WEIGHT = 0.5
OTHER_MOOD_WEIGHT = 0.25


@dataclass
class Counts:
    """Answers seen in one context (ignored answers counted apart)."""

    warm: float = 0.0
    cold: float = 0.0
    ignored: float = 0.0

    def add(self, answer: str, amount: float = 1.0) -> None:
        """Count one answer (``warm``, ``cold`` or ``ignored``)."""
        setattr(self, answer, getattr(self, answer) + amount)

    @property
    def answers(self) -> float:
        """How many answers in all."""
        return self.warm + self.cold + self.ignored

    @property
    def alpha(self) -> float:
        """Posterior Beta ``a``."""
        return PRIOR_WARM + self.warm

    @property
    def beta(self) -> float:
        """Posterior Beta ``b``."""
        return PRIOR_COLD + self.cold + IGNORED_WEIGHT * self.ignored

    @property
    def mean(self) -> float:
        """Posterior mean welcome, 0..1."""
        return self.alpha / (self.alpha + self.beta)

    def draw(self, rng: random.Random) -> float:
        """The lowest of ``DRAWS`` Thompson draws from the posterior.

        Going ahead only when every draw clears the gate makes the pet ask only
        where it is fairly sure it is welcome: untrained it holds back 12 %
        (1 - (1 - 0.5 ** 4) ** 2); after 4 cold answers, 2 ignored and 2 warm at
        that hour, 94 %; where 8 of 9 answers were warm, under 2 %.
        """
        return min(rng.betavariate(self.alpha, self.beta) for _ in range(DRAWS))


def pooled(
    table: dict[tuple[str, str, str], Counts], behaviour: str, bucket: str, mood: str
) -> Counts:
    """The evidence for ``behaviour`` in a context, pooled from its neighbours (see above)."""
    kind, hour = bucket_parts(bucket)
    total = Counts()
    for (name, other, other_mood), counts in table.items():
        other_kind, other_hour = bucket_parts(other)
        distance = min(abs(other_hour - hour), 24 - abs(other_hour - hour))
        if distance >= len(HOUR_WEIGHTS):
            continue
        weight = HOUR_WEIGHTS[distance]
        weight *= 1.0 if other_kind == kind else OTHER_DAY_TYPE_WEIGHT
        weight *= 1.0 if name == behaviour else OTHER_BEHAVIOUR_WEIGHT
        weight *= 1.0 if other_mood == mood else OTHER_MOOD_WEIGHT
        total.warm += weight * counts.warm
        total.cold += weight * counts.cold
        total.ignored += weight * counts.ignored
    return total


def mood_class(sad: bool | None) -> str:
    """``sad`` (sadness or stress persisting), ``ok``, or ``ok`` when unknown."""
    return "sad" if sad else "ok"


def context_text(bucket: str, mood: str) -> str:
    """Human words for a context: ``weekdays around 07:00`` (``..., when you're sad``)."""
    kind, hour = bucket_parts(bucket)
    text = f"{kind}s around {hour:02d}:00"
    return text + (" when you're sad" if mood == "sad" else "")


def part_text(bucket: str, mood: str) -> str:
    """The part of the week a bucket falls in: ``weekday mornings`` (for summaries)."""
    kind, hour = bucket_parts(bucket)
    part = part_of_day(datetime(2026, 1, 5, hour))
    words = {"night": "nights", "morning": "mornings", "day": "days", "evening": "evenings"}
    return f"{kind} {words[part]}" + (" when you're sad" if mood == "sad" else "")


def counts_text(counts: Counts) -> str:
    """``14 warm of 16`` (ignored answers named when there are any)."""
    total = max(1, round(counts.answers))
    text = f"{round(counts.warm)} warm of {total}"
    if counts.cold >= 1:
        text += f", {round(counts.cold)} cold"
    return text
