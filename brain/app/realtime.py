"""Keep the reaction path (touch frame in → servo frame out) prompt on a busy CPU.

Called once by the main thread after start-up:

* ``gc.freeze()``: everything loaded at start-up (the behaviour library,
  the selector's tables, the link) moves to a permanent generation the
  collector never scans again, so a collection in the main loop walks only
  what was made since: a few hundred objects, not hundreds of thousands;
* ``SCHED_FIFO`` for the main thread only (``SCHED_RESET_ON_FORK``: threads
  and processes it starts later run at normal priority), where the OS allows
  it: as root, with ``CAP_SYS_NICE``, or with ``LimitRTPRIO`` in the systemd
  unit. Where it is not allowed the pet runs at normal priority and says so
  once; the perception process's ``nice +10`` still gives the main loop the
  CPU first. The main thread sleeps in ``select`` between frames, so a real-time
  priority cannot starve the rest of the machine (and Linux caps real-time
  tasks at 95 % of each second anyway).
"""

from __future__ import annotations

import gc
import logging
import os
from dataclasses import dataclass

log = logging.getLogger("petbrain")

REALTIME_PRIORITY = 20  # SCHED_FIFO priority of the main loop (1..99; kernel threads use 50)


@dataclass(frozen=True)
class ReactionPriority:
    """What :func:`prefer_reaction_path` managed to set."""

    gc_frozen: int  # objects moved to the permanent generation
    realtime: bool  # SCHED_FIFO granted to the main thread
    why_not: str = ""  # the OS's answer when it was not


def prefer_reaction_path(
    realtime: bool = True, priority: int = REALTIME_PRIORITY
) -> ReactionPriority:
    """Freeze start-up objects out of the collector; ask for SCHED_FIFO on this thread.

    No ``gc.collect()`` first: a full collection of the start-up heap would
    delay the first heartbeat, and freezing is a constant-time splice.
    """
    gc.freeze()
    frozen = gc.get_freeze_count()
    if not realtime:
        return ReactionPriority(frozen, False, "not asked for")
    setter = getattr(os, "sched_setscheduler", None)
    if setter is None:
        return ReactionPriority(frozen, False, "no sched_setscheduler on this OS")
    policy = os.SCHED_FIFO | getattr(os, "SCHED_RESET_ON_FORK", 0)
    try:
        setter(0, policy, os.sched_param(priority))
    except OSError as error:
        why = error.strerror or str(error)
        log.info(
            "main loop at normal priority: real-time scheduling not allowed (%s); run as root, "
            "or give the service LimitRTPRIO=%d, for the steadiest touch answers",
            why,
            priority,
        )
        return ReactionPriority(frozen, False, why)
    log.info("main loop at real-time priority %d (SCHED_FIFO)", priority)
    return ReactionPriority(frozen, True)


def normal_priority() -> None:
    """Back to the normal scheduler for this thread (after :func:`prefer_reaction_path`)."""
    setter = getattr(os, "sched_setscheduler", None)
    if setter is not None and os.sched_getscheduler(0) != os.SCHED_OTHER:
        setter(0, os.SCHED_OTHER, os.sched_param(0))
