"""How welcome each proactive behaviour is, per context: a Beta posterior with its evidence.

Answers are stored per behaviour, time-of-week bucket (weekday or weekend, and
the hour: ``weekday 07h``) and the owner's mood class (``sad`` when the owner
is sad or stressed, else ``ok``). A judgement goes from the broad to the
particular (:class:`Estimate`): the part of the week (``weekday mornings``,
every proactive behaviour's answers), then the hour, then the behaviour's own
answers at that hour. Each answer adds to a posterior: warm +1 to ``a``, cold
or ignored +1 to ``b`` (a request nobody answers is not welcome either: the
pet asks less).

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
    return part_of_hour(moment.hour)


def part_of_hour(hour: int) -> str:
    """The part of the day an hour (0..23) falls in (see :func:`part_of_day`)."""
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


OTHER_DAY_TYPE_WEIGHT = 0.5  # weekday answers for a weekend part of the day, and the other way
PART_STRENGTH = 6.0  # the part of the week's verdict weighs at most this many answers at an hour
HOUR_STRENGTH = 10.0  # the hour's verdict weighs at most this many answers for one behaviour


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
        """Beta ``a`` of these answers alone on the prior (summaries)."""
        return PRIOR_WARM + self.warm

    @property
    def beta(self) -> float:
        """Beta ``b`` of these answers alone on the prior."""
        return PRIOR_COLD + self.cold + IGNORED_WEIGHT * self.ignored

    @property
    def mean(self) -> float:
        """Welcome from these answers alone on the prior, 0..1 (``memory show``)."""
        return self.alpha / (self.alpha + self.beta)


def _no(counts: Counts) -> float:
    return counts.cold + IGNORED_WEIGHT * counts.ignored


def _level(
    alpha: float, beta: float, strength: float, warm: float, no: float
) -> tuple[float, float]:
    """A level's Beta: the level above's mean weighing at most ``strength`` answers, then these."""
    weight = min(strength, alpha + beta)
    mean = alpha / (alpha + beta)
    return weight * mean + warm, weight * (1.0 - mean) + no


@dataclass
class Estimate:
    """How welcome one behaviour is in one context, from the broad to the particular.

    Three levels, as a hierarchical model has them, each the prior of the next:

    1. the *part of the week* in the owner's mood (``weekday mornings``, ``weekend
       evenings when you're sad``): every proactive behaviour's answers there (the
       other day type's at ``OTHER_DAY_TYPE_WEIGHT``), on the designer's prior
       Beta(4, 1) - an owner who pushes one request away at breakfast tends to push
       the others away too, and at seven as at eight;
    2. the *hour* (``weekdays around 07:00``), every behaviour's answers there; the
       level above weighs at most ``PART_STRENGTH`` answers, so a sharp edge (a nap
       after a loved lunch hour) is learned sharp once the hour has answers;
    3. the *behaviour* at that hour, its own answers; the hour weighs at most
       ``HOUR_STRENGTH`` answers, so a behaviour welcome where the others are not
       (or the other way) shows through.

    Each level counts only the answers the level below does not (nothing twice).
    Untrained this is exactly Beta(4, 1); as answers come, the posterior narrows and
    exploration dies down.
    """

    part: Counts  # every behaviour, this part of the week and mood (the other day type weighted)
    hour: Counts  # every behaviour, this hour, day type and mood
    own: Counts  # this behaviour, this hour, day type and mood
    part_name: str = ""  # ``weekday mornings`` (for the words)

    def _posterior(self) -> tuple[float, float]:
        part_only = _minus(self.part, self.hour)
        hour_only = _minus(self.hour, self.own)
        alpha, beta = PRIOR_WARM + part_only.warm, PRIOR_COLD + _no(part_only)
        alpha, beta = _level(alpha, beta, PART_STRENGTH, hour_only.warm, _no(hour_only))
        return _level(alpha, beta, HOUR_STRENGTH, self.own.warm, _no(self.own))

    @property
    def alpha(self) -> float:
        """Posterior Beta ``a`` of the behaviour."""
        return self._posterior()[0]

    @property
    def beta(self) -> float:
        """Posterior Beta ``b`` of the behaviour."""
        return self._posterior()[1]

    @property
    def mean(self) -> float:
        """Posterior mean welcome of the behaviour, 0..1."""
        alpha, beta = self._posterior()
        return alpha / (alpha + beta)

    @property
    def answers(self) -> float:
        """Answers behind the estimate (the part of the week's, weighted)."""
        return self.part.answers

    def draw(self, rng: random.Random) -> float:
        """The lowest of ``DRAWS`` Thompson draws from the behaviour's posterior.

        Going ahead only when every draw clears the gate makes the pet ask only
        where it is fairly sure it is welcome: untrained it holds back 12 %
        (1 - (1 - 0.5 ** 4) ** 2); after 2 cold answers at that hour, 57 %; where 8
        of 9 answers were warm, under 2 %.
        """
        alpha, beta = self._posterior()
        return min(rng.betavariate(alpha, beta) for _ in range(DRAWS))


def _minus(total: Counts, part: Counts) -> Counts:
    return Counts(
        max(0.0, total.warm - part.warm),
        max(0.0, total.cold - part.cold),
        max(0.0, total.ignored - part.ignored),
    )


def estimate(
    table: dict[tuple[str, str, str], Counts], behaviour: str, bucket: str, mood: str
) -> Estimate:
    """The welcome estimate of ``behaviour`` in a context (see :class:`Estimate`)."""
    kind, hour = bucket_parts(bucket)
    part = part_of_hour(hour)
    own, at_hour, in_part = Counts(), Counts(), Counts()
    for (name, other, other_mood), counts in table.items():
        if other_mood != mood:
            continue
        other_kind, other_hour = bucket_parts(other)
        if part_of_hour(other_hour) != part:
            continue
        weight = 1.0 if other_kind == kind else OTHER_DAY_TYPE_WEIGHT
        _add(in_part, counts, weight)
        if other == bucket:
            _add(at_hour, counts, 1.0)
            if name == behaviour:
                _add(own, counts, 1.0)
    return Estimate(in_part, at_hour, own, part_text(bucket, mood))


def _add(total: Counts, counts: Counts, weight: float) -> None:
    total.warm += weight * counts.warm
    total.cold += weight * counts.cold
    total.ignored += weight * counts.ignored


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
