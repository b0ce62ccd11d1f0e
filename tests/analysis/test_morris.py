"""The Morris plot: mu_star against sigma per parameter, one panel per output."""
import pytest
from conftest import PARAMETERS, morris_table

from analysis.data import morris_data, morris_outputs


def test_default_outputs_are_the_targets_then_a_few_outcomes():
    outputs = morris_outputs(morris_table(), outcomes=2)
    assert outputs == ["T1.hit", "T2.hit", "T10.hit", "civilians_killed", "battle_days"]
    assert morris_outputs(morris_table())[-1] == "fighters_end.mnla"  # then by largest mu_star


def test_parameters_ranked_by_mu_star_and_top_ones_labelled():
    m = morris_data(morris_table(), ["T1.hit", "civilians_killed"], top=2)
    assert list(dict.fromkeys(m["output"])) == ["T1.hit", "civilians_killed"]
    for output, rows in m.groupby("output"):
        assert rows["mu_star"].is_monotonic_decreasing
        assert list(rows["rank"]) == list(range(1, len(PARAMETERS) + 1))
        assert rows["labelled"].sum() == 2
    t1 = m[m["output"] == "T1.hit"]
    assert t1["parameter"].iloc[0] == "relations.drift"  # the largest mu_star for T1.hit
    assert list(t1.loc[t1["labelled"], "parameter"]) == ["relations.drift", "recruit.rate"]
    assert m[m["output"] == "civilians_killed"]["parameter"].iloc[0] == "relations.drift"


def test_an_unknown_output_is_refused():
    with pytest.raises(ValueError, match="no output T99.hit"):
        morris_data(morris_table(), ["T99.hit"])
