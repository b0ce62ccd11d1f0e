"""Colours shared by every figure, decided once from factions.csv.

A *side* is a bloc (all its member factions) or a faction in no bloc. Sides take the colours of a
qualitative, colour-blind-safe palette (Okabe–Ito first; lower-case hex throughout) in the order they first appear in
factions.csv; a bloc's members take shades of their bloc's colour. The same factions.csv therefore
gives the same colour to the same faction in every figure. Three more categories of a town's state
have fixed colours outside that palette: shared between sides, contested, and held by nobody.
"""
import matplotlib.colors as mcolors
import numpy as np
import pandas as pd

SIDE_PALETTE = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442",
                "#17becf", "#bcbd22", "#9467bd")
MIXED, CONTESTED, NOBODY = "shared between sides", "contested", "nobody"
STATE_COLOURS = {MIXED: "#8c564b", CONTESTED: "#000000", NOBODY: "#bdbdbd"}


def shade(colour: str, amount: float) -> str:
    """`colour` mixed towards white (amount > 0) or black (amount < 0) by |amount| in [0, 1]."""
    rgb = np.array(mcolors.to_rgb(colour))
    target = np.ones(3) if amount > 0 else np.zeros(3)
    return mcolors.to_hex(rgb + abs(amount) * (target - rgb))


def sides(factions: pd.DataFrame) -> pd.DataFrame:
    """The sides of factions.csv in order of first appearance.

    Columns: `side` (bloc or faction id), `kind` (bloc or faction), `column` (the control.csv
    column giving its probability of holding a town: `bloc:ID` or `faction:ID`), `members`
    (faction ids joined by `;`), `colour`.
    """
    rows, seen = [], {}
    for faction, bloc in zip(factions["faction"], factions["bloc"].fillna("")):
        side = bloc or faction
        if side in seen:
            rows[seen[side]]["members"].append(faction)
            continue
        seen[side] = len(rows)
        kind = "bloc" if bloc else "faction"
        rows.append({"side": side, "kind": kind, "column": f"{kind}:{side}", "members": [faction]})
    table = pd.DataFrame(rows, columns=["side", "kind", "column", "members"])
    table["members"] = table["members"].map(";".join)
    table["colour"] = [palette_colour(i) for i in range(len(table))]
    return table


def palette_colour(i: int) -> str:
    """The i-th side colour; past the palette's end, the palette again, darker."""
    base = SIDE_PALETTE[i % len(SIDE_PALETTE)]
    return base if i < len(SIDE_PALETTE) else shade(base, -0.35 * min(i // len(SIDE_PALETTE), 2) / 2)


def faction_colours(factions: pd.DataFrame) -> dict:
    """Faction id → colour: its side's colour, lighter or darker for a bloc's later members."""
    colours = {}
    for side in sides(factions).itertuples():
        for k, faction in enumerate(side.members.split(";")):
            step = (k + 1) // 2  # 0, 1, 1, 2, 2, ...: alternately lighter and darker
            colours[faction] = shade(side.colour, 0.22 * step if k % 2 else -0.28 * step)
    return colours


def category_colours(factions: pd.DataFrame) -> dict:
    """Category of a town's control (each side, then the three states) → colour."""
    return {**dict(zip(*(sides(factions)[c] for c in ("side", "colour")))), **STATE_COLOURS}
