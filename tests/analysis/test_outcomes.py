"""Outcome distributions, hit rates, the targets chart and the what-if forest plot."""
import numpy as np
import pandas as pd
import pytest
from conftest import runs_table, targets_table, whatif_table, wilson

from analysis.data import forest_data, hit_rate_data, outcome_columns, outcome_data, outcome_group, targets_data


@pytest.fixture
def runs():
    return {"baseline": runs_table(10), "counterfactual": runs_table(11, shift=40.0)}


def test_outcome_columns_skip_ids_hits_constants_and_all_na(runs):
    cols = outcome_columns({"": runs["baseline"]})
    assert cols == ["T1.gao_falls", "fighters_end.mnla", "civilians_killed", "T1.miss", "T2.miss", "T10.miss"]
    assert "bombings" not in cols and "T5.defected" not in cols
    assert outcome_columns({"": runs["baseline"]}, exclude=["civilians_killed"]) == [
        "T1.gao_falls", "fighters_end.mnla", "T1.miss", "T2.miss", "T10.miss"]


def test_a_column_constant_in_one_ensemble_but_not_over_both_is_kept():
    base = pd.DataFrame({"run": [0, 1], "seed": 7, "x": [1.0, 1.0]})
    cf = pd.DataFrame({"run": [0, 1], "seed": 7, "x": [2.0, 2.0]})
    assert outcome_columns({"baseline": base, "counterfactual": cf}) == ["x"]
    assert outcome_columns({"baseline": base}) == []


def test_outcome_data_holds_every_run_of_every_ensemble(runs):
    data = outcome_data(runs)
    assert list(dict.fromkeys(data["outcome"])) == outcome_columns(runs)
    gao = data[(data["outcome"] == "T1.gao_falls") & (data["ensemble"] == "baseline")]
    assert len(gao) == 20
    assert gao["value"].isna().sum() == 5  # the runs where Gao never fell
    assert np.allclose(gao["value"].to_numpy(), runs["baseline"]["T1.gao_falls"].to_numpy(), equal_nan=True)


def test_hit_rates_from_runs(runs):
    hits = hit_rate_data(runs)
    assert list(dict.fromkeys(hits["target"])) == ["T1", "T2", "T10"]
    for r in hits.itertuples():
        column = runs[r.ensemble][f"{r.target}.hit"]
        assert (r.runs, r.hits) == (20, column.sum())
        assert r.hit_rate == pytest.approx(column.mean())


def test_targets_data_keeps_the_wilson_intervals(runs):
    tables = {label: targets_table(r) for label, r in runs.items()}
    t = targets_data(tables)
    assert list(t["target"]) == ["T1", "T1", "T2", "T2", "T10", "T10"]
    assert list(t["ensemble"][:2]) == ["baseline", "counterfactual"]
    row = t[(t["target"] == "T2") & (t["ensemble"] == "counterfactual")].iloc[0]
    hits = int(runs["counterfactual"]["T2.hit"].sum())
    assert (row["ci_low"], row["ci_high"]) == pytest.approx(wilson(hits, 20))
    assert (t["ci_low"] <= t["hit_rate"]).all() and (t["hit_rate"] <= t["ci_high"]).all()


def test_forest_rows_match_whatif_csv(runs):
    whatif = whatif_table(runs["baseline"], runs["counterfactual"])
    f = forest_data(whatif)
    assert list(f["name"]) == list(whatif["name"])
    for c in ("diff_mean", "diff_ci_low", "diff_ci_high", "pairs", "p_cf_higher"):
        assert np.allclose(f[c], whatif[c], equal_nan=True)
    targets = f[f["kind"] == "target"]
    assert list(targets["label"]) == ["T1", "T2", "T10"]
    assert (targets["group"] == "targets").all()
    assert (targets["x"] == targets["diff_mean"]).all()  # hit-rate differences stay unscaled


def test_forest_scales_outcomes_by_the_wider_5_95_range(runs):
    f = forest_data(whatif_table(runs["baseline"], runs["counterfactual"])).set_index("name")
    w = whatif_table(runs["baseline"], runs["counterfactual"]).set_index("name")
    r = "fighters_end.mnla"
    scale = max(w.loc[r, "base_q95"] - w.loc[r, "base_q05"], w.loc[r, "cf_q95"] - w.loc[r, "cf_q05"])
    assert f.loc[r, "scale"] == pytest.approx(scale)
    assert f.loc[r, ["x", "x_low", "x_high"]].tolist() == pytest.approx(
        (w.loc[r, ["diff_mean", "diff_ci_low", "diff_ci_high"]] / scale).tolist())
    assert f.loc["bombings", "scale"] == 1.0  # constant 0 in both: nothing to scale by
    assert np.isnan(f.loc["T5.defected", "x"])  # no pairs: nothing to draw
    assert (f["x_low"].dropna() <= f["x"].dropna()).all() and (f["x"].dropna() <= f["x_high"].dropna()).all()


def test_forest_target_names_with_hit_suffix():
    w = pd.DataFrame({"name": ["T3.hit"], "kind": ["target"], "base_q05": [0], "base_q95": [1], "cf_q05": [0],
                      "cf_q95": [1], "pairs": [10], "diff_mean": [0.2], "diff_ci_low": [0.1], "diff_ci_high": [0.3],
                      "p_cf_higher": [0.6]})
    assert forest_data(w)["label"].tolist() == ["T3"]


@pytest.mark.parametrize("name, group", [("T1.miss", "misses"), ("T12.traders_massacre", "target clauses"),
                                         ("killed.mnla", "killed"), ("displaced", "war")])
def test_outcome_groups(name, group):
    assert outcome_group(name) == group
