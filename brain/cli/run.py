"""``petbrain run``: the whole pet on real devices, in real time, until SIGTERM or Ctrl-C."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from brain.cli import CommandGroups
from brain.errors import UserError

DEFAULT_CONFIG = Path("robot.yaml")


def register(groups: CommandGroups) -> None:
    """Add ``petbrain run``."""
    parser = groups.command(
        "run", run_pet, "run the pet on its real devices (body, camera, microphone, speaker)"
    )
    parser.add_argument(
        "--config", type=Path, default=DEFAULT_CONFIG, help="robot.yaml (default: ./robot.yaml)"
    )
    parser.add_argument(
        "--events",
        type=Path,
        help="append every brain event as a JSON line to this file ('-': stdout); "
        "no frames or audio are ever written",
    )
    parser.add_argument(
        "--log-level", default="info", choices=("debug", "info", "warning", "error")
    )
    parser.add_argument(
        "--role",
        choices=("all", "core", "perception", "dashboard"),
        help="this board's part of a split pet (default: robot.yaml's network.role, all): "
        "core = body, behaviours, fusion; perception = camera and microphone; "
        "dashboard = household view of every pet (see docs/robot.md)",
    )


def setup_logging(level: str) -> None:
    """One line per message on stderr; systemd's journal adds the time stamps."""
    logging.basicConfig(
        level=getattr(logging, level.upper()),
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
        force=True,
    )


def load_config_or_fail(path: Path) -> object:
    """The validated robot.yaml, or a UserError with every located problem."""
    from behaviors.yamlfile import YamlError
    from brain.setup.config import load_robot_file

    if not path.exists():
        raise UserError(
            f"robot configuration not found: {path} (write one with `petbrain config init`)"
        )
    try:
        return load_robot_file(path)
    except YamlError as error:
        raise UserError("\n".join(error.messages)) from error


def run_pet(args: argparse.Namespace) -> int:
    """Load robot.yaml and the behaviours, then run until stopped."""
    from behaviors.cache import default_cache_dir
    from behaviors.library import LibraryError, load_library
    from brain.app.pet import PetApp
    from brain.app.support import events_file
    from brain.setup.config import RobotFile

    setup_logging(args.log_level)
    if args.log_level != "debug":
        # MediaPipe and TensorFlow Lite chatter on stderr would flood the journal.
        os.environ.setdefault("GLOG_minloglevel", "2")
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        from brain.body.audio_quiet import silence_audio_libraries

        silence_audio_libraries()  # ALSA/JACK lines at every microphone or speaker retry
    config = load_config_or_fail(args.config)
    assert isinstance(config, RobotFile)
    base = args.config.resolve().parent
    role = args.role or config.network.role
    if role != "all" and not (config.network.listen or config.network.connect):
        raise UserError(f"--role {role} needs network.listen or network.connect in {args.config}")
    if role == "perception":
        from brain.net.roles import run_perception

        return run_perception(config, base)
    if role == "dashboard":
        from brain.net.roles import run_household

        return run_household(config, base)
    paths = config.library_paths(base)
    try:
        # The checked library is kept in the cache folder while no file changes:
        # parsing the YAML again at every start costs a second of the first heartbeat.
        library = load_library(paths, cache_dir=default_cache_dir())
    except LibraryError as error:
        raise UserError("behaviour library has errors:\n" + "\n".join(error.messages)) from error
    with events_file(args.events) as events:
        memory_path = config.memory.file(base)
        app = PetApp(
            config, library, events_out=events, library_paths=paths, memory_path=memory_path
        )
        if role == "core" or config.network.listen or config.network.connect:
            from brain.net.roles import attach_core

            attach_core(app, config, role, base)
        app.install_signal_handlers()
        return app.run()
