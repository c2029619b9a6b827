"""Body safety rules at the firmware level, whatever the brain sends."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from memory_port import MemoryPort

from firmware import wire
from firmware.body import Body
from firmware.link import BrainLink
from firmware.servos import ServoBank, ServoChannel
from firmware.touch import TouchScanner
from firmware.vibration import Vibration
from sim.peripherals import VirtualMotor, VirtualServoDriver


class Pads:
    def read(self) -> list[int]:
        return [500] * 4


def make_body() -> tuple[Body, MemoryPort, VirtualServoDriver]:
    port = MemoryPort()
    driver = VirtualServoDriver()
    body = Body(
        BrainLink(port),
        ServoBank(driver, [ServoChannel(0, -4500, 4500, 0, 60)]),
        TouchScanner(Pads(), 4),
        Vibration(VirtualMotor()),
    )
    return body, port, driver


def exchange(
    body: Body, port: MemoryPort, now_ms: int, *messages: wire.Message
) -> list[wire.Message]:
    for seq, message in enumerate(messages, start=now_ms % 1000 + 1):
        port.rx += wire.encode(message, seq)
    body.tick(now_ms)
    replies = wire.Decoder().feed(bytes(port.tx))
    port.tx.clear()
    return replies


def test_torque_is_off_at_boot_and_refused_before_hello() -> None:
    body, port, driver = make_body()
    replies = exchange(body, port, 0, wire.Torque(True))
    nack = next(m for m in replies if isinstance(m, wire.Nack))
    assert nack.reason == wire.NACK_NO_HELLO
    assert not body.servos.torque and driver.angles_cdeg == {}


def test_another_protocol_major_gets_no_session() -> None:
    body, port, _ = make_body()
    replies = exchange(body, port, 0, wire.Hello(major=wire.PROTOCOL_MAJOR + 1))
    assert any(isinstance(m, wire.Nack) and m.reason == wire.NACK_BAD_VALUE for m in replies)
    assert not any(isinstance(m, wire.HelloAck) for m in replies)
    replies = exchange(body, port, 10, wire.Torque(True))
    assert not body.servos.torque


def test_targets_without_torque_do_nothing() -> None:
    body, port, driver = make_body()
    exchange(body, port, 0, wire.Hello())
    exchange(body, port, 10, wire.ServoTargets(((0, 4000, 0),)))
    exchange(body, port, 200, wire.Heartbeat(1))
    assert body.servos.channels[0].target_cdeg == 0
    assert all(v is None or v == 0 for v in driver.angles_cdeg.values())


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(-32768, 32767), st.integers(0, 65535), st.integers(1, 60)),
        min_size=1,
        max_size=30,
    )
)
def test_any_target_sequence_stays_in_range_and_under_the_speed_cap(
    moves: list[tuple[int, int, int]],
) -> None:
    driver = VirtualServoDriver()
    bank = ServoBank(driver, [ServoChannel(0, -4500, 3000, 0, 60)])
    bank.set_torque(True)
    now_ms = 0
    bank.update(now_ms)
    last = 0
    for angle_cdeg, move_ms, dt_ms in moves:
        bank.set_target(0, angle_cdeg, move_ms)
        now_ms += dt_ms
        bank.update(now_ms)
        position = driver.angles_cdeg[0]
        assert position is not None
        assert -4500 <= position <= 3000
        assert abs(position - last) <= 60 * 100 * dt_ms / 1000 + 1
        last = position


def test_a_slow_short_move_still_arrives_so_torque_can_be_released() -> None:
    driver = VirtualServoDriver()
    bank = ServoBank(driver, [ServoChannel(0, -4500, 4500, 0, 60)])
    bank.set_torque(True)
    bank.update(0)
    bank.channels[0].position_cdeg = -90  # a little off rest
    bank.channels[0].position_exact = -90.0
    bank.go_rest(600)  # 0.15 cdeg/ms: under 1 cdeg per 5 ms update
    now_ms = 0
    while not bank.at_rest() and now_ms < 1000:
        now_ms += 5
        bank.update(now_ms)
    assert bank.at_rest() and now_ms <= 650


def _send(body: Body, port: MemoryPort, now_ms: int, message: wire.Message, seq: int) -> list:
    """Deliver one frame, run one pass; return the ACKs and NACKs it produced."""
    port.rx += wire.encode(message, seq)
    body.tick(now_ms)
    replies = wire.Decoder().feed(bytes(port.tx))
    port.tx.clear()
    return [m for m in replies if isinstance(m, wire.Ack | wire.Nack)]


def test_an_older_command_resent_after_a_newer_one_is_acknowledged_not_applied() -> None:
    body, port, _driver = make_body()
    _send(body, port, 0, wire.Hello(), 100)
    assert _send(body, port, 5, wire.Torque(True), 8)[-1] == wire.Ack(8, wire.TORQUE)
    assert _send(body, port, 10, wire.Torque(False), 9)[-1] == wire.Ack(9, wire.TORQUE)
    # TORQUE 8's ACK was lost: its resend arrives after 9 and must not undo it.
    assert _send(body, port, 15, wire.Torque(True), 8)[-1] == wire.Ack(8, wire.TORQUE)
    assert not body.servos.torque and body.applied_commands == 2
    # Newer is 1..32767 ahead modulo 2**16: 3 follows 65530.
    assert _send(body, port, 20, wire.Torque(True), 65530)[-1] == wire.Ack(65530, wire.TORQUE)
    assert not body.servos.torque  # 65530 is 32775 "ahead" of 9: older
    _send(body, port, 25, wire.Torque(True), 20000)
    _send(body, port, 30, wire.Torque(False), 40000)
    _send(body, port, 35, wire.Torque(True), 3)
    assert body.servos.torque and body.applied_commands == 5
    # Each type has its own numbers: an LED numbered 1 is new.
    replies = _send(body, port, 40, wire.Led(wire.LED_SOLID, 0, ((1, 2, 3),)), 1)
    assert replies[-1] == wire.Ack(1, wire.LED) and body.applied_commands == 6


def test_a_brain_of_protocol_minor_1_gets_the_duplicate_only_rule() -> None:
    body, port, _driver = make_body()
    _send(body, port, 0, wire.Hello(1, 1), 100)
    _send(body, port, 5, wire.Torque(True), 8)
    _send(body, port, 10, wire.Torque(True), 8)  # an exact resend: not applied twice
    assert body.applied_commands == 1
    _send(body, port, 15, wire.Torque(False), 3)  # one sequence for all frames: may wrap
    assert not body.servos.torque and body.applied_commands == 2


def test_silence_rests_and_releases_torque_within_300_ms_of_the_last_frame() -> None:
    # The spine-like channel (45 deg/s, 20 deg from rest) cannot reach rest in
    # time: torque goes off anyway when the rest move's time is up.
    port = MemoryPort()
    driver = VirtualServoDriver()
    body = Body(
        BrainLink(port),
        ServoBank(driver, [ServoChannel(0, -2000, 2000, 0, 45), ServoChannel(1, -4500, 4500, 0)]),
        TouchScanner(Pads(), 4),
        Vibration(VirtualMotor()),
    )
    _send(body, port, 0, wire.Hello(), 1)
    _send(body, port, 5, wire.Torque(True), 1)
    now_ms = 5
    for now_ms in range(10, 600, 5):
        port.rx += wire.encode(wire.ServoTargets(((0, 2000, 0), (1, 3000, 0))), now_ms)
        body.tick(now_ms)
    last_frame_ms = now_ms
    assert driver.angles_cdeg[0] == 2000
    while driver.angles_cdeg[0] is not None:
        now_ms += 5
        body.tick(now_ms)
        assert now_ms - last_frame_ms <= 300, "torque still on"
    assert all(angle is None for angle in driver.angles_cdeg.values())
    assert now_ms - last_frame_ms >= 120 + 150  # it did ease first
