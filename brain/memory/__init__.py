"""Owner memory: an on-device SQLite profile of the owner, and what the pet learns from it.

- :mod:`brain.memory.store`: the file (WAL, transactions, migrations, damage and
  read-only handling);
- :mod:`brain.memory.owner`: :class:`OwnerMemory`, the profile (episodes, touch
  habits, presence, fusion baseline, aggregates, forget, export);
- :mod:`brain.memory.retention`: old raw rows folded into aggregates, the rhythm
  rebuilt from the file;
- :mod:`brain.memory.welcome`: welcome per behaviour and context (Beta posterior);
- :mod:`brain.memory.rhythm`: the weekly rhythm from presence;
- :mod:`brain.memory.learning`: :class:`Learner`, the runtime's side (episodes
  opened and closed, judgements for the selector);
- :mod:`brain.memory.beliefs`: what the pet believes, in plain words (CLI, dashboard).
"""

from brain.memory.learning import Learner
from brain.memory.owner import DEFAULT_RETENTION_DAYS, FORGET_KINDS, Episode, OwnerMemory
from brain.memory.store import SCHEMA_VERSION, MemoryStore, NewerSchemaError

__all__ = [
    "DEFAULT_RETENTION_DAYS",
    "FORGET_KINDS",
    "SCHEMA_VERSION",
    "Episode",
    "Learner",
    "MemoryStore",
    "NewerSchemaError",
    "OwnerMemory",
]
