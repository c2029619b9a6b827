"""``petbrain link probe``: handshake with a body and print what it says about itself."""

from __future__ import annotations

import argparse
import json
import time

from brain.cli import CommandGroups
from brain.errors import UserError

CAPABILITY_NAMES = (
    (0x01, "servos"),
    (0x02, "touch"),
    (0x04, "imu"),
    (0x08, "vibration"),
    (0x10, "leds"),
    (0x20, "battery"),
    (0x40, "touch_grid"),
)


def register(groups: CommandGroups) -> None:
    """Add ``petbrain link probe``."""
    parser = groups.subcommand(
        "link",
        "probe",
        probe,
        "handshake with the body; print versions, capabilities and link statistics",
        "the serial link to the body",
    )
    parser.add_argument(
        "--port", required=True, help="pyserial URL: /dev/ttyACM0, a pty path, socket://host:port"
    )
    parser.add_argument("--timeout-s", type=float, default=3.0, help="handshake time limit")
    parser.add_argument(
        "--listen-s", type=float, default=1.0, help="how long to gather statistics after it"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def capability_names(bits: int) -> list[str]:
    """Names of the capability bits a body announced."""
    return [name for bit, name in CAPABILITY_NAMES if bits & bit]


def probe(args: argparse.Namespace) -> int:
    """Open the port, handshake, listen a moment, report."""
    import logging

    from brain.body.link import BodyLink
    from firmware import wire

    # Problems end the probe with one clear line; the link's own warnings would repeat it.
    logging.getLogger("brain.body.link").setLevel(logging.ERROR)
    link = BodyLink(args.port, reconnect_period_ms=10**9)
    start = time.monotonic()

    def now_ms() -> int:
        return int((time.monotonic() - start) * 1000)

    if not link.open(now_ms()):
        raise UserError(link.last_error or f"cannot open body port {args.port}")
    counts: dict[str, int] = {}
    status: wire.Status | None = None
    try:
        deadline_ms = args.timeout_s * 1000
        listen_until_ms: float | None = None
        while True:
            t = now_ms()
            link.tick(t)
            link.wait_readable(5)
            for message in link.poll(now_ms()):
                counts[message.NAME] = counts.get(message.NAME, 0) + 1
                if isinstance(message, wire.Status):
                    status = message
            if link.port is None:
                raise UserError(link.last_error or f"lost the body port {args.port}")
            if link.state == "incompatible":
                raise UserError(link.last_error or "the body speaks another protocol version")
            if listen_until_ms is None:
                if link.ready:
                    listen_until_ms = t + args.listen_s * 1000
                elif t > deadline_ms:
                    raise UserError(
                        f"no answer from a body on {args.port} within {args.timeout_s:g} s "
                        "(is the firmware running?)"
                    )
            elif t >= listen_until_ms:
                break
    finally:
        link.close()
    info = link.info
    assert info is not None
    report = {
        "port": args.port,
        "board": info.board,
        "protocol": f"{info.protocol[0]}.{info.protocol[1]}",
        "brain_protocol": f"{wire.PROTOCOL_MAJOR}.{wire.PROTOCOL_MINOR}",
        "firmware": ".".join(str(v) for v in info.firmware),
        "capabilities": capability_names(info.capabilities),
        "schema_matches": info.schema_matches,
        "pad_count": info.pad_count,
        "servo_count": info.servo_count,
        "battery_mv": None if status is None else status.battery_mv,
        "faults": None if status is None else status.faults,
        "messages": counts,
        "stats": link.stats.as_json(),
    }
    if args.json:
        print(json.dumps(report))
        return 0
    print(f"body on {args.port}: board {info.board}, firmware {report['firmware']}")
    print(
        f"protocol {report['protocol']} (brain {report['brain_protocol']}), schema "
        + ("matches" if info.schema_matches else "DIFFERS: rebuild the firmware")
    )
    print(f"capabilities: {', '.join(capability_names(info.capabilities)) or 'none'}")
    print(f"touch pads: {info.pad_count}, servos: {info.servo_count}")
    if status is not None:
        print(f"battery: {status.battery_mv} mV, faults: 0x{status.faults:04x}")
    listened = ", ".join(f"{name} {n}" for name, n in sorted(counts.items()))
    print(f"received in {args.listen_s:g} s: {listened or 'nothing'}")
    stats = link.stats.as_json()
    rtt = stats["rtt_ms"]
    print(
        f"link: {stats['frames_in']} frames in, {stats['frames_out']} out, "
        f"dropped {stats['dropped']} (crc {stats['crc_errors']}, "
        f"framing {stats['framing_errors']}), resends {stats['resends']}, "
        f"round trip {'-' if rtt is None else f'{rtt:.1f} ms'}"
    )
    return 0
