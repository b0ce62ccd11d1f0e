"""The data behind each figure: pure functions from the engine's tables (DataFrames read from its
CSV files, see docs/outputs.md) to the tables the drawing functions plot. Nothing here draws or
reads files, so tests can check every value a figure shows."""
import re

import numpy as np
import pandas as pd

from analysis.colours import MIXED, CONTESTED, NOBODY, category_colours, faction_colours, palette_colour, sides

QUANTILES = ("q05", "q25", "q50", "q75", "q95")
RUN_IDS = ("run", "seed", "point", "replicate", "design_point")


def natural_key(name: str) -> tuple:
    """Sort key putting T2 before T10."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", str(name)))


def target_of(name: str) -> str:
    """`T3.hit` → `T3`; a name without `.hit` is returned as it is."""
    return name[:-len(".hit")] if name.endswith(".hit") else name


def _dates(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series, format="%Y-%m-%d")


# --- Control of the towns ---------------------------------------------------------------------

def control_probabilities(control: pd.DataFrame, factions: pd.DataFrame) -> pd.DataFrame:
    """Per day and node, the probability of each category of control.

    Categories: each side (a bloc holding alone, from `bloc:ID`; a faction in no bloc holding or
    sharing, from `faction:ID`), then `shared between sides` (held or shared, but by no single
    side: `state:held + state:shared` minus the sides, at least 0), `contested` (`state:contested`)
    and `nobody` (`state:abandoned + state:open`). Columns: `date` (datetime), `day`, `node`, then
    one per category in that order. A side's column missing from control.csv counts as 0.
    """
    out = control[["date", "day", "node"]].copy()
    out["date"] = _dates(out["date"])
    column = lambda name: control[name].astype(float) if name in control else pd.Series(0.0, index=control.index)
    side_names = []
    for side in sides(factions).itertuples():
        out[side.side] = column(side.column)
        side_names.append(side.side)
    holds = column("state:held") + column("state:shared")
    out[MIXED] = (holds - out[side_names].sum(axis=1)).clip(lower=0.0)
    out[CONTESTED] = column("state:contested")
    out[NOBODY] = column("state:abandoned") + column("state:open")
    return out


def node_order(control: pd.DataFrame, nodes: pd.DataFrame = None) -> list:
    """Nodes in nodes.csv's order (those in control.csv), else in control.csv's."""
    present = list(dict.fromkeys(control["node"]))
    if nodes is None:
        return present
    listed = [n for n in nodes["node"] if n in set(present)]
    return listed + [n for n in present if n not in set(listed)]


def control_heatmap_data(control: pd.DataFrame, factions: pd.DataFrame,
                         nodes: pd.DataFrame = None) -> pd.DataFrame:
    """Per node and day, the most probable holder and its probability.

    Columns: `date` (datetime), `day`, `node`, `holder` (a category of `control_probabilities`;
    ties go to the first), `probability`, `colour` (the holder's). Rows by node (see `node_order`)
    then day.
    """
    probs = control_probabilities(control, factions)
    categories = probs.columns[3:]
    out = probs[["date", "day", "node"]].copy()
    out["holder"] = probs[categories].idxmax(axis=1)
    out["probability"] = probs[categories].max(axis=1)
    out["colour"] = out["holder"].map(category_colours(factions))
    rank = {n: i for i, n in enumerate(node_order(control, nodes))}
    out = out.sort_values(["node", "day"], key=lambda s: s.map(rank) if s.name == "node" else s)
    return out.reset_index(drop=True)


def marks_data(marks: pd.DataFrame, period=None) -> pd.DataFrame:
    """Target windows to draw: one row per target, node and window (its clauses joined by `;`).

    Columns: `target`, `clauses`, `node` ("" when none), `start`, `end` (datetimes). Rows
    without dates are dropped; with `period` (first, last dates), so are windows wholly outside
    it, and the others are clipped to it. Rows in natural target order.
    """
    m = marks.assign(node=marks["node"].fillna(""), clause=marks["clause"].fillna(""))
    m = m.dropna(subset=["window_start", "window_end"])
    m = m.assign(start=_dates(m["window_start"]), end=_dates(m["window_end"]))
    if period is not None:
        first, last = pd.Timestamp(period[0]), pd.Timestamp(period[1])
        m = m[(m["end"] >= first) & (m["start"] <= last)]
        m = m.assign(start=m["start"].clip(lower=first), end=m["end"].clip(upper=last))
    out = (m.groupby(["target", "node", "start", "end"], sort=False)["clause"]
           .agg(";".join).rename("clauses").reset_index())
    out = out.sort_values("target", key=lambda s: s.map(natural_key), kind="stable")
    return out[["target", "clauses", "node", "start", "end"]].reset_index(drop=True)


# --- Fighters ---------------------------------------------------------------------------------

def fan_data(strength: pd.DataFrame, factions: pd.DataFrame = None) -> pd.DataFrame:
    """Each faction's fighters over time, for a fan chart.

    Columns: `date` (datetime), `day`, `faction`, `mean`, `q05`…`q95`, `colour`. Factions in
    factions.csv's order (else strength.csv's). Raises ValueError when a row's quantiles are not
    ordered q05 ≤ q25 ≤ q50 ≤ q75 ≤ q95, which would be the writer's bug.
    """
    out = strength[["date", "day", "faction", "mean", *QUANTILES]].copy()
    out["date"] = _dates(out["date"])
    q = out[list(QUANTILES)].to_numpy(dtype=float)
    bad = np.flatnonzero((np.diff(q, axis=1) < -1e-9).any(axis=1))
    if bad.size:
        row = out.iloc[bad[0]]
        raise ValueError(f"strength.csv: quantiles not ordered for {row.faction} on {row.date:%Y-%m-%d}")
    present = list(dict.fromkeys(out["faction"]))
    order = [f for f in factions["faction"] if f in set(present)] if factions is not None else []
    order += [f for f in present if f not in set(order)]
    colours = faction_colours(factions) if factions is not None else {}
    fallback = {f: palette_colour(i) for i, f in enumerate(order)}
    out["colour"] = out["faction"].map(lambda f: colours.get(f, fallback[f]))
    rank = {f: i for i, f in enumerate(order)}
    out = out.sort_values(["faction", "day"], key=lambda s: s.map(rank) if s.name == "faction" else s)
    return out.reset_index(drop=True)


# --- Outcomes and targets ---------------------------------------------------------------------

def outcome_columns(runs: dict, exclude=()) -> list:
    """The scalar outcomes worth a histogram, in runs.csv's order.

    `runs`: runs.csv tables by ensemble label. Kept: numeric columns that are not run ids
    (`run`, `seed`, …), not `exclude` (e.g. a design's parameters), not a target's `.hit`, with at
    least one value and more than one distinct value over all the ensembles together.
    """
    tables = list(runs.values())
    columns = list(dict.fromkeys(c for t in tables for c in t.columns))
    keep = []
    for c in columns:
        if c in RUN_IDS or c in set(exclude) or c.endswith(".hit"):
            continue
        values = pd.concat([pd.to_numeric(t[c], errors="coerce") for t in tables if c in t])
        if values.nunique(dropna=True) > 1:
            keep.append(c)
    return keep


def outcome_data(runs: dict, exclude=()) -> pd.DataFrame:
    """Long table of the outcomes of `outcome_columns`: `outcome, ensemble, run, value` (NaN kept:
    the run never produced it), outcomes in runs.csv's order."""
    columns = outcome_columns(runs, exclude)
    parts = []
    for label, t in runs.items():
        present = [c for c in columns if c in t]
        run = t["run"] if "run" in t else pd.Series(range(len(t)))
        long = t[present].apply(pd.to_numeric, errors="coerce").assign(run=run.to_numpy())
        long = long.melt(id_vars="run", var_name="outcome", value_name="value")
        parts.append(long.assign(ensemble=label))
    out = pd.concat(parts, ignore_index=True)[["outcome", "ensemble", "run", "value"]]
    rank = {c: i for i, c in enumerate(columns)}
    return out.sort_values("outcome", key=lambda s: s.map(rank), kind="stable").reset_index(drop=True)


def hit_rate_data(runs: dict) -> pd.DataFrame:
    """Each target's hit rate over the runs of each ensemble, from runs.csv's `T.hit` columns.

    Columns: `target`, `ensemble`, `runs` (with a value), `hits`, `hit_rate`; targets in natural
    order.
    """
    rows = []
    for label, t in runs.items():
        for c in (c for c in t.columns if c.endswith(".hit")):
            v = pd.to_numeric(t[c], errors="coerce").dropna()
            rows.append({"target": target_of(c), "ensemble": label, "runs": len(v),
                         "hits": int(v.sum()), "hit_rate": v.mean() if len(v) else np.nan})
    out = pd.DataFrame(rows, columns=["target", "ensemble", "runs", "hits", "hit_rate"])
    return out.sort_values("target", key=lambda s: s.map(natural_key), kind="stable").reset_index(drop=True)


def targets_data(targets: dict) -> pd.DataFrame:
    """targets.csv of each ensemble, for a dot-and-whisker chart.

    Columns: `target`, `description`, `ensemble`, `hit_rate`, `ci_low`, `ci_high` (Wilson 95%);
    targets in natural order, ensembles in the given order.
    """
    parts = [t.assign(ensemble=label) for label, t in targets.items()]
    out = pd.concat(parts, ignore_index=True).rename(
        columns={"hit_rate_ci_low": "ci_low", "hit_rate_ci_high": "ci_high"})
    if "description" not in out:
        out["description"] = ""
    out["description"] = out["description"].fillna("")
    out = out.sort_values("target", key=lambda s: s.map(natural_key), kind="stable")
    return out[["target", "description", "ensemble", "hit_rate", "ci_low", "ci_high"]].reset_index(drop=True)


def outcome_group(name: str) -> str:
    """The family of a scalar outcome, to group a forest plot's rows.

    `T1.miss` → "misses"; `T1.gao_falls` → "target clauses"; `killed.mnla` → "killed";
    `civilians_killed` → "war".
    """
    head, dot, tail = name.partition(".")
    if not dot:
        return "war"
    if re.fullmatch(r"T\d+", head):
        return "misses" if tail == "miss" else "target clauses"
    return head


def forest_data(whatif: pd.DataFrame) -> pd.DataFrame:
    """whatif.csv's paired differences, one row per row of whatif.csv, in its order.

    Targets (`kind` target) keep their natural scale, a difference in hit rate. An outcome's
    difference is divided by `scale`, the larger of the baseline's and the counterfactual's
    5–95% ranges (else |diff_mean|, else 1), so that outcomes in different units share an axis.
    Columns: `name`, `label` (a target's id without `.hit`), `kind`, `group` ("targets" or see
    `outcome_group`), `pairs`, `diff_mean`, `diff_ci_low`, `diff_ci_high`, `p_cf_higher`,
    `scale`, `x`, `x_low`, `x_high` (the scaled difference and interval).
    """
    w = whatif.copy()
    is_target = w["kind"].eq("target")
    spread = np.fmax(w["base_q95"] - w["base_q05"], w["cf_q95"] - w["cf_q05"])
    scale = spread.where(spread > 0, w["diff_mean"].abs())
    scale = scale.where(scale > 0, 1.0).fillna(1.0)
    w["scale"] = scale.where(~is_target, 1.0)
    w["label"] = w["name"].where(~is_target, w["name"].map(target_of))
    w["group"] = w["name"].map(outcome_group).where(~is_target, "targets")
    for col, src in (("x", "diff_mean"), ("x_low", "diff_ci_low"), ("x_high", "diff_ci_high")):
        w[col] = w[src] / w["scale"]
    return w[["name", "label", "kind", "group", "pairs", "diff_mean", "diff_ci_low", "diff_ci_high",
              "p_cf_higher", "scale", "x", "x_low", "x_high"]].reset_index(drop=True)


# --- Map --------------------------------------------------------------------------------------

def map_dates(control: pd.DataFrame, marks: pd.DataFrame = None, spread: int = 4) -> list:
    """Default dates of the map: `spread` dates evenly over control.csv's period (first and last
    included) and the target windows' starts inside it, sorted, each once."""
    days = _dates(control["date"]).drop_duplicates().sort_values()
    first, last = days.iloc[0], days.iloc[-1]
    chosen = set(days.iloc[np.linspace(0, len(days) - 1, spread).round().astype(int)])
    if marks is not None and len(marks):
        starts = _dates(marks["window_start"].dropna())
        chosen |= set(starts[(starts >= first) & (starts <= last)])
    return sorted(chosen)


def window_starts(marks: pd.DataFrame) -> dict:
    """Date → the targets whose documented windows start on it ("T1, T2 start"), for captions."""
    m = marks.dropna(subset=["window_start"])
    starts = {}
    for date, targets in m.groupby(_dates(m["window_start"]))["target"]:
        names = sorted(set(targets), key=natural_key)
        starts[date] = ", ".join(names) + (" start" if len(names) > 1 else " starts")
    return starts


def map_data(control: pd.DataFrame, nodes: pd.DataFrame, factions: pd.DataFrame, dates) -> pd.DataFrame:
    """Each node's control on each of `dates`, for the map.

    `dates`: ISO strings or datetimes; each must be within control.csv's period, and the latest
    recorded day on or before it is used. Columns: `date` (as asked, datetime), `node`, `name`,
    `longitude`, `latitude`, `population`, `category` (see `control_probabilities`),
    `probability`, `colour`; every category of every node, in category order. Raises ValueError
    for a date outside the period.
    """
    probs = control_probabilities(control, factions)
    categories = list(probs.columns[3:])
    recorded = probs["date"].drop_duplicates().sort_values()
    colours = category_colours(factions)
    place = nodes.set_index("node")
    parts = []
    for asked in pd.to_datetime(list(dates)):
        on = recorded[recorded <= asked]
        if on.empty or asked > recorded.iloc[-1]:
            raise ValueError(f"date {asked:%Y-%m-%d} is outside the period "
                             f"{recorded.iloc[0]:%Y-%m-%d}..{recorded.iloc[-1]:%Y-%m-%d}")
        day = probs[probs["date"] == on.iloc[-1]]
        day = day[day["node"].isin(place.index)]
        long = day.melt(id_vars="node", value_vars=categories, var_name="category", value_name="probability")
        long["date"] = asked
        parts.append(long)
    out = pd.concat(parts, ignore_index=True)
    out = out.join(place[["name", "longitude", "latitude", "population"]], on="node")
    out["colour"] = out["category"].map(colours)
    rank = {n: i for i, n in enumerate(node_order(control, nodes))}
    crank = {c: i for i, c in enumerate(categories)}
    out = out.sort_values(["date", "node", "category"],
                          key=lambda s: s.map(rank) if s.name == "node" else s.map(crank) if s.name == "category" else s)
    return out[["date", "node", "name", "longitude", "latitude", "population", "category", "probability",
                "colour"]].reset_index(drop=True)


def road_segments(edges: pd.DataFrame, nodes: pd.DataFrame) -> pd.DataFrame:
    """Each edge as a segment: `from, to, kind, x0, y0, x1, y1` (longitude, latitude); edges
    with an unknown node are dropped."""
    place = nodes.set_index("node")[["longitude", "latitude"]]
    e = edges[edges["from"].isin(place.index) & edges["to"].isin(place.index)]
    a, b = place.loc[e["from"]].to_numpy(), place.loc[e["to"]].to_numpy()
    return pd.DataFrame({"from": e["from"].to_numpy(), "to": e["to"].to_numpy(),
                         "kind": e["kind"].to_numpy() if "kind" in e else "road",
                         "x0": a[:, 0], "y0": a[:, 1], "x1": b[:, 0], "y1": b[:, 1]})


# --- Sensitivity ------------------------------------------------------------------------------

PREFERRED_OUTCOMES = ("civilians_killed", "battle_days", "displaced", "reprisals", "bombings",
                      "defected_out.mnla")


def morris_outputs(morris: pd.DataFrame, outcomes: int = 4) -> list:
    """Default outputs of the Morris plot: every target's hit rate (`T<n>` or `T<n>.hit`, natural
    order), then up to `outcomes` outcomes, the war's totals first, then those with the largest
    mu_star."""
    names = list(dict.fromkeys(morris["output"]))
    targets = sorted((n for n in names if re.fullmatch(r"T\d+(\.hit)?", n)), key=natural_key)
    others = [n for n in names if n not in set(targets)]
    chosen = [n for n in PREFERRED_OUTCOMES if n in set(others)]
    by_effect = morris[morris["output"].isin(others)].groupby("output")["mu_star"].max()
    chosen += [n for n in by_effect.sort_values(ascending=False, kind="stable").index if n not in set(chosen)]
    return targets + chosen[:outcomes]


def morris_data(morris: pd.DataFrame, outputs=None, top: int = 5) -> pd.DataFrame:
    """mu_star and sigma of each parameter for each of `outputs` (default `morris_outputs`).

    Columns: `output`, `parameter`, `mu`, `mu_star`, `sigma`, `rank` (1 = largest mu_star within
    the output), `labelled` (rank ≤ top). Rows by output (in the given order) then rank.
    """
    outputs = list(outputs) if outputs is not None else morris_outputs(morris)
    missing = [o for o in outputs if o not in set(morris["output"])]
    if missing:
        raise ValueError(f"morris.csv has no output {', '.join(missing)}")
    m = morris[morris["output"].isin(outputs)][["output", "parameter", "mu", "mu_star", "sigma"]].copy()
    m["rank"] = m.groupby("output")["mu_star"].rank(ascending=False, method="first").astype(int)
    m["labelled"] = m["rank"] <= top
    order = {o: i for i, o in enumerate(outputs)}
    m = m.sort_values(["output", "rank"], key=lambda s: s.map(order) if s.name == "output" else s)
    return m.reset_index(drop=True)
