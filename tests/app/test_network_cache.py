"""ui.views.network_cache: a value computed once per network object, for that object only, gone with it."""

from __future__ import annotations

import gc
import weakref

from lstm_core.nn.weights import DenseWeights, NetworkWeights
from ui.views import network_cache


def _weights() -> NetworkWeights:
    import numpy as np

    return NetworkWeights(lstm=(), head=DenseWeights(kernel=np.zeros((1, 1)), bias=np.zeros(1)))


def test_a_value_is_computed_once_per_network_and_name() -> None:
    """The second call with the same weights object and name gives the kept value; another name or another
    network (even an equal one) computes its own, and the entries go when the network goes."""
    calls: list[str] = []

    def compute(label: str):
        return lambda: calls.append(label) or label

    first, second = _weights(), _weights()
    assert network_cache.per_network(first, "reach", compute("a")) == "a"
    assert network_cache.per_network(first, "reach", compute("b")) == "a"
    assert network_cache.per_network(first, ("saturation", 0), compute("c")) == "c"
    assert network_cache.per_network(second, "reach", compute("d")) == "d"
    assert calls == ["a", "c", "d"]
    count, gone = len(network_cache._VALUES), weakref.ref(first)
    del first
    gc.collect()  # other tests' networks may go too: the count falls by at least this one
    assert gone() is None and second in network_cache._VALUES and len(network_cache._VALUES) < count
