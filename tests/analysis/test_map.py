"""The map: nodes at their coordinates, each coloured by the probability of each side's control."""
import pandas as pd
import pytest
from conftest import EDGES, FACTIONS, MARKS, NODES, control_table

from analysis.colours import CONTESTED, category_colours
from analysis.data import control_probabilities, map_data, map_dates, road_segments, window_starts


@pytest.fixture
def control():
    return control_table(20)


def test_default_dates_spread_over_the_period_and_the_window_starts(control):
    dates = map_dates(control, MARKS, spread=4)
    assert dates[0] == pd.Timestamp("2012-04-06") and dates[-1] == pd.Timestamp("2012-04-15")
    assert {pd.Timestamp("2012-04-08"), pd.Timestamp("2012-04-09"), pd.Timestamp("2012-04-12")} <= set(dates)
    assert pd.Timestamp("2014-01-15") not in dates  # a window after the period
    assert dates == sorted(set(dates))


def test_map_gives_each_nodes_probabilities_on_a_date(control):
    m = map_data(control, NODES, FACTIONS, ["2012-04-11"])
    colours = category_colours(FACTIONS)
    gao = m[m["node"] == "gao"].set_index("category")
    assert gao.loc["islamists", "probability"] == pytest.approx(0.6)
    assert gao.loc[CONTESTED, "probability"] == pytest.approx(0.3)
    assert gao.loc["islamists", "colour"] == colours["islamists"]
    assert (gao["longitude"] == -0.05).all() and (gao["latitude"] == 16.267).all()
    assert (gao["population"] == 86633).all() and (gao["name"] == "Gao").all()
    assert list(m["node"].drop_duplicates()) == list(NODES["node"])
    assert list(gao.index) == list(colours)


def test_map_probabilities_equal_control_for_every_date(control):
    dates = ["2012-04-06", "2012-04-15"]
    m = map_data(control, NODES, FACTIONS, dates)
    p = control_probabilities(control, FACTIONS)
    for date in dates:
        expected = p[p["date"] == date].melt(id_vars="node", value_vars=list(p.columns[3:]),
                                              var_name="category", value_name="probability")
        got = m[m["date"] == date][["node", "category", "probability"]]
        merged = got.merge(expected, on=["node", "category"], suffixes=("", "_expected"))
        assert len(merged) == len(got) == 4 * 7
        assert (merged["probability"] == merged["probability_expected"]).all()


def test_a_date_between_records_takes_the_last_day_before_it(control):
    thinned = control[control["day"] % 2 == 0]  # records every other day
    m = map_data(thinned, NODES, FACTIONS, ["2012-04-09"])
    before = map_data(thinned, NODES, FACTIONS, ["2012-04-08"])
    assert (m["probability"].to_numpy() == before["probability"].to_numpy()).all()
    assert (m["date"] == pd.Timestamp("2012-04-09")).all()


@pytest.mark.parametrize("date", ["2012-04-05", "2012-05-01"])
def test_a_date_outside_the_period_is_refused(control, date):
    with pytest.raises(ValueError, match="outside the period 2012-04-06..2012-04-15"):
        map_data(control, NODES, FACTIONS, [date])


def test_roads_join_the_nodes_coordinates():
    r = road_segments(EDGES, NODES).set_index("to")
    assert r.loc["kidal", ["x0", "y0", "x1", "y1"]].tolist() == [-0.05, 16.267, 1.4083, 18.4389]
    assert r.loc["kidal", "kind"] == "track"
    unknown = pd.concat([EDGES, pd.DataFrame({"from": ["gao"], "to": ["nowhere"], "km": [1], "kind": ["road"]})])
    assert len(road_segments(unknown, NODES)) == len(EDGES)


def test_captions_name_the_targets_whose_windows_start_on_a_date():
    starts = window_starts(MARKS)
    assert starts[pd.Timestamp("2012-04-08")] == "T1 starts"
    assert starts[pd.Timestamp("2012-04-12")] == "T7 starts"  # two nodes, one target
    assert pd.Timestamp("2012-04-09") in starts and len(starts) == 4  # T5 has no date
