"""Brain link against the real firmware classes over a real pseudo-terminal."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
from link_rig import LinkRig

from firmware import wire

LIMITS = tuple((ch, -3000, 3000, 0, 90) for ch in range(8))  # +-30 deg, 90 deg/s


@pytest.fixture
def rig() -> Iterator[LinkRig]:
    r = LinkRig()
    yield r
    r.close()


def ready_rig(rig: LinkRig, torque: bool = True) -> None:
    link = rig.start_brain()
    rig.until(lambda: link.ready, 500)
    done = rig.command(wire.Config(LIMITS))
    rig.until(lambda: bool(done), 200)
    assert done == [True]
    if torque:
        done = rig.command(wire.Torque(True))
        rig.until(lambda: bool(done), 200)
        assert done == [True]


def test_handshake_reports_versions_capabilities_and_streams(rig: LinkRig) -> None:
    link = rig.start_brain()
    took_ms = rig.until(lambda: link.ready, 500)
    assert took_ms <= 50
    info = link.info
    assert info is not None
    assert info.protocol == (wire.PROTOCOL_MAJOR, wire.PROTOCOL_MINOR)
    assert info.schema_matches and info.board == "sim"
    assert (info.pad_count, info.servo_count) == (14, 8)
    assert info.capabilities == 0x3F
    rig.run(1000)
    assert link.ready and rig.body.firmware.session
    kinds = {type(m) for m in rig.received}
    assert {wire.TouchFrame, wire.Imu, wire.Status} <= kinds
    assert link.stats.crc_errors == 0 and link.stats.last_rtt_ms is not None


def test_a_lost_command_is_resent_and_applied(rig: LinkRig) -> None:
    lost: list[wire.Message] = []

    def drop(message: wire.Message) -> bool:
        if isinstance(message, wire.Torque) and not lost:
            lost.append(message)
            return True
        return False

    link = rig.start_brain(drop)
    rig.until(lambda: link.ready, 500)
    done = rig.command(wire.Torque(True))
    took_ms = rig.until(lambda: bool(done), 300)
    assert done == [True] and len(lost) == 1
    assert link.stats.resends == 1
    assert 40 <= took_ms <= 90  # one resend timeout (40 ms), then the ACK
    assert rig.body.firmware.servos.torque


def test_a_lost_ack_makes_a_duplicate_that_is_not_applied_twice(rig: LinkRig) -> None:
    from link_rig import BodyDropper

    link = rig.start_brain()
    rig.until(lambda: link.ready, 500)
    dropper = BodyDropper(rig.body, lambda m: isinstance(m, wire.Ack) and not dropper.dropped)
    applied: list[bool] = []
    servos = rig.body.firmware.servos
    original = servos.set_torque

    def counting(enabled: bool) -> None:
        applied.append(enabled)
        original(enabled)

    servos.set_torque = counting  # type: ignore[method-assign]
    done = rig.command(wire.Torque(True))
    rig.until(lambda: bool(done), 300)
    assert done == [True] and len(dropper.dropped) == 1
    assert link.stats.resends == 1
    assert applied == [True]


def test_an_unacknowledged_command_is_retried_with_back_off_until_it_gets_through(
    rig: LinkRig,
) -> None:
    blocked = [True]
    link = rig.start_brain(lambda m: isinstance(m, wire.Led) and blocked[0])
    rig.until(lambda: link.ready, 500)
    done = rig.command(wire.Led(wire.LED_SOLID, 0, ((1, 2, 3),)))
    rig.run(3000)
    assert done == []  # never given up while the session lasts
    # 4 sends 40 ms apart, then 80, 160, 320, 640, 1000, 1000... ms: about 9 in 3 s.
    assert 6 <= link.stats.resends <= 10, link.stats.resends
    blocked[0] = False
    rig.until(lambda: bool(done), 1200)
    leds = rig.body.firmware.leds
    assert done == [True] and leds is not None and leds.colours == ((1, 2, 3),)


def test_out_of_range_targets_never_exceed_limits(rig: LinkRig) -> None:
    ready_rig(rig)
    link = rig.link
    assert link is not None
    rng = random.Random(7)
    previous = rig.body.servo_angles_deg()
    for i in range(400):
        if i % 4 == 0:
            targets = tuple(
                (ch, rng.choice((-32768, 32767, rng.randint(-32768, 32767))), rng.randint(0, 500))
                for ch in range(8)
            )
            link.send_stream(wire.ServoTargets((*targets, (200, 32767, 0))), rig.now_ms)
        rig.step(5)
        angles = rig.body.servo_angles_deg()
        for ch, angle in angles.items():
            assert angle is not None and -30.0 <= angle <= 30.0
            before = previous.get(ch)
            if before is not None:
                assert abs(angle - before) <= 90 * 0.005 + 0.01  # slew limit per 5 ms step
        previous = angles
    assert max(abs(a or 0) for a in previous.values()) > 5  # it did move


def test_brain_stopped_at_rest_with_torque_off_within_300ms(rig: LinkRig) -> None:
    ready_rig(rig)
    link = rig.link
    assert link is not None
    link.send_stream(wire.ServoTargets(tuple((ch, 2500, 200) for ch in range(8))), rig.now_ms)
    rig.run(600)
    assert rig.body.servo_angles_deg()[0] == pytest.approx(25.0)
    rig.stop_brain()
    firmware = rig.body.firmware
    last_rx_ms = firmware.last_rx_ms
    assert last_rx_ms is not None
    rig.until(lambda: firmware.resting, 1000, step_ms=1)
    assert rig.now_ms - last_rx_ms <= 120 + 1  # the link timeout
    assert all(ch.target_cdeg == ch.rest_cdeg for ch in firmware.servos.channels.values())
    rig.run(20)
    assert rig.body.servo_angles_deg()[0] < 25.0  # easing, still under torque
    rig.until(lambda: not firmware.servos.torque, 2000, step_ms=1)
    assert rig.now_ms - last_rx_ms <= 300  # at rest, torque off
    assert all(angle is None for angle in rig.body.servo_angles_deg().values())


def test_brain_restarted_reconnects_within_2s(rig: LinkRig) -> None:
    ready_rig(rig)
    rig.stop_brain()
    rig.run(1500)
    assert not rig.body.firmware.servos.torque
    link = rig.start_brain()
    assert rig.until(lambda: link.ready, 2000) <= 2000
    done = rig.command(wire.Torque(True))
    rig.until(lambda: bool(done), 200)
    assert done == [True] and rig.body.firmware.servos.torque


def test_body_unplugged_and_plugged_back_recovers(rig: LinkRig) -> None:
    ready_rig(rig)
    link = rig.link
    assert link is not None
    rig.body.port.unplug()
    rig.until(lambda: not link.ready, 1500)
    assert rig.lost  # the pet was told, and keeps running
    rig.run(500)
    assert not rig.body.firmware.servos.torque
    rig.body.port.plug()
    assert rig.until(lambda: link.ready, 2000) <= 2000
    assert link.stats.connects == 2 and link.stats.disconnects == 1
    done = rig.command(wire.Torque(True))
    rig.until(lambda: bool(done), 200)
    assert done == [True]


def test_low_battery_is_reported_then_the_body_rests_and_refuses_torque(rig: LinkRig) -> None:
    ready_rig(rig)
    link = rig.link
    assert link is not None
    rig.body.battery.mv = 3100
    for i in range(240):  # the brain keeps streaming targets: they must not fight the rest
        if i % 4 == 0:
            targets = tuple((ch, 2000 if i % 8 else -2000, 100) for ch in range(8))
            link.send_stream(wire.ServoTargets(targets), rig.now_ms)
        rig.step(5)
    statuses = [m for m in rig.received if isinstance(m, wire.Status)]
    assert statuses[-1].faults & wire.FAULT_LOW_BATTERY and statuses[-1].battery_mv == 3100
    assert any(isinstance(m, wire.Log) and "battery low" in m.text for m in rig.received)
    rig.until(lambda: not rig.body.firmware.servos.torque, 2000)
    done = rig.command(wire.Torque(True))
    rig.until(lambda: bool(done), 300)
    assert done == [False]


def test_imu_events_and_led_commands_cross_the_link(rig: LinkRig) -> None:
    ready_rig(rig, torque=False)
    rig.run(1000)  # the body settles on the floor
    rig.body.imu.play("picked_up", rig.now_ms)
    rig.run(800)
    events = 0
    for m in rig.received:
        if isinstance(m, wire.Imu):
            events |= m.events
    assert events & wire.IMU_PICKED_UP
    done = rig.command(wire.Led(wire.LED_SOLID, 0, ((0, 200, 0),)))
    rig.until(lambda: bool(done), 200)
    rig.run(50)
    assert done == [True]
    assert all(g > 0 and r == 0 for r, g, _ in rig.body.led_strip.shown)


def test_a_body_of_another_major_is_incompatible_and_gets_no_commands() -> None:
    from brain.body.link import BodyLink
    from sim.pty import PtyPort

    port = PtyPort()
    link = BodyLink(port.path)
    try:
        link.open(0)
        link.tick(0)  # HELLO
        assert port.wait_readable(0.5)
        (hello,) = wire.Decoder().feed(port.read() or b"")
        assert isinstance(hello, wire.Hello)
        ack = wire.HelloAck(wire.PROTOCOL_MAJOR + 1, 0, (9, 0, 0), "future", 0x3F, 0, 14, 8)
        port.write(wire.encode(ack, 1))
        assert link.wait_readable(500)
        link.poll(5)
        assert link.state == "incompatible" and not link.ready
        assert link.last_error is not None and "update the firmware" in link.last_error
        done: list[bool] = []
        assert not link.send_command(wire.Torque(True), 10, done.append)
        assert done == [False]
        link.tick(300)  # no more HELLOs, heartbeats or commands towards it
        assert not port.wait_readable(0.05)
    finally:
        link.close()
        port.close()


def test_line_noise_is_counted_and_the_link_stays_up(rig: LinkRig) -> None:
    link = rig.start_brain()
    rig.until(lambda: link.ready, 500)
    body_port = rig.body.port
    sent = [0]

    class Noisy:
        def read(self) -> bytes | None:
            return body_port.read()

        def write(self, data: bytes) -> int:
            sent[0] += 1
            if sent[0] % 7 == 0:  # every 7th frame gets a flipped bit and some noise after it
                data = bytes([data[0] ^ 0x10, *data[1:]]) + b"\x13\x37"
            return body_port.write(data)

    rig.body.firmware.link.port = Noisy()
    rig.run(1000)
    assert link.ready
    assert link.stats.dropped >= 10
    touch = [m for m in rig.received if isinstance(m, wire.TouchFrame)]
    assert len(touch) > 50 and all(len(m.values) == 14 for m in touch)


def test_deploy_asks_a_running_body_to_step_aside(rig: LinkRig) -> None:
    from brain.setup import firmware_tools

    ready_rig(rig)
    rig.stop_brain()  # deploy runs while the pet's brain is stopped
    firmware_tools.request_repl(rig.body.path, tries=2, gap_s=0.0)
    rig.body.port.wait_readable(0.5)
    rig.run(20)
    firmware = rig.body.firmware
    assert firmware.repl_requested
    assert not firmware.servos.torque and not firmware.session


def test_the_link_is_ready_only_once_the_body_took_its_config(rig: LinkRig) -> None:
    lost: list[wire.Message] = []

    def drop(message: wire.Message) -> bool:
        if isinstance(message, wire.Config) and len(lost) < 6:
            lost.append(message)
            return True
        return False

    link = rig.start_brain(drop)
    link.setup_commands = [wire.Config(LIMITS)]
    readies: list[object] = []
    link.on_ready.append(readies.append)
    rig.until(lambda: link.state == "configuring", 200)
    # Sends at 0, 40, 80, 120, then backed off: 200, 360 ms... all lost so far.
    took_ms = rig.until(lambda: len(lost) == 6, 1000)
    assert 340 <= took_ms <= 380
    assert not link.ready and readies == []
    took_ms = rig.until(lambda: link.ready, 2000)
    assert readies and len(lost) == 6 and took_ms > 0
    assert rig.body.firmware.servos.channels[0].max_cdeg == 3000  # the CONFIG is in force


def test_a_body_that_forgot_the_session_makes_the_brain_handshake_again(rig: LinkRig) -> None:
    ready_rig(rig, torque=False)
    link = rig.link
    assert link is not None
    rig.body.firmware.session = False  # e.g. a brown-out reset the body meanwhile
    done = rig.command(wire.Torque(True))
    rig.until(lambda: bool(done), 200)
    assert done == [False] and rig.lost
    rig.until(lambda: link.ready, 500)
    assert rig.body.firmware.session
