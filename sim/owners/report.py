"""What a persona run shows: pestering stopped, what is loved kept, the door learned.

Per day: proactive attempts the owner saw, and how unwelcome and how warm
they were. "Unwelcome" and "warm" are the persona's own probabilities of a
cold and of a warm answer for each attempt in its context (their expected
counts: less noisy than the drawn answers, which are reported too). The
goals (docs/simulator.md):

- unwelcome attempts per day, days 8-14, at most 25 % of days 1-2;
- warm-answered attempts per day, days 8-14, at least 80 % of days 1-2;
- arrivals in week 2 with the pet already waiting or greeting within a minute: >= 70 %.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from brain.errors import UserError
from sim.owners.loop import LoopResult

UNWELCOME_GOAL = 0.25
WARM_GOAL = 0.8
ARRIVAL_GOAL = 0.7


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def per_day(result: LoopResult) -> list[dict[str, float]]:
    """Attempts, expected unwelcome and warm answers, drawn answers, for each day."""
    days: list[dict[str, float]] = [
        {"attempts": 0, "unwelcome": 0.0, "warm": 0.0, "cold_drawn": 0, "warm_drawn": 0}
        for _ in range(result.days)
    ]
    for attempt in result.attempts:
        day = days[attempt.day]
        day["attempts"] += 1
        day["unwelcome"] += attempt.p_cold
        day["warm"] += attempt.p_warm
        day["cold_drawn"] += attempt.answer == "cold"
        day["warm_drawn"] += attempt.answer == "warm"
    return [{k: round(v, 3) for k, v in d.items()} for d in days]


def summarise(result: LoopResult) -> dict[str, Any]:
    """The report of one persona run (JSON-ready)."""
    days = per_day(result)
    start = days[:2]
    late = days[7:14]
    out: dict[str, Any] = {"persona": result.persona, "days": result.days, "per_day": days}
    if len(late) >= 1:
        unwelcome_start = _mean([d["unwelcome"] for d in start])
        unwelcome_late = _mean([d["unwelcome"] for d in late])
        warm_start = _mean([d["warm"] for d in start])
        warm_late = _mean([d["warm"] for d in late])
        out["unwelcome_per_day"] = {
            "days_1_2": round(unwelcome_start, 3),
            "days_8_14": round(unwelcome_late, 3),
            "ratio": round(unwelcome_late / unwelcome_start, 3) if unwelcome_start else None,
            "goal": f"<= {UNWELCOME_GOAL}",
        }
        out["warm_per_day"] = {
            "days_1_2": round(warm_start, 3),
            "days_8_14": round(warm_late, 3),
            "ratio": round(warm_late / warm_start, 3) if warm_start else None,
            "goal": f">= {WARM_GOAL}",
        }
    if len(days) >= 9:
        # Like for like: days 1-2 are two weekdays, days 8-14 hold a weekend (more time
        # at home, more attempts). The same two weekdays a week later compare fairly.
        start_u = _mean([d["unwelcome"] for d in start])
        same_u = _mean([d["unwelcome"] for d in days[7:9]])
        start_w = _mean([d["warm"] for d in start])
        same_w = _mean([d["warm"] for d in days[7:9]])
        out["same_weekdays"] = {
            "unwelcome_days_1_2": round(start_u, 3),
            "unwelcome_days_8_9": round(same_u, 3),
            "unwelcome_ratio": round(same_u / start_u, 3) if start_u else None,
            "warm_days_1_2": round(start_w, 3),
            "warm_days_8_9": round(same_w, 3),
            "warm_ratio": round(same_w / start_w, 3) if start_w else None,
        }
        attempts_start = sum(d["attempts"] for d in start)
        attempts_late = sum(d["attempts"] for d in late)
        out["unwelcome_share"] = {
            "days_1_2": round(sum(d["unwelcome"] for d in start) / max(1, attempts_start), 3),
            "days_8_14": round(sum(d["unwelcome"] for d in late) / max(1, attempts_late), 3),
        }
    if len(late) >= 1:
        out["unwelcome_by_context"] = by_context(result)
    for week, (lo, hi) in (("week_1", (0, 7)), ("week_2", (7, 14))):
        wake_ups = [a for a in result.arrivals if lo <= a.day < hi and a.wake]
        if wake_ups:
            out[f"wake_ups_{week}"] = {
                "wake_ups": len(wake_ups),
                "waiting": round(_mean([float(a.waiting) for a in wake_ups]), 3),
            }
        arrivals = [a for a in result.arrivals if lo <= a.day < hi and not a.wake]
        if not arrivals:
            continue
        out[f"arrivals_{week}"] = {
            "arrivals": len(arrivals),
            "waiting": round(_mean([float(a.waiting) for a in arrivals]), 3),
            "waiting_or_greeting": round(
                _mean([float(a.waiting or a.greeted) for a in arrivals]), 3
            ),
        }
    out["goals_met"] = goals_met(out)
    out["steps"] = result.steps
    return out


LOVED_COLD = 0.1  # a context the owner loves: at most this chance of a cold answer
DISLIKED_COLD = 0.5  # ... dislikes: at least this chance


def by_context(result: LoopResult) -> dict[str, dict[str, float | None]]:
    """Unwelcome per day, days 1-2 and 8-14, split by how the owner likes the context.

    ``loved``: the persona answers cold at most ``LOVED_COLD`` of the time there;
    ``disliked``: at least ``DISLIKED_COLD``; ``mixed``: in between. What the pet
    can learn away is the disliked part; the loved part is the persona's own
    occasional "not now" in contexts it likes, and grows with every welcome
    request (attempts, expected cold answers per day, and the ratio of the latter).
    """
    out: dict[str, dict[str, float | None]] = {}
    for kind in ("loved", "mixed", "disliked"):
        figures: dict[str, float | None] = {}
        for label, lo, hi in (("days_1_2", 0, 2), ("days_8_14", 7, 14)):
            chosen = [
                a for a in result.attempts if lo <= a.day < hi and _context_kind(a.p_cold) == kind
            ]
            figures[f"attempts_{label}"] = round(len(chosen) / (hi - lo), 3)
            figures[f"unwelcome_{label}"] = round(sum(a.p_cold for a in chosen) / (hi - lo), 3)
        start, late = figures["unwelcome_days_1_2"], figures["unwelcome_days_8_14"]
        figures["ratio"] = round(late / start, 3) if start and late is not None else None
        out[kind] = figures
    return out


def _context_kind(p_cold: float) -> str:
    if p_cold <= LOVED_COLD:
        return "loved"
    return "disliked" if p_cold >= DISLIKED_COLD else "mixed"


def goals_met(summary: dict[str, Any]) -> dict[str, bool | None]:
    """Each goal: met, missed, or None when the run is too short to say."""
    unwelcome = summary.get("unwelcome_per_day", {}).get("ratio")
    warm = summary.get("warm_per_day", {}).get("ratio")
    arrivals = summary.get("arrivals_week_2", {}).get("waiting")
    return {
        "unwelcome": None if unwelcome is None else unwelcome <= UNWELCOME_GOAL,
        "warm": None if warm is None else warm >= WARM_GOAL,
        "arrivals": None if arrivals is None else arrivals >= ARRIVAL_GOAL,
    }


def against_untrained(summary: dict[str, Any], untrained: dict[str, Any]) -> dict[str, Any]:
    """Days 8-14 of the learning pet against an untrained one on the same persona and seed.

    Days 1-2 of the learning pet are not untrained: it learns from its first
    answers on (the faster it learns, the lower the start the issue's ratio
    divides by). An untrained pet (learning off) living the same owner's days
    gives the start without that, and the same days 8-14 (with their weekend)
    like for like.
    """
    ours_u = summary["unwelcome_per_day"]["days_8_14"]
    ours_w = summary["warm_per_day"]["days_8_14"]
    base_u = untrained["unwelcome_per_day"]
    base_w = untrained["warm_per_day"]

    def ratio(a: float, b: float) -> float | None:
        return round(a / b, 3) if b else None

    return {
        "unwelcome_days_1_2": base_u["days_1_2"],
        "unwelcome_days_8_14": base_u["days_8_14"],
        "warm_days_1_2": base_w["days_1_2"],
        "warm_days_8_14": base_w["days_8_14"],
        "unwelcome_vs_untrained_days_1_2": ratio(ours_u, base_u["days_1_2"]),
        "unwelcome_vs_untrained_days_8_14": ratio(ours_u, base_u["days_8_14"]),
        "warm_vs_untrained_days_1_2": ratio(ours_w, base_w["days_1_2"]),
        "warm_vs_untrained_days_8_14": ratio(ours_w, base_w["days_8_14"]),
    }


SPREAD_FIGURES = {
    "unwelcome_ratio": ("unwelcome_per_day", "ratio"),
    "warm_ratio": ("warm_per_day", "ratio"),
    "unwelcome_vs_untrained_days_1_2": ("untrained", "unwelcome_vs_untrained_days_1_2"),
    "unwelcome_vs_untrained_days_8_14": ("untrained", "unwelcome_vs_untrained_days_8_14"),
    "warm_vs_untrained_days_8_14": ("untrained", "warm_vs_untrained_days_8_14"),
    "disliked_unwelcome_ratio": ("unwelcome_by_context", "disliked", "ratio"),
    "homecomings_waiting_week_2": ("arrivals_week_2", "waiting"),
}


def _dig(summary: dict[str, Any], path: tuple[str, ...]) -> float | None:
    value: Any = summary
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return float(value) if isinstance(value, (int, float)) else None


def over_seeds(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """One persona's runs with several seeds: each goal figure's mean, sd, and the runs."""
    figures: dict[str, dict[str, Any]] = {}
    for name, path in SPREAD_FIGURES.items():
        values = [v for v in (_dig(run, path) for run in runs) if v is not None]
        if not values:
            continue
        mean = _mean(values)
        sd = (sum((v - mean) ** 2 for v in values) / len(values)) ** 0.5
        figures[name] = {
            "mean": round(mean, 3),
            "sd": round(sd, 3),
            "runs": [round(v, 3) for v in values],
        }
    return {
        "persona": runs[0]["persona"],
        "seeds": [run.get("seed") for run in runs],
        "figures": figures,
    }


def plot(summaries: list[dict[str, Any]], path: Path) -> None:
    """A PNG learning curve: unwelcome and warm attempts per day, one line per persona."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as error:
        raise UserError(f"--plot needs matplotlib ({error})") from error
    figure, (top, bottom) = plt.subplots(2, 1, figsize=(8, 6), sharex=True)
    for summary in summaries:
        days = summary["per_day"]
        x = list(range(1, len(days) + 1))
        label = summary["persona"] + (f" ({summary['seed']})" if "seed" in summary else "")
        top.plot(x, [d["unwelcome"] for d in days], marker="o", label=label)
        bottom.plot(x, [d["warm"] for d in days], marker="o", label=label)
    top.set_ylabel("unwelcome attempts / day")
    bottom.set_ylabel("warm attempts / day")
    bottom.set_xlabel("simulated day")
    top.legend(fontsize="small")
    top.set_title("What the pet learns of its owner")
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
