"""The plain sentences the app shows about a run's skill."""

from __future__ import annotations

from lstm_core.scoring.metrics import RunMetrics
from ui.text.format import baselines_caption, skill_sentence

# How the run went: not part of the sentence, but every RunMetrics has them.
RUN_FACTS = {
    "epochs_run": 2,
    "train_seconds": 1.0,
    "first_epoch_seconds": 0.5,
    "samples_per_second": 100.0,
    "stop_reason": "completed",
    "device": "cpu:0",
    "backend": "tensorflow",
}


def _metrics(
    lstm: float, naive: float, seasonal: float | None, season: int | None = 12, ets: float | None = None
) -> RunMetrics:
    seasonal_skill = 1 - lstm / seasonal if seasonal is not None else None
    statistical = {}
    if ets is not None:  # a run scored with ETS and Theta: the strongest baseline is named
        rmses = {"naive": naive, "seasonal_naive": seasonal, "ets": ets}
        strongest = min((value, name) for name, value in rmses.items() if value is not None)[1]
        statistical = {
            "ets": {"rmse": ets},
            "theta": None,
            "skill_vs_ets": 1 - lstm / ets,
            "strongest_baseline": strongest,
            "skill_vs_strongest_baseline": 1 - lstm / rmses[strongest],
            "statistical_models": {"ets": "ETS(M,A,M)", "theta": None},
        }
    return RunMetrics.from_dict(
        {
            **statistical,
            "lstm": {"rmse": lstm},
            "naive": {"rmse": naive},
            "seasonal_naive": {"rmse": seasonal} if seasonal is not None else None,
            "drift": None,
            "skill_vs_naive": 1 - lstm / naive,
            "beats_naive": lstm < naive,
            "skill_vs_seasonal_naive": seasonal_skill,
            "beats_seasonal_naive": bool(seasonal_skill and seasonal_skill > 0),
            "season_length": season,
            **RUN_FACTS,
        }
    )


def test_sentence_names_both_baselines():
    """Beating naive but not seasonal naive: the sentence says both, with the numbers."""
    beats, sentence = skill_sentence(_metrics(lstm=40.0, naive=50.0, seasonal=30.0))
    assert beats is True
    assert "beats the naive forecast" in sentence and "a skill of 20.0%" in sentence
    assert "the value 12 steps earlier) has an RMSE of 30" in sentence
    assert "the LSTM does not beat it (skill -33.3%)" in sentence


def test_sentence_without_a_season_mentions_naive_only():
    """No seasonal baseline (no season found): only the naive comparison."""
    beats, sentence = skill_sentence(_metrics(lstm=60.0, naive=50.0, seasonal=None, season=None))
    assert beats is False
    assert "does not beat the naive forecast" in sentence and "seasonal" not in sentence


def test_sentence_leads_with_the_strongest_baseline():
    """Beating naive but not ETS: the verdict is ETS's ("ETS beats the LSTM by 25% here"), naive's follows."""
    beats, sentence = skill_sentence(_metrics(lstm=40.0, naive=50.0, seasonal=45.0, ets=32.0))
    assert beats is False
    assert sentence.startswith("ETS beats the LSTM by 25% here: its RMSE is 32 against the LSTM's 40.")
    assert "ETS (ETS(M,A,M)) is the strongest baseline" in sentence and "beats the naive forecast" in sentence
    beats, sentence = skill_sentence(_metrics(lstm=30.0, naive=50.0, seasonal=45.0, ets=40.0))
    assert beats is True and sentence.startswith("The LSTM beats every baseline here, the strongest included: ETS")


def test_caption_names_the_fitted_forms():
    """The table's caption says how ETS and Theta forecast, which form was fitted and which could not be."""
    caption = baselines_caption(_metrics(lstm=40.0, naive=50.0, seasonal=45.0, ets=32.0))
    assert "ETS: ETS(M,A,M)" in caption and "Theta could not be fitted" in caption
    assert "ETS" not in baselines_caption(_metrics(lstm=40.0, naive=50.0, seasonal=45.0))  # a run from before them
