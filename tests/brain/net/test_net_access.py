"""Zenoh's own access control, as robot.yaml configures it, on 127.0.0.1 with explicit endpoints."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from brain.dashboard.household import HouseholdView
from brain.errors import UserError
from brain.net.schema import STATE, PetStateMsg, encode, key
from brain.net.session import free_loopback_port, open_session, zenoh_settings
from brain.setup.network import AuthSection, NetworkSection, TlsSection


def wait_until(done: Callable[[], bool], timeout_s: float = 3.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if done():
            return True
        time.sleep(0.02)
    return done()


def state(seq: int) -> bytes:
    return encode(PetStateMsg(pet="mochi", seq=seq, name="Mochi", mood={"valence": 0.25}))


def test_settings_keep_to_the_given_endpoints(tmp_path: Path) -> None:
    net = NetworkSection(role="perception", connect=["tcp/127.0.0.1:7447"])
    settings = zenoh_settings(net)
    assert settings["scouting/multicast/enabled"] is False
    assert settings["listen/endpoints"] == [] and settings["connect/endpoints"] == [
        "tcp/127.0.0.1:7447"
    ]
    assert net.loopback_only
    assert not NetworkSection(role="core", listen=["tcp/0.0.0.0:7447"]).loopback_only
    with pytest.raises(ValueError, match="needs listen or connect"):
        NetworkSection(role="core")
    with pytest.raises(ValueError, match="PROTOCOL/HOST:PORT"):
        NetworkSection(role="core", listen=["127.0.0.1:7447"])
    with pytest.raises(ValueError, match="tls section"):
        NetworkSection(role="core", listen=["tls/127.0.0.1:7447"])
    missing = AuthSection(user="carer", password_file=str(tmp_path / "nope"))
    with pytest.raises(UserError, match="password_file"):
        zenoh_settings(NetworkSection(role="dashboard", connect=net.connect, auth=missing))


def test_unauthenticated_subscriber_is_refused_where_auth_is_on(tmp_path: Path) -> None:
    (tmp_path / "users").write_text("core:core-secret-1\ncarer:carer-secret-2\n")
    (tmp_path / "core.pw").write_text("core-secret-1\n")
    (tmp_path / "carer.pw").write_text("carer-secret-2\n")
    (tmp_path / "wrong.pw").write_text("guessed\n")
    port = free_loopback_port()
    endpoint = [f"tcp/127.0.0.1:{port}"]
    core_auth = AuthSection(user="core", password_file="core.pw", dictionary_file="users")
    core = open_session(NetworkSection(role="core", listen=endpoint, auth=core_auth), tmp_path)

    def view(auth: AuthSection) -> tuple[object, HouseholdView]:
        net = NetworkSection(role="dashboard", connect=endpoint, auth=auth)
        session = open_session(net, tmp_path)
        return session, HouseholdView(session, lambda: time.monotonic() * 1000.0)

    sessions = []
    try:
        carer_session, carer = view(AuthSection(user="carer", password_file="carer.pw"))
        anon_session, anonymous = view(AuthSection())
        wrong_session, wrong = view(AuthSection(user="carer", password_file="wrong.pw"))
        sessions = [carer_session, anon_session, wrong_session]
        publisher = core.declare_publisher(key("mochi", STATE))
        seq = 0

        def heard() -> bool:
            nonlocal seq
            seq += 1
            publisher.put(state(seq))
            return carer.pets == ["mochi"]

        assert wait_until(heard), "the carer with the right password hears the pet"
        for _ in range(10):
            seq += 1
            publisher.put(state(seq))
        time.sleep(0.3)
        assert anonymous.pets == [] and wrong.pets == []
        assert anonymous.decoder.stats.accepted == 0 and wrong.decoder.stats.accepted == 0
        # Refused at the transport: the core never became their peer.
        assert list(anon_session.info.peers_zid()) == []  # type: ignore[attr-defined]
        assert list(wrong_session.info.peers_zid()) == []  # type: ignore[attr-defined]
        card = carer.document()["pets"][0]
        assert card["name"] == "Mochi" and card["mood"] == {"valence": 0.25}
    finally:
        for session in sessions:
            session.close()  # type: ignore[attr-defined]
        core.close()


def _openssl(*args: str) -> None:
    subprocess.run(["openssl", *args], check=True, capture_output=True)


def _certificate(folder: Path, name: str, ca: str) -> None:
    """``name``.key/.pem for localhost, signed by ``ca`` (its .key/.pem in ``folder``)."""
    key, csr, pem = (str(folder / f"{name}.{ext}") for ext in ("key", "csr", "pem"))
    _openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-keyout", key, "-out", csr, "-subj", f"/CN={name}")  # fmt: skip
    (folder / "san.cnf").write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    _openssl("x509", "-req", "-in", csr, "-CA", str(folder / f"{ca}.pem"),
             "-CAkey", str(folder / f"{ca}.key"), "-CAcreateserial", "-out", pem,
             "-days", "2", "-extfile", str(folder / "san.cnf"))  # fmt: skip


def _ca(folder: Path, name: str) -> None:
    _openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
             "-nodes", "-keyout", str(folder / f"{name}.key"), "-out", str(folder / f"{name}.pem"),
             "-days", "2", "-subj", f"/CN={name}")  # fmt: skip


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
def test_mutual_tls_admits_only_boards_with_a_house_certificate(tmp_path: Path) -> None:
    _ca(tmp_path, "house")
    _ca(tmp_path, "stranger")
    _certificate(tmp_path, "core", "house")
    _certificate(tmp_path, "carer", "house")
    _certificate(tmp_path, "intruder", "stranger")
    endpoint = [f"tls/localhost:{free_loopback_port()}"]

    def tls(name: str | None) -> TlsSection:
        if name is None:
            return TlsSection(root_ca_certificate="house.pem")
        return TlsSection(
            root_ca_certificate="house.pem",
            certificate=f"{name}.pem",
            private_key=f"{name}.key",
            mutual=True,
        )

    core = open_session(NetworkSection(role="core", listen=endpoint, tls=tls("core")), tmp_path)
    sessions = []
    try:
        views = {}
        for who in ("carer", "intruder", None):
            session = open_session(
                NetworkSection(role="dashboard", connect=endpoint, tls=tls(who)), tmp_path
            )
            sessions.append(session)
            views[who] = HouseholdView(session, lambda: time.monotonic() * 1000.0)
        publisher = core.declare_publisher(key("mochi", STATE))
        seq = 0

        def heard() -> bool:
            nonlocal seq
            seq += 1
            publisher.put(state(seq))
            return views["carer"].pets == ["mochi"]

        assert wait_until(heard, 5.0), "the carer's certificate is the house's: admitted"
        time.sleep(0.3)
        assert views["intruder"].pets == [] and views[None].pets == []
        assert [list(s.info.peers_zid()) for s in sessions[1:]] == [[], []]
    finally:
        for session in sessions:
            session.close()
        core.close()
