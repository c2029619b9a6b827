import pytest

from sensors.registry import Registry


def test_registry_builds_by_type_and_rejects_unknown_names() -> None:
    reg: Registry[object] = Registry("widget")

    @reg.register("pair")
    def make_pair(a: int, b: int) -> object:
        return (a, b)

    assert reg.create({"type": "pair", "a": 1, "b": 2}) == (1, 2)
    assert reg.names() == ["pair"]
    with pytest.raises(ValueError, match="unknown widget type 'nope'"):
        reg.create({"type": "nope"})
    with pytest.raises(ValueError, match="registered twice"):
        reg.register("pair")(make_pair)
