"""Building, compiling options, saving and loading the Keras model."""

from __future__ import annotations

import numpy as np

from lstm_core.config.settings import ModelConfig
from lstm_core.nn.keras_model import UNROLL_MIN_SAMPLES, backend_name, build_model, compile_options, load_model


def test_layers_named_and_shaped():
    """The model is Input -> lstm_1..lstm_k (-> dropout) -> Dense(1), only the last LSTM returning one vector."""
    model = build_model(ModelConfig(units=4, layers=3, dropout=0.1), window=7, n_features=2)
    names = [layer.name for layer in model.layers]
    assert names == ["lstm_1", "dropout_1", "lstm_2", "dropout_2", "lstm_3", "dropout_3", "forecast"]
    assert [model.get_layer(f"lstm_{k}").return_sequences for k in (1, 2, 3)] == [True, True, False]
    assert model.input_shape == (None, 7, 2)
    assert model.output_shape == (None, 1)
    assert model.get_layer("lstm_1").get_weights()[0].shape == (2, 16)  # kernel (F, 4U)


def test_fast_kernel_defaults():
    """The LSTM keeps the fused-kernel defaults: tanh/sigmoid, bias, no recurrent dropout."""
    layer = build_model(ModelConfig(units=3), window=4, n_features=1).get_layer("lstm_1")
    config = layer.get_config()
    assert (config["activation"], config["recurrent_activation"]) == ("tanh", "sigmoid")
    assert config["use_bias"] and config["recurrent_dropout"] == 0 and not config["unroll"]


def test_compile_options_per_backend():
    """TF compiles with XLA on CPU but not GPU; JAX unrolls only for long CPU trainings; spe is capped at 32."""
    tf_cpu = compile_options(backend="tensorflow", device="cpu:0", window=10, batches_per_epoch=100)
    assert tf_cpu == {"steps_per_execution": 32, "unroll": False, "jit_compile": True}
    assert not compile_options(backend="tensorflow", device="gpu:0", window=10, batches_per_epoch=3)["jit_compile"]
    assert (
        compile_options(backend="tensorflow", device="cpu:0", window=10, batches_per_epoch=3)["steps_per_execution"]
        == 3
    )
    short = compile_options(backend="jax", device="cpu:0", window=10, batches_per_epoch=5, samples_to_train=10_000)
    long = compile_options(
        backend="jax", device="cpu:0", window=10, batches_per_epoch=5, samples_to_train=UNROLL_MIN_SAMPLES
    )
    assert not short["unroll"] and long["unroll"]
    assert not compile_options(backend="jax", device="cpu:0", window=64, batches_per_epoch=5, samples_to_train=10**9)[
        "unroll"
    ]


def test_tensorflow_unrolls_only_long_seed_ensembles_on_cpu():
    """A seed ensemble on TF's CPU is unrolled once it trains long enough; one seed, a GPU or a long window never."""
    from lstm_core.nn.keras_model import ENSEMBLE_UNROLL_MIN_SAMPLES

    def unroll(members: int, *, device: str = "cpu:0", window: int = 10, samples: int = 400_000) -> bool:
        options = compile_options(
            backend="tensorflow",
            device=device,
            window=window,
            batches_per_epoch=125,
            samples_to_train=samples,
            members=members,
        )
        return options["unroll"]

    assert unroll(5) and not unroll(1)
    assert not unroll(5, samples=ENSEMBLE_UNROLL_MIN_SAMPLES - 1)
    assert not unroll(5, device="gpu:0") and not unroll(5, window=33)


def test_backend_name_matches_keras():
    """backend_name reports the backend Keras actually uses."""
    import keras

    assert backend_name() == keras.backend.backend()


def test_save_and_load_round_trip(trained, windows, tmp_path):
    """A saved .keras model loads (safe mode) and predicts the same values."""
    path = tmp_path / "model.keras"
    trained.model.save(path)
    loaded = load_model(str(path))
    np.testing.assert_allclose(
        loaded.predict(windows.x_test, verbose=0), trained.model.predict(windows.x_test, verbose=0), atol=1e-6
    )


def test_gpu_advice_only_for_small_models():
    """The seed model gets the too-small-for-a-GPU sentence; LSTM(256), batch 256, window 60 does not."""
    from lstm_core.config.settings import ModelConfig
    from lstm_core.nn.keras_model import gpu_advice

    assert "no faster than the CPU" in gpu_advice(ModelConfig(), batch_size=32, window=10)
    assert gpu_advice(ModelConfig(units=256), batch_size=256, window=60) is None


def test_rebuilt_model_predicts_as_the_trained_one(run, trained, windows):
    """A model rebuilt from a run's NumPy weights predicts exactly as the trained Keras model."""
    from lstm_core.nn.keras_model import rebuild_model

    rebuilt = rebuild_model(run.config, run.weights, window=windows.window, n_features=windows.n_features)
    np.testing.assert_allclose(
        rebuilt.predict(windows.x_test, verbose=0), trained.model.predict(windows.x_test, verbose=0), atol=1e-6
    )
    assert [layer.name for layer in rebuilt.layers] == [layer.name for layer in trained.model.layers]
