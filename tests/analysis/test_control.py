"""The control heatmap: who most probably holds each town each day, and the targets' windows."""
import pandas as pd
import pytest
from conftest import FACTIONS, MARKS, NODES, control_table

from analysis.colours import CONTESTED, MIXED, NOBODY, category_colours
from analysis.data import control_heatmap_data, control_probabilities, marks_data


@pytest.fixture
def control():
    return control_table(20)


def cell(df, node, day):
    return df[(df["node"] == node) & (df["day"] == day)].iloc[0]


def test_probabilities_of_each_category(control):
    p = control_probabilities(control, FACTIONS)
    assert list(p.columns[3:]) == ["mnla_side", "islamists", "mali_army", "intervention", MIXED, CONTESTED, NOBODY]
    gao5 = cell(p, "gao", 5)  # 6 runs Islamist-shared, 3 contested, 1 open
    assert gao5["islamists"] == pytest.approx(0.6)
    assert gao5[CONTESTED] == pytest.approx(0.3)
    assert gao5[NOBODY] == pytest.approx(0.1)
    assert gao5[MIXED] == pytest.approx(0.0)
    gao0 = cell(p, "gao", 0)  # the MNLA and Ansar Dine share it in every run: no side alone
    assert gao0[["mnla_side", "islamists", "mali_army", "intervention"]].sum() == 0
    assert gao0[MIXED] == pytest.approx(1.0)


def test_categories_sum_to_one_when_lone_factions_do_not_share(control):
    p = control_probabilities(control, FACTIONS)
    # mali_army (in no bloc) sometimes shares with France, so its share may be counted twice;
    # elsewhere the categories partition the runs.
    totals = p[p.columns[3:]].sum(axis=1)
    assert (totals >= 1 - 1e-9).all()
    shares_with_france = control["faction:france"] > control["bloc:intervention"]
    assert totals[~shares_with_france].round(9).eq(1).all()


def test_heatmap_picks_the_most_probable_holder_and_its_probability(control):
    heat = control_heatmap_data(control, FACTIONS, NODES)
    colours = category_colours(FACTIONS)
    expected = {("gao", 0): (MIXED, 1.0), ("gao", 5): ("islamists", 0.6), ("kidal", 3): ("mali_army", 0.4),
                ("menaka", 2): ("mnla_side", 0.5)}  # menaka: a tie with contested goes to the side
    for (node, day), (holder, probability) in expected.items():
        row = cell(heat, node, day)
        assert row["holder"] == holder
        assert row["probability"] == pytest.approx(probability)
        assert row["colour"] == colours[holder]


def test_heatmap_probability_is_the_largest_category(control):
    heat = control_heatmap_data(control, FACTIONS, NODES)
    p = control_probabilities(control, FACTIONS).set_index(["node", "day"])
    best = p[p.columns[1:]].max(axis=1)
    assert heat.set_index(["node", "day"])["probability"].sort_index().equals(best.sort_index())


def test_heatmap_rows_follow_nodes_csv_then_days(control):
    shuffled = control.sample(frac=1, random_state=1)
    heat = control_heatmap_data(shuffled, FACTIONS, NODES.iloc[::-1])
    assert list(dict.fromkeys(heat["node"])) == ["menaka", "kidal", "timbuktu", "gao"]
    assert heat.groupby("node", sort=False)["day"].apply(lambda d: d.is_monotonic_increasing).all()
    assert len(heat) == len(control)


def test_marks_one_per_target_node_and_window():
    m = marks_data(MARKS)
    assert list(m["target"]) == ["T1", "T6", "T7", "T7", "T12"]  # T5 has no dates
    t6 = m[m["target"] == "T6"].iloc[0]
    assert (t6["node"], t6["clauses"]) == ("", "goal;talks")
    t7 = m[m["target"] == "T7"]
    assert list(t7["node"]) == ["gao", "kidal"]
    assert t7["start"].iloc[0] == pd.Timestamp("2012-04-12") and t7["end"].iloc[0] == pd.Timestamp("2012-04-20")


def test_marks_clipped_to_the_period():
    m = marks_data(MARKS, period=("2012-04-06", "2012-04-15"))
    assert "T12" not in set(m["target"])  # wholly after the period
    t7 = m[m["target"] == "T7"].iloc[0]
    assert t7["end"] == pd.Timestamp("2012-04-15")
    t1 = m[m["target"] == "T1"].iloc[0]
    assert (t1["start"], t1["end"]) == (pd.Timestamp("2012-04-08"), pd.Timestamp("2012-04-10"))


def test_no_marks_give_an_empty_table():
    m = marks_data(MARKS.head(0), period=("2012-04-06", "2012-04-15"))
    assert m.empty and list(m.columns) == ["target", "clauses", "node", "start", "end"]
