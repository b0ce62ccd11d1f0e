"""Colours come from factions.csv's blocs, the same for the same faction everywhere."""
import pandas as pd
from conftest import FACTIONS

from analysis.colours import (CONTESTED, MIXED, NOBODY, SIDE_PALETTE, STATE_COLOURS, category_colours,
                              faction_colours, sides)


def test_sides_are_blocs_and_lone_factions_in_order_of_appearance():
    s = sides(FACTIONS)
    assert list(s["side"]) == ["mnla_side", "islamists", "mali_army", "intervention"]
    assert list(s["column"]) == ["bloc:mnla_side", "bloc:islamists", "faction:mali_army", "bloc:intervention"]
    assert list(s["members"]) == ["mnla;menaka_militia", "ansar_dine;mujao", "mali_army", "france"]
    assert list(s["colour"]) == list(SIDE_PALETTE[:4])


def test_a_faction_keeps_its_colour_and_a_blocs_members_share_its_hue():
    colours = faction_colours(FACTIONS)
    assert colours == faction_colours(FACTIONS.copy())
    assert colours["mnla"] == SIDE_PALETTE[0]  # the bloc's first member takes the bloc's colour
    assert colours["menaka_militia"] not in (colours["mnla"], *SIDE_PALETTE)
    assert colours["mali_army"] == SIDE_PALETTE[2]
    assert len(set(colours.values())) == len(colours)


def test_categories_are_the_sides_then_the_three_states():
    c = category_colours(FACTIONS)
    assert list(c) == ["mnla_side", "islamists", "mali_army", "intervention", MIXED, CONTESTED, NOBODY]
    assert {c[k] for k in (MIXED, CONTESTED, NOBODY)} == set(STATE_COLOURS.values())
    assert not set(STATE_COLOURS.values()) & set(SIDE_PALETTE)


def test_many_sides_still_get_distinct_colours():
    many = pd.DataFrame({"faction": [f"f{i}" for i in range(15)], "bloc": ""})
    assert len(set(sides(many)["colour"])) == 15


def test_the_scenarios_own_colours_do_not_change_the_palette():
    assert faction_colours(FACTIONS) == faction_colours(FACTIONS.drop(columns="color"))
