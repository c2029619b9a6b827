"""The household page: every pet heard over Zenoh on one read-only page."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable

from brain.dashboard.household import HOUSEHOLD_STATIC, HouseholdView, household_config
from brain.dashboard.server import RobotDashboard
from brain.net.schema import OWNER_EMOTION, STATE, OwnerEmotionMsg, PetStateMsg, encode, key
from brain.net.session import free_loopback_port, loopback_network, open_session


def wait_until(done: Callable[[], bool], timeout_s: float = 3.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if done():
            return True
        time.sleep(0.02)
    return done()


def test_page_shows_each_pet_and_refuses_input() -> None:
    port = free_loopback_port()
    view_session = open_session(loopback_network("dashboard", port, listen=True))
    pets_session = open_session(loopback_network("core", port, listen=False))
    view = HouseholdView(view_session, lambda: time.monotonic() * 1000.0, pets=["mochi", "tofu"])
    page = RobotDashboard(household_config("house"), "127.0.0.1", 0, None, HOUSEHOLD_STATIC)
    page.start()
    try:
        publishers = {
            (pet, topic): pets_session.declare_publisher(key(pet, topic))
            for pet in ("mochi", "tofu", "miso")
            for topic in (STATE, OWNER_EMOTION)
        }
        seq = 0

        def publish_all() -> bool:
            nonlocal seq
            seq += 1
            for pet in ("mochi", "tofu", "miso"):
                state = PetStateMsg(pet=pet, seq=seq, name=pet.title(), mood={"valence": 0.5})
                publishers[(pet, STATE)].put(encode(state))
                owner = OwnerEmotionMsg(
                    pet=pet,
                    seq=seq,
                    age_ms=40.0,
                    valence=0.6,
                    arousal=0.2,
                    probabilities={"happy": 0.8, "calm": 0.2},
                    confidence=0.7,
                )
                publishers[(pet, OWNER_EMOTION)].put(encode(owner))
            return view.pets == ["mochi", "tofu"] and view.owner_updates >= 2

        assert wait_until(publish_all)
        page.board.publish(view.document())
        base = page.url
        html = urllib.request.urlopen(base, timeout=5).read().decode()
        assert "Household (read-only)" in html
        document = json.loads(urllib.request.urlopen(base + "state", timeout=5).read())
        cards = {card["pet"]: card for card in document["pets"]}
        assert set(cards) == {"mochi", "tofu"}  # miso is not in this household
        assert cards["mochi"]["owner"]["top"] == "happy"
        assert cards["mochi"]["out_of_touch"] is False
        request = urllib.request.Request(base + "hand", data=b"{}", method="POST")
        try:
            urllib.request.urlopen(request, timeout=5)
            raise AssertionError("the household page took an input")
        except urllib.error.HTTPError as error:
            assert error.code == 403
    finally:
        page.stop()
        view.close()
        pets_session.close()
        view_session.close()
