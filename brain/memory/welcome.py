"""How welcome each proactive behaviour is, per context: a Beta posterior with its evidence.

Answers are stored per behaviour, time-of-week bucket (weekday or weekend, and
the hour: ``weekday 07h``) and the owner's mood class (``sad`` when the owner
is sad or stressed, else ``ok``). A judgement has two levels
(:class:`Estimate`): the *context* (that hour and mood, every proactive
behaviour's answers, with answers lent by the neighbouring hours, the other day
type and the other mood class while it has few of its own) and, refining it, the behaviour's
own answers there. Each answer adds to a posterior: warm +1 to ``a``, cold
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


NEARBY_CAP = 6.0  # neighbouring contexts lend answers until the context has this many
CONTEXT_STRENGTH = 10.0  # the context's verdict weighs at most this many answers


def pooled(
    table: dict[tuple[str, str, str], Counts], behaviour: str | None, bucket: str, mood: str
) -> Counts:
    """Answers in the contexts next to this one (``behaviour`` None: every behaviour's).

    The hours next to it, the other day type and the other mood class count a
    quarter each (multiplied); the exact context itself is left out.
    """
    kind, hour = bucket_parts(bucket)
    total = Counts()
    for (name, other, other_mood), counts in table.items():
        if behaviour is not None and name != behaviour:
            continue
        other_kind, other_hour = bucket_parts(other)
        distance = min(abs(other_hour - hour), 24 - abs(other_hour - hour))
        if distance >= len(HOUR_WEIGHTS):
            continue
        weight = HOUR_WEIGHTS[distance]
        weight *= 1.0 if other_kind == kind else OTHER_DAY_TYPE_WEIGHT
        weight *= 1.0 if other_mood == mood else OTHER_MOOD_WEIGHT
        if weight >= 1.0:
            continue  # the exact context: counted apart
        total.warm += weight * counts.warm
        total.cold += weight * counts.cold
        total.ignored += weight * counts.ignored
    return total


def _sum(counts: list[Counts]) -> Counts:
    total = Counts()
    for one in counts:
        total.warm += one.warm
        total.cold += one.cold
        total.ignored += one.ignored
    return total


@dataclass
class Estimate:
    """How welcome one behaviour is in one context: the context's answers, then its own.

    Two levels, as a hierarchical model would have them. The *context* (this
    hour of the week and the owner's mood, every proactive behaviour's
    answers: an owner who pushes one request away at breakfast tends to push
    the others away too) starts from the designer's prior Beta(4, 1) and adds
    the other behaviours' answers there, and answers lent by the neighbouring
    contexts (the hours next to it, the other day type, the other mood): they
    fill the context up to ``NEARBY_CAP`` answers while it is new and fade as
    its own answers come, so a sharp edge (a nap after a loved lunch hour) is
    learned sharp. Its mean, weighing at most ``CONTEXT_STRENGTH``
    answers, is the prior of the *behaviour*, whose own answers in this
    context then refine it. Untrained this is exactly Beta(4, 1).
    """

    own: Counts  # this behaviour, this context
    context: Counts  # every proactive behaviour, this context (own included)
    nearby: Counts  # lent by the neighbouring contexts (context + nearby <= NEARBY_CAP)

    @property
    def context_alpha(self) -> float:
        """The context level's Beta ``a``: prior, the other behaviours, the neighbours."""
        return PRIOR_WARM + self.context.warm - self.own.warm + self.nearby.warm

    @property
    def context_beta(self) -> float:
        """The context level's Beta ``b``."""
        others_no = (self.context.cold - self.own.cold) + IGNORED_WEIGHT * (
            self.context.ignored - self.own.ignored
        )
        return PRIOR_COLD + others_no + self.nearby.cold + IGNORED_WEIGHT * self.nearby.ignored

    @property
    def context_mean(self) -> float:
        """How welcome the pet's requests are in this context, 0..1."""
        return self.context_alpha / (self.context_alpha + self.context_beta)

    @property
    def alpha(self) -> float:
        """Posterior Beta ``a`` of the behaviour."""
        strength = min(CONTEXT_STRENGTH, self.context_alpha + self.context_beta)
        return strength * self.context_mean + self.own.warm

    @property
    def beta(self) -> float:
        """Posterior Beta ``b`` of the behaviour."""
        strength = min(CONTEXT_STRENGTH, self.context_alpha + self.context_beta)
        no = self.own.cold + IGNORED_WEIGHT * self.own.ignored
        return strength * (1.0 - self.context_mean) + no

    @property
    def mean(self) -> float:
        """Posterior mean welcome of the behaviour, 0..1."""
        return self.alpha / (self.alpha + self.beta)

    @property
    def answers(self) -> float:
        """Answers behind the estimate (the context's, its own included, and the lent ones)."""
        return self.context.answers + self.nearby.answers

    def draw(self, rng: random.Random) -> float:
        """The lowest of ``DRAWS`` Thompson draws from the behaviour's posterior (see Counts)."""
        return min(rng.betavariate(self.alpha, self.beta) for _ in range(DRAWS))


def estimate(
    table: dict[tuple[str, str, str], Counts], behaviour: str, bucket: str, mood: str
) -> Estimate:
    """The two-level welcome estimate of ``behaviour`` in a context (see :class:`Estimate`)."""
    own = table.get((behaviour, bucket, mood), Counts())
    context = _sum([c for (_, b, m), c in table.items() if b == bucket and m == mood])
    nearby = pooled(table, None, bucket, mood)
    lend = max(0.0, NEARBY_CAP - context.answers)  # neighbours fill in while it is thin
    if nearby.answers > lend:
        scale = lend / nearby.answers
        nearby = Counts(nearby.warm * scale, nearby.cold * scale, nearby.ignored * scale)
    return Estimate(Counts(own.warm, own.cold, own.ignored), context, nearby)


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
