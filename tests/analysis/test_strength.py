"""Fan charts: each faction's fighters over time, median and 50%/90% bands."""
import pytest
from conftest import FACTIONS, quantile_table

from analysis.colours import faction_colours
from analysis.data import QUANTILES, fan_data


@pytest.fixture
def strength():
    return quantile_table([{"faction": f} for f in FACTIONS["faction"]], 30)


def test_bands_are_ordered_and_match_strength_csv(strength):
    fan = fan_data(strength, FACTIONS)
    q = fan[list(QUANTILES)].to_numpy()
    assert (q[:, :-1] <= q[:, 1:]).all()
    merged = fan.merge(strength, on=["day", "faction"], suffixes=("", "_csv"))
    for c in ("mean", *QUANTILES):
        assert (merged[c] == merged[f"{c}_csv"]).all()


def test_factions_in_factions_csv_order_with_their_colours(strength):
    fan = fan_data(strength.iloc[::-1], FACTIONS)
    assert list(dict.fromkeys(fan["faction"])) == list(FACTIONS["faction"])
    colours = faction_colours(FACTIONS)
    assert (fan["colour"] == fan["faction"].map(colours)).all()
    assert fan.groupby("faction")["day"].apply(lambda d: d.is_monotonic_increasing).all()


def test_without_factions_csv_colours_still_differ(strength):
    fan = fan_data(strength)
    assert fan.groupby("faction")["colour"].first().nunique() == len(FACTIONS)


def test_unordered_quantiles_are_the_writers_bug(strength):
    broken = strength.copy()
    broken.loc[3, "q25"] = broken.loc[3, "q75"] + 1
    with pytest.raises(ValueError, match="quantiles not ordered"):
        fan_data(broken, FACTIONS)
