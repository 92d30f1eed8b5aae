"""AppTest: gates over training (epoch slider, Play, live gate), whole-series states and select and match, per layer.

One tiny two-layer training (airline passengers, 2×LSTM(4), 3 epochs) is shared by the tests.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator

import numpy as np
import pytest
from app_helpers import open_train_page, press_train, switch, texts
from streamlit.testing.v1 import AppTest

from lstm_core.inside.states import sequence_states


@pytest.fixture(scope="module")
def trained() -> Iterator[AppTest]:
    at = open_train_page(units=4, epochs=3, window=6, layers=2)
    job = press_train(at)
    assert job.state == "done", job.error
    yield at


def chart(at: AppTest, key: str) -> dict:
    """The plotly figure drawn under `key`, as a dict."""
    element = next(e for e in at.get("plotly_chart") if e.proto.id.endswith(key) or key in e.proto.id)
    return json.loads(element.proto.spec)


def array(value: object) -> np.ndarray:
    """A plotly JSON array: a list, or a typed array {"dtype", "bdata" (base64), "shape"}."""
    if isinstance(value, dict):
        data = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        shape = [int(n) for n in str(value.get("shape", len(data))).split(",")]
        return data.reshape(shape).astype(float)
    return np.array(value, dtype=float)


def heatmap(at: AppTest, name: str) -> np.ndarray:
    figure = chart(at, f"gates_chart_{name}")
    return array(next(t for t in figure["data"] if t["type"] == "heatmap")["z"])


def test_epoch_slider_shows_the_network_at_each_recorded_epoch(trained: AppTest) -> None:
    """The epoch slider offers the three recorded epochs; epoch 1 shows other gates than the final network."""
    switch(trained, "gates")
    assert not trained.exception
    slider = trained.select_slider(key="gates_epoch_1")
    assert list(slider.options) == ["1", "2", "3"] and slider.value == 3
    assert any("epoch **3** of 3" in text and "final network" in text for text in texts(trained.caption))
    final = heatmap(trained, "f")
    slider.set_value(1).run()
    assert not trained.exception
    assert any("epoch **1** of 3" in text for text in texts(trained.caption))
    assert heatmap(trained, "f").shape == final.shape and not np.allclose(heatmap(trained, "f"), final)
    over_epochs = chart(trained, "gates_over_epochs")["data"][0]
    assert array(over_epochs["x"]).tolist() == [1, 2, 3] and array(over_epochs["z"]).shape == (4, 3)  # units × epochs
    saturation = chart(trained, "gates_saturation")
    assert [t["name"] for t in saturation["data"] if t["mode"] == "markers"] == ["i", "f", "o"]


def test_play_steps_through_epochs_and_loops(trained: AppTest) -> None:
    """With Play on, each run moves the slider one recorded epoch on, from the last back to the first."""
    switch(trained, "gates")
    trained.select_slider(key="gates_epoch_1").set_value(3).run()
    trained.toggle(key="gates_play").set_value(True).run()
    assert trained.select_slider(key="gates_epoch_1").value == 1
    trained.run()
    assert trained.select_slider(key="gates_epoch_1").value == 2
    trained.toggle(key="gates_play").set_value(False).run()
    trained.run()
    assert trained.select_slider(key="gates_epoch_1").value == 2 and not trained.exception


def test_gates_views_per_layer(trained: AppTest) -> None:
    """The layer selector switches every Gates view to layer 2, whose heatmaps differ from layer 1's."""
    switch(trained, "gates")
    first = heatmap(trained, "h")
    trained.selectbox(key="gates_layer").set_value(1).run()
    assert not trained.exception
    assert any("Layer 2 reads the hidden states h of layer 1" in text for text in texts(trained.caption))
    assert not np.allclose(heatmap(trained, "h"), first)
    trained.selectbox(key="gates_layer").set_value(0).run()


def test_inside_page_select_and_match(trained: AppTest) -> None:
    """Typing a range where one unit peaks selects it, says how many matches there are, and ranks the units."""
    switch(trained, "inside")
    assert not trained.exception
    states = chart(trained, "inside_chart")
    assert len(states["data"]) == 1 + 3  # the series and three units before anything is selected
    run = trained.session_state["runs"][-1].run
    h = sequence_states(run.windows.scaled, run.weights)[0]["h"]  # (T, 4)
    step, unit = np.unravel_index(np.argmax(h), h.shape)
    trained.slider(key="inside_threshold").set_value(float(np.floor((h[step, unit] - 0.05) * 20) / 20))
    trained.number_input(key="inside_start").set_value(int(step))
    trained.number_input(key="inside_end").set_value(int(step)).run()
    assert not trained.exception
    sentences = texts(trained.success)
    assert len(sentences) == 1 and sentences[0].startswith("The selected units (") and str(unit) in sentences[0]
    assert f"unit {unit}" in trained.dataframe[0].value.index
    assert f"unit {unit}" in [t["name"] for t in chart(trained, "inside_chart")["data"]]


def test_inside_page_readings_layers_and_bad_range(trained: AppTest) -> None:
    """Both readings and both layers draw; an end before the start is one plain error, not a traceback."""
    switch(trained, "inside")
    trained.radio(key="inside_reading").set_value("windows").run()
    trained.selectbox(key="inside_layer").set_value(1).run()
    trained.radio(key="inside_state").set_value("c").run()
    assert not trained.exception
    figure = chart(trained, "inside_chart")
    assert figure["layout"]["yaxis2"]["title"]["text"] == "c"
    assert np.isnan(array(figure["data"][1]["y"])[0])  # the sliding reading has no state before a full window
    trained.number_input(key="inside_start").set_value(50)
    trained.number_input(key="inside_end").set_value(40).run()
    assert not trained.exception
    assert texts(trained.error) == ["The range end comes before its start; set an end at or after the start."]


def test_live_gate_beside_the_loss_while_training() -> None:
    """While a training runs, the Train page shows the probe window's chosen gate next to the loss."""
    at = open_train_page(units=4, epochs=1000, window=6)
    at.button(key="train_submit").click().run()
    job = at.session_state["job"]
    try:
        deadline = time.monotonic() + 90
        while len(job.gate_snapshots()) < 2 and time.monotonic() < deadline:
            job.heartbeat()
            time.sleep(0.2)
        at.run()
        assert not at.exception
        assert at.selectbox(key="train_live_gate").value == "f"
        at.selectbox(key="train_live_gate").set_value("i").run()
        assert any("input gate i of the probe window" in text for text in texts(at.caption))
        figure = chart(at, "train_live_gate_chart")
        assert "Input gate" in figure["layout"]["title"]["text"]
        assert array(figure["data"][0]["z"]).shape[0] == 4  # (units, window)
    finally:
        job.request_stop()
        job.wait(30)
        at.run()
