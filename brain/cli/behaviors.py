"""``petbrain behaviors check|schema|list|explain``: the designer's tools."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from brain.errors import UserError

if TYPE_CHECKING:
    from behaviors.library import BehaviourLibrary
    from behaviors.schema import Behaviour
    from brain.cli import CommandGroups

GROUP_HELP = "the pet's behaviours: check, schema, list, explain, play (preview), try (what-if)"


def register(groups: CommandGroups) -> None:
    """Add the ``behaviors`` group."""
    check = groups.subcommand(
        "behaviors",
        "check",
        _check,
        "check behaviour files; every error as file:line:col",
        GROUP_HELP,
    )
    check.add_argument(
        "paths",
        nargs="*",
        type=Path,
        help="files or folders (default: the shipped library); poses.yaml and "
        "temperament.yaml are recognised by name",
    )
    schema = groups.subcommand("behaviors", "schema", _schema, "print the JSON Schema (draft-07)")
    schema.add_argument("--kind", choices=("library", "poses", "temperament"), default="library")
    schema.add_argument("--out", type=Path, help="write to this file instead of printing")
    listing = groups.subcommand("behaviors", "list", _list, "list behaviours and their triggers")
    listing.add_argument("paths", nargs="*", type=Path, help="library files or folders")
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    explain = groups.subcommand(
        "behaviors", "explain", _explain, "what triggers a behaviour, and its timeline"
    )
    explain.add_argument("name", help="behaviour name")
    explain.add_argument("paths", nargs="*", type=Path, help="library files or folders")
    explain.add_argument("--seed", type=int, default=0, help="seed for 'choose' variants")
    explain.add_argument("--json", action="store_true", help="machine-readable output")
    explain.add_argument(
        "--sample-ms", type=int, default=0, help="also print every joint every N ms"
    )
    attempt = groups.subcommand(
        "behaviors", "try", _try, "play events through the selector and show each decision's why"
    )
    attempt.add_argument(
        "events",
        nargs="+",
        help="e.g. touch:stroke@back/with_fur touch:hit handling:picked_up owner:appears+600000 "
        "sound:85 emotion:sad=0.8 wait:600000 tick",
    )
    attempt.add_argument("--mood", default="", help="start mood, e.g. affection=-0.3,energy=0.5")
    attempt.add_argument("--at", default="14:00", help="local time of day HH:MM (default 14:00)")
    attempt.add_argument("--gap-ms", type=int, default=1000, help="time between events")
    attempt.add_argument("--owner-present", action="store_true", help="the owner is around")
    attempt.add_argument("--seed", type=int, default=0, help="seed for ties, chances, variants")
    attempt.add_argument("--library", nargs="*", type=Path, default=[], help="library paths")
    attempt.add_argument("--json", action="store_true", help="one JSON object per decision")


def _split(paths: list[Path]) -> dict[str, Any]:
    """Library files, and poses/temperament files recognised by name, from ``paths``."""
    for path in paths:
        if not path.exists():
            raise UserError(f"{path}: no such file or folder")
    from behaviors.library import library_sources

    return library_sources(paths)


def load_library_or_error(paths: list[Path]) -> BehaviourLibrary:
    """The library from files and folders (the shipped one when none), or one clear error."""
    from behaviors.library import LibraryError, load_library

    try:
        return load_library(**_split(paths))
    except LibraryError as error:
        shown = "\n".join(error.messages[:20])
        more = f"\n... and {len(error.messages) - 20} more" if len(error.messages) > 20 else ""
        raise UserError(
            f"the behaviour library has {len(error.messages)} error(s):\n{shown}{more}"
        ) from error


def _check(args: argparse.Namespace) -> int:
    from behaviors.library import LibraryError, library_files, load_library

    empty = [p for p in args.paths if p.is_dir() and not library_files([p])]
    if empty:
        for path in empty:
            print(f"{path}: no behaviour files (*.yaml) in this folder")
        return 1
    try:
        library = load_library(**_split(list(args.paths)))
    except LibraryError as error:
        for message in error.messages:
            print(message)
        print(f"{len(error.messages)} error(s)")
        return 1
    files = len(set(library.sources.values()))
    print(f"ok: {len(library.behaviours)} behaviour(s) in {files} file(s)")
    return 0


def _schema(args: argparse.Namespace) -> int:
    from behaviors.jsonschema import schema_text

    text = schema_text(args.kind)
    if args.out is None:
        print(text, end="")
        return 0
    try:
        args.out.write_text(text, encoding="utf-8")
    except OSError as error:
        raise UserError(f"cannot write {args.out}: {error}") from error
    return 0


def triggers_text(behaviour: Behaviour) -> list[str]:
    """Human lines for ``when``, ``unless`` and ``only_if``."""
    from brain.behave.context import describe

    lines = [f"when {describe(t)}" for t in behaviour.when]
    lines += [f"unless {describe(c)}" for c in behaviour.unless]
    lines += [f"only if {describe(c)}" for c in behaviour.only_if]
    return lines


def _list(args: argparse.Namespace) -> int:
    library = load_library_or_error(list(args.paths))
    for behaviour in library.behaviours:
        source = library.sources[behaviour.name]
        if args.json:
            print(
                json.dumps(
                    {
                        "name": behaviour.name,
                        "priority": behaviour.priority,
                        "reflex": behaviour.reflex,
                        "file": str(source),
                        "triggers": triggers_text(behaviour),
                        "description": behaviour.description,
                    }
                )
            )
            continue
        flag = " reflex" if behaviour.reflex else ""
        first = triggers_text(behaviour)[0]
        more = len(behaviour.when) - 1
        extra = f" (+{more} more)" if more else ""
        print(f"{behaviour.name:28} {behaviour.priority:3}{flag:7} {first}{extra}  [{source.name}]")
    return 0


def timeline_lines(behaviour: Behaviour, library: BehaviourLibrary, seed: int) -> list[str]:
    """The compiled timeline in time order: joint moves and cues."""
    import random

    from brain.behave.timeline import compile_timeline

    timeline = compile_timeline(behaviour, library.poses, random.Random(seed))
    rows: list[tuple[int, str]] = []
    by_start: dict[tuple[int, int, str], list[str]] = {}
    for kf in timeline.keyframes:
        key = (kf.start_ms, kf.duration_ms, kf.easing)
        by_start.setdefault(key, []).append(f"{kf.joint} {kf.target_deg:g}")
    for (start, duration, easing), moves in by_start.items():
        rows.append((start, f"move {', '.join(moves)} over {duration} ms ({easing})"))
    for vib in timeline.vibrations:
        v = vib.spec
        rows.append((vib.at_ms, f"vibrate {v.pattern} {v.intensity:g} for {v.duration_ms} ms"))
    for led in timeline.leds:
        rows.append((led.at_ms, f"led {led.spec.pattern} {led.spec.colour}"))
    for sound in timeline.sounds:
        rows.append((sound.at_ms, f"sound {sound.spec.name} at volume {sound.spec.volume:g}"))
    rows.sort(key=lambda r: r[0])
    lines = [f"{t:6d} ms  {text}" for t, text in rows]
    lines.append(f"{timeline.duration_ms:6d} ms  end")
    if timeline.choices:
        lines.append(f"(choose picked variant(s) {list(timeline.choices)} with seed {seed})")
    return lines


def _explain(args: argparse.Namespace) -> int:
    library = load_library_or_error(list(args.paths))
    try:
        behaviour = library.by_name(args.name)
    except KeyError:
        from difflib import get_close_matches

        close = get_close_matches(args.name, library.names, n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise UserError(f"no behaviour called '{args.name}'{hint}") from None
    settings = {
        "priority": behaviour.priority,
        "reflex": behaviour.reflex,
        "cooldown_ms": behaviour.cooldown_ms,
        "mode": behaviour.mode,
        "interruptible": behaviour.interruptible,
    }
    if behaviour.habituation is not None:
        settings["habituation"] = behaviour.habituation.model_dump()
    effect = behaviour.mood_effect.model_dump(exclude_defaults=True)
    timeline = timeline_lines(behaviour, library, args.seed)
    if args.json:
        print(
            json.dumps(
                {
                    "name": behaviour.name,
                    "file": str(library.sources[behaviour.name]),
                    "description": behaviour.description,
                    "triggers": triggers_text(behaviour),
                    **settings,
                    "mood_effect": effect,
                    "timeline": timeline,
                }
            )
        )
        return 0
    print(f"{behaviour.name}  ({library.sources[behaviour.name]})")
    if behaviour.description:
        print(f"  {behaviour.description}")
    for line in triggers_text(behaviour):
        print(f"  {line}")
    print("  " + ", ".join(f"{k}={v}" for k, v in settings.items()))
    if effect:
        print("  mood effect: " + ", ".join(f"{k} {v:+g}" for k, v in effect.items()))
    print("  timeline:")
    for line in timeline:
        print(f"    {line}")
    if args.sample_ms > 0:
        for line in sample_lines(behaviour, library, args.seed, args.sample_ms):
            print(f"    {line}")
    return 0


def sample_lines(
    behaviour: Behaviour, library: BehaviourLibrary, seed: int, step_ms: int
) -> list[str]:
    """Joint angles every ``step_ms`` from the robot's rest pose (a preview without a body)."""
    import random

    from brain.behave.timeline import compile_timeline
    from brain.body.joints import DEFAULT_ROBOT

    timeline = compile_timeline(behaviour, library.poses, random.Random(seed))
    rest = DEFAULT_ROBOT.rest_pose()
    joints = list(rest)
    lines = ["    t_ms  " + " ".join(f"{j[:10]:>10}" for j in joints) + "  vibration"]
    for t in range(0, timeline.duration_ms + step_ms, step_ms):
        frame = timeline.evaluate(min(t, timeline.duration_ms), rest)
        angles = {**rest, **frame.joints_deg}
        vib = frame.vibration
        buzz = f"{vib.pattern} {vib.intensity:g}" if vib else "-"
        lines.append(f"{t:8d}  " + " ".join(f"{angles[j]:10.1f}" for j in joints) + f"  {buzz}")
    return lines


def _try(args: argparse.Namespace) -> int:
    from brain.cli.behaviors_try import run_try

    return run_try(args, load_library_or_error(list(args.library)))
