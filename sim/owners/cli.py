"""``petbrain sim --persona FILE... --days N --headless --report out.json [--plot png]``."""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path
from typing import Any

from brain.errors import UserError


def run_personas(args: argparse.Namespace) -> int:
    """Run each persona for ``--days`` days; print and write the learning report."""
    from behaviors.yamlfile import YamlError
    from sim.owners.loop import OwnerLoop, open_memory
    from sim.owners.persona import load_persona, shipped_personas
    from sim.owners.report import against_untrained, over_seeds, plot, summarise

    if args.days < 1:
        raise UserError("--days must be at least 1")
    if args.memory is not None and len(args.persona) > 1:
        raise UserError("--memory goes with one persona (each owner has their own memory)")
    paths: list[Path] = []
    for path in args.persona:
        paths += shipped_personas() if str(path) == "all" else [path]
    personas = []
    for path in paths:
        try:
            personas.append(load_persona(path))
        except YamlError as error:
            raise UserError("\n".join(error.messages)) from error
    seeds = _seeds(getattr(args, "seeds", None), args.seed)
    if args.memory is not None and len(seeds) > 1:
        raise UserError("--memory goes with one seed (each run starts from an empty memory)")
    summaries: list[dict[str, Any]] = []
    spreads: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="petbrain-memory-") as scratch:
        for persona in personas:
            runs = []
            for seed in seeds:
                db = args.memory or Path(scratch) / f"{persona.name}-{seed}.db"
                memory = open_memory(db)
                loop = OwnerLoop(persona, memory, seed=seed)
                result = loop.run(args.days)  # its cost: `petbrain bench --only personas`
                summary = summarise(result)
                summary["seed"] = loop.seed
                if getattr(args, "baseline", False):
                    untrained = open_memory(None)
                    untrained.store.writable = False  # the pet runs without learning
                    base = OwnerLoop(persona, untrained, seed=seed).run(args.days)
                    summary["untrained"] = against_untrained(summary, summarise(base))
                    untrained.close()
                summary["memory_bytes"] = memory.store.size_bytes()
                summary["notices"] = list(memory.notices)
                memory.close()
                runs.append(summary)
                _print(summary)
            summaries += runs
            if len(runs) > 1:
                spreads.append(over_seeds(runs))
                _print_spread(spreads[-1])
    if args.report:
        document: dict[str, Any] = {"days": args.days, "personas": summaries}
        if spreads:
            document["over_seeds"] = spreads
        try:
            args.report.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
        except OSError as error:
            raise UserError(f"cannot write {args.report}: {error}") from error
        print(f"report: {args.report}")
    if args.plot:
        plot(summaries, args.plot)
        print(f"plot: {args.plot}")
    return 0


def _seeds(text: str | None, seed: int | None) -> list[int | None]:
    """``--seeds 41,101,persona`` as a list (None: the persona's own seed)."""
    if not text:
        return [seed]
    seeds: list[int | None] = []
    for item in text.split(","):
        item = item.strip()
        if item == "persona":
            seeds.append(None)
            continue
        try:
            seeds.append(int(item))
        except ValueError:
            raise UserError(f"--seeds: {item!r} is not a whole number or 'persona'") from None
    return seeds


def _print_spread(spread: dict[str, Any]) -> None:
    figures = ", ".join(
        f"{name} {item['mean']} +- {item['sd']}" for name, item in spread["figures"].items()
    )
    print(f"{spread['persona']} over seeds {spread['seeds']}: {figures}")


def _print(summary: dict[str, Any]) -> None:
    seed = f" (seed {summary['seed']})" if "seed" in summary else ""
    print(f"{summary['persona']}{seed}: {summary['days']} simulated days, {summary['steps']} steps")
    for key in ("unwelcome_per_day", "warm_per_day"):
        if key in summary:
            item = summary[key]
            print(
                f"  {key.replace('_', ' ')}: days 1-2 {item['days_1_2']}, "
                f"days 8-14 {item['days_8_14']} (ratio {item['ratio']}, goal {item['goal']})"
            )
    same = summary.get("same_weekdays")
    if same:
        print(
            f"  same weekdays a week later (days 8-9 / 1-2): unwelcome ratio "
            f"{same['unwelcome_ratio']}, warm ratio {same['warm_ratio']}"
        )
    share = summary.get("unwelcome_share")
    if share:
        print(
            f"  unwelcome share of attempts: days 1-2 {share['days_1_2']:.0%}, "
            f"days 8-14 {share['days_8_14']:.0%}"
        )
    base = summary.get("untrained")
    if base:
        print(
            f"  against an untrained pet (same persona and seed): unwelcome days 8-14 / "
            f"untrained days 1-2 {base['unwelcome_vs_untrained_days_1_2']}, / untrained "
            f"days 8-14 {base['unwelcome_vs_untrained_days_8_14']}; warm / untrained days "
            f"8-14 {base['warm_vs_untrained_days_8_14']}"
        )
    split = summary.get("unwelcome_by_context")
    if split:
        print(
            "  unwelcome per day by context, days 1-2 -> 8-14: "
            + ", ".join(
                f"{kind} {item['unwelcome_days_1_2']} -> {item['unwelcome_days_8_14']}"
                for kind, item in split.items()
            )
        )
    for week in ("wake_ups_week_1", "wake_ups_week_2"):
        if week in summary:
            item = summary[week]
            print(
                f"  {week.replace('_', ' ')} (not scored): {item['wake_ups']}, "
                f"waiting {item['waiting']:.0%}"
            )
    for week in ("arrivals_week_1", "arrivals_week_2"):
        if week in summary:
            item = summary[week]
            print(
                f"  {week.replace('_', ' ')}: {item['arrivals']} homecomings, waiting "
                f"{item['waiting']:.0%}, waiting or greeting within a minute "
                f"{item['waiting_or_greeting']:.0%}"
            )
    met = {k: v for k, v in summary["goals_met"].items() if v is not None}
    if met:
        print("  goals: " + ", ".join(f"{k} {'met' if v else 'MISSED'}" for k, v in met.items()))
