"""A calibration's figures: posterior marginals (with the pile-up flag), the pairs plot and the
generations' series."""
import math

import numpy as np
import pandas as pd
import pytest
from conftest import PRIORS, population_table, priors_table, write, write_calibration
from test_cli import check_written, run_main

from analysis.data import (generations_data, marginal_data, normalised_weights, pairs_data, pairs_limits,
                           pile_up_data, prior_curves, prior_density, prior_table)
from analysis.files import read_csv


@pytest.fixture
def priors():
    return priors_table()


@pytest.fixture
def posterior():
    return population_table(2)


def uniform_prior(low=0.0, high=1.0):
    q = lambda p: low + p * (high - low)
    return pd.DataFrame([{"parameter": "x", "dist": "uniform", "a": low, "b": high, "low": low, "high": high,
                          "q05": q(0.05), "q50": q(0.5), "q95": q(0.95), "value": q(0.5)}])


def particles(x, weight=None):
    x = np.asarray(x, dtype=float)
    w = np.ones(len(x)) if weight is None else np.asarray(weight, dtype=float)
    return pd.DataFrame({"x": x, "weight": w / w.sum(), "distance": 0.1})


def test_priors_read_back_with_infinite_bounds(calibration_dir):
    p = prior_table(read_csv(calibration_dir / "priors.csv"))
    assert list(p.index) == list(PRIORS["parameter"])
    assert p.loc["strategy.attack_ratio", "low"] == -math.inf and p.loc["strategy.attack_ratio", "high"] == math.inf
    # the range shown: the support where finite, else the prior's q05 / q95
    assert p.loc["combat.attrition_rate", ["range_low", "range_high"]].tolist() == [0.0, 0.2]
    assert p.loc["strategy.attack_ratio", ["range_low", "range_high"]].tolist() == pytest.approx(
        p.loc["strategy.attack_ratio", ["q05", "q95"]].tolist())
    assert p.loc["fighters.pay_weight", ["range_low", "range_high"]].tolist() == pytest.approx(
        [0.0, p.loc["fighters.pay_weight", "q95"]])
    assert p.loc["grievance.weight", ["support_low", "support_high"]].tolist() == [0.0, 1.0]


def test_weighted_histograms_hold_all_the_weight_and_match_numpy(priors, posterior):
    hist = marginal_data(posterior, priors)
    assert list(dict.fromkeys(hist["parameter"])) == list(priors["parameter"])
    w = posterior["weight"] / posterior["weight"].sum()
    for name, h in hist.groupby("parameter", sort=False):
        assert h["mass"].sum() == pytest.approx(1.0)
        assert (h["density"] * (h["right"] - h["left"])).sum() == pytest.approx(1.0)
        edges = np.r_[h["left"].to_numpy(), h["right"].iloc[-1]]
        expected, _ = np.histogram(posterior[name], bins=edges, weights=w)
        assert h["mass"].to_numpy() == pytest.approx(expected)
        assert edges[0] <= posterior[name].min() and posterior[name].max() <= edges[-1]
    bounded = hist[hist["parameter"] == "combat.attrition_rate"]
    assert (bounded["left"].min(), bounded["right"].max()) == pytest.approx((0.0, 0.2))


def test_unbounded_range_widens_to_every_particle(priors):
    post = population_table(0)
    post.loc[0, "strategy.attack_ratio"] = 9.0  # far beyond the prior's q95
    h = marginal_data(post, priors)
    h = h[h["parameter"] == "strategy.attack_ratio"]
    assert h["right"].max() == 9.0 and h["mass"].sum() == pytest.approx(1.0)


def test_weights_are_normalised_and_checked():
    assert normalised_weights(pd.DataFrame({"weight": [2.0, 6.0]})).tolist() == [0.25, 0.75]
    assert normalised_weights(pd.DataFrame({"x": [1, 2, 3, 4]})).tolist() == [0.25] * 4
    with pytest.raises(ValueError):
        normalised_weights(pd.DataFrame({"weight": [0.0, 0.0]}))


def test_a_population_lacking_a_calibrated_parameter_is_an_error(priors, posterior):
    with pytest.raises(ValueError, match="grievance.weight"):
        marginal_data(posterior.drop(columns="grievance.weight"), priors)


def test_prior_densities_integrate_to_one_on_their_support(priors):
    table = prior_table(priors)
    for name, p in table.iterrows():
        lo = p["support_low"] if np.isfinite(p["support_low"]) else p["q50"] - 50
        hi = p["support_high"] if np.isfinite(p["support_high"]) else p["q50"] + 50
        x = np.linspace(lo, hi, 200001)
        assert np.trapz(prior_density(p, x), x) == pytest.approx(1.0, abs=2e-3), name
    truncated = prior_table(priors.assign(low=0.0, high=0.2).iloc[[0]])  # uniform 0..0.2 stays as is
    assert prior_density(truncated.iloc[0], [0.1]).tolist() == pytest.approx([5.0])
    half = prior_table(pd.DataFrame([{"parameter": "y", "dist": "normal", "a": 0.0, "b": 1.0, "low": 0.0,
                                      "high": math.inf, "q05": 0.06, "q50": 0.67, "q95": 1.96, "value": 1}]))
    assert prior_density(half.iloc[0], [0.0, -0.1]).tolist() == pytest.approx([2 * 0.3989423, 0.0])


def test_an_unknown_distribution_has_no_curve(priors):
    odd = priors.assign(dist=["uniform", "triangular", "lognormal", "beta"])
    curves = prior_curves(odd)
    assert set(curves["parameter"]) == {"combat.attrition_rate", "fighters.pay_weight", "grievance.weight"}
    assert prior_density(prior_table(odd).loc["strategy.attack_ratio"], [1.0]) is None


def test_pile_up_flags_a_posterior_against_a_bound():
    prior = uniform_prior(0.0, 1.0)
    # 25% of the weight in [0.95, 1], the top 5% of the support: flagged high
    crafted = particles(np.r_[np.linspace(0.3, 0.7, 15), [0.96, 0.97, 0.98, 0.99, 1.0]])
    f = pile_up_data(crafted, prior).iloc[0]
    assert f["flagged"] and f["side"] == "high"
    assert f["weight_high"] == pytest.approx(0.25) and f["weight_low"] == 0
    assert (f["low_edge"], f["high_edge"]) == pytest.approx((0.05, 0.95))
    assert "25%" in f["note"] and "above the prior's q95" in f["note"]


def test_pile_up_does_not_flag_a_centred_posterior():
    f = pile_up_data(particles(np.linspace(0.2, 0.8, 50)), uniform_prior()).iloc[0]
    assert not f["flagged"] and f["side"] == "" and f["note"] == ""
    assert f["weight_low"] == 0 and f["weight_high"] == 0


def test_pile_up_threshold_is_strict_and_counts_weight_not_particles():
    x = np.r_[np.full(2, 0.01), np.linspace(0.3, 0.7, 8)]
    assert not pile_up_data(particles(x), uniform_prior()).iloc[0]["flagged"]  # exactly 20%: not more
    heavy = particles(x, weight=[3, 3, 1, 1, 1, 1, 1, 1, 1, 1])  # the same particles, 6/14 of the weight low
    f = pile_up_data(heavy, uniform_prior()).iloc[0]
    assert f["flagged"] and f["side"] == "low" and f["weight_low"] == pytest.approx(6 / 14)


def test_pile_up_on_both_sides():
    x = np.r_[np.full(3, 0.0), np.full(3, 1.0), np.linspace(0.4, 0.6, 4)]
    assert pile_up_data(particles(x), uniform_prior()).iloc[0]["side"] == "both"


def test_pile_up_beyond_q95_when_unbounded(priors):
    normal = priors[priors["parameter"] == "strategy.attack_ratio"].reset_index(drop=True)
    q95 = normal.loc[0, "q95"]
    beyond = pd.DataFrame({"strategy.attack_ratio": np.r_[np.full(3, q95 + 0.1), np.linspace(1.3, 1.7, 7)],
                           "weight": 0.1})
    f = pile_up_data(beyond, normal).iloc[0]
    assert f["flagged"] and f["side"] == "high" and f["high_edge"] == pytest.approx(q95)
    assert "above the prior's q95" in f["note"]
    centred = pile_up_data(beyond.assign(**{"strategy.attack_ratio": np.linspace(1.3, 1.7, 10)}), normal)
    assert not centred.iloc[0]["flagged"]


def test_the_fixture_posterior_piles_up_only_where_it_was_made_to(priors, posterior):
    flags = pile_up_data(posterior, priors).set_index("parameter")
    assert flags["flagged"].to_dict() == {"combat.attrition_rate": True, "strategy.attack_ratio": False,
                                          "fighters.pay_weight": False, "grievance.weight": False}


def test_pairs_data_keeps_every_particle_heaviest_last(priors, posterior):
    p = pairs_data(posterior, priors)
    assert list(p.columns) == [*priors["parameter"], "weight"]
    assert len(p) == len(posterior) and p["weight"].sum() == pytest.approx(1.0)
    assert p["weight"].is_monotonic_increasing
    limits = pairs_limits(posterior, priors)
    assert list(limits.index) == list(priors["parameter"])
    for name in limits.index:
        assert limits.loc[name, "low"] <= p[name].min() and p[name].max() <= limits.loc[name, "high"]


def test_generation_series_leave_out_the_infinite_tolerance(calibration_dir):
    gens = read_csv(calibration_dir / "generations.csv")
    assert gens["tolerance"].iloc[0] == math.inf  # the engine's `inf` reads as a float
    s = generations_data(gens)
    assert list(dict.fromkeys(s["series"])) == ["tolerance", "acceptance_rate", "ess"]
    assert s[s["series"] == "tolerance"]["generation"].tolist() == [1, 2]
    assert s[s["series"] == "tolerance"]["value"].tolist() == pytest.approx([0.8, 0.4])
    assert s[s["series"] == "acceptance_rate"]["generation"].tolist() == [0, 1, 2]
    assert s[s["series"] == "ess"]["value"].tolist() == pytest.approx(gens["ess"].tolist())
    assert (s["particles"] == 40).all() and np.isfinite(s["value"]).all()


def test_generation_0_alone():
    s = generations_data(pd.DataFrame({"generation": [0], "tolerance": [math.inf], "proposals": [20], "runs": [20],
                                       "accepted": [20], "acceptance_rate": [1.0], "ess": [20.0]}))
    assert s["series"].tolist() == ["acceptance_rate", "ess"]


def test_cli_on_a_calibration(calibration_dir, capsys):
    code, printed, err = run_main(capsys, calibration_dir)
    assert (code, err) == (0, "")
    check_written(calibration_dir, printed, ["marginals", "pairs", "generations"])


def test_cli_on_an_unfinished_calibration(tmp_path, capsys):
    root = write_calibration(tmp_path / "c", generations=1)
    (root / "posterior.csv").unlink()  # interrupted: no posterior yet, but the generations so far
    code, printed, err = run_main(capsys, root)
    assert (code, err) == (0, "")
    check_written(root, printed, ["generations"])


def test_cli_reports_a_posterior_lacking_a_parameter(calibration_dir, capsys):
    write(population_table(2).drop(columns="grievance.weight"), calibration_dir / "posterior.csv")
    code, printed, err = run_main(capsys, calibration_dir, "--only", "marginals")
    assert code == 1 and printed == []
    assert err == "analysis: marginals: posterior.csv has no column grievance.weight\n"


def test_pile_up_does_not_flag_a_posterior_that_follows_a_prior_concentrated_near_a_bound():
    # beta(1.5, 200) on [0, 1] puts nearly all its mass below 0.05: a posterior drawn from it
    # sits in the support's lowest 5% but is not piled against the bound.
    from scipy import stats
    dist = stats.beta(1.5, 200)
    prior = pd.DataFrame([{"parameter": "x", "dist": "beta", "a": 1.5, "b": 200, "low": 0.0, "high": 1.0,
                           "q05": dist.ppf(0.05), "q50": dist.ppf(0.5), "q95": dist.ppf(0.95), "value": 0.005}])
    follows = particles(dist.ppf(np.linspace(0.01, 0.99, 99)))
    assert not pile_up_data(follows, prior).iloc[0]["flagged"]
    piled = particles(np.r_[dist.ppf(np.linspace(0.1, 0.9, 60)), np.full(40, dist.ppf(0.01))])
    f = pile_up_data(piled, prior).iloc[0]
    assert f["flagged"] and f["side"] == "low"
