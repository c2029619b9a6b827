"""Damaged frames through the link's decoder: none may be taken for a different message.

Each trial encodes one of the self-test's example messages with a random
sequence number, damages it (1-3 bit flips, a byte dropped, a byte inserted
or a truncation) and feeds it to a fresh decoder. A damaged frame that still
decodes must decode to exactly the message and sequence number sent (its
damage cancelled out, e.g. the same bit flipped twice); anything else counts
as ``wrongly_accepted``.

    python -m sim.fuzz_probe --frames 1000000
"""

from __future__ import annotations

import argparse
import json
import random

from firmware import selftest, wire


def run_fuzz(frames: int, seed: int = 19) -> dict[str, int]:
    """Damage ``frames`` frames; count the accepted and the wrongly accepted."""
    rng = random.Random(seed)
    examples = selftest._examples()
    accepted = wrong = 0
    for i in range(frames):
        message = examples[i % len(examples)]
        seq = rng.randrange(65536)
        body = bytearray(wire.encode(message, seq)[:-1])
        kind = rng.randrange(4)
        if kind == 0:
            for _ in range(rng.randint(1, 3)):
                body[rng.randrange(len(body))] ^= 1 << rng.randrange(8)
        elif kind == 1:
            del body[rng.randrange(len(body))]
        elif kind == 2:
            body.insert(rng.randrange(len(body) + 1), rng.randrange(1, 256))
        else:
            del body[rng.randrange(len(body)) :]
        out = wire.Decoder().feed(bytes(body) + b"\x00")
        if out:
            accepted += 1
            got = out[0]
            if type(got) is not type(message) or got != message or got.seq != seq:
                wrong += 1
    return {"frames": frames, "accepted_unchanged": accepted - wrong, "wrongly_accepted": wrong}


def main(argv: list[str] | None = None) -> int:
    """Print the figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--frames", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=19)
    args = parser.parse_args(argv)
    print(json.dumps(run_fuzz(args.frames, args.seed)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
