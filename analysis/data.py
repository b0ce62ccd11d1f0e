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


STATE_ORDER = ("active", "jailed", "quiet")
STATE_COLOURS = {"active": "#C62828", "jailed": "#455A64", "quiet": "#1E88E5"}


def states_data(states: pd.DataFrame) -> pd.DataFrame:
    """Citizens in each state per step (a civil-violence ensemble's states.csv), for a fan chart.

    Columns: `step`, `state`, `mean`, `q05`…`q95`, `colour`; states in the order active, jailed,
    quiet (any other after them), steps increasing. Raises ValueError when a row's quantiles are
    not ordered, which would be the writer's bug.
    """
    out = states[["day", "state", "mean", *QUANTILES]].rename(columns={"day": "step"}).copy()
    q = out[list(QUANTILES)].to_numpy(dtype=float)
    bad = np.flatnonzero((np.diff(q, axis=1) < -1e-9).any(axis=1))
    if bad.size:
        row = out.iloc[bad[0]]
        raise ValueError(f"states.csv: quantiles not ordered for {row.state} at step {row.step}")
    present = list(dict.fromkeys(out["state"]))
    order = [s for s in STATE_ORDER if s in set(present)] + [s for s in present if s not in STATE_ORDER]
    rank = {s: i for i, s in enumerate(order)}
    out["colour"] = out["state"].map(lambda s: STATE_COLOURS.get(s, palette_colour(rank[s])))
    out = out.sort_values(["state", "step"], key=lambda c: c.map(rank) if c.name == "state" else c)
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


# --- Calibration --------------------------------------------------------------------------------

# The pile-up rule (see `pile_up_data`): a posterior is flagged when more than PILE_UP_WEIGHT of
# its weight lies in the outer PILE_UP_EDGE of the prior's support on one side.
PILE_UP_WEIGHT = 0.20
PILE_UP_EDGE = 0.05
PRIOR_COLUMNS = ("parameter", "dist", "a", "b", "low", "high", "q05", "q50", "q95", "value")
# Where each distribution's density is positive before truncation (uniform: [a, b]).
NATURAL_SUPPORT = {"normal": (-np.inf, np.inf), "lognormal": (0.0, np.inf), "beta": (0.0, 1.0)}


def _numeric(frame: pd.DataFrame, columns) -> pd.DataFrame:
    """`columns` as floats: `inf`, `-inf` and `nan` as the engine spells them, anything else NaN."""
    out = frame.copy()
    for c in columns:
        out[c] = pd.to_numeric(out[c], errors="coerce")
    return out


def prior_table(priors: pd.DataFrame) -> pd.DataFrame:
    """priors.csv with each prior's support and the range its panel shows.

    Adds `support_low`, `support_high` (the truncation bounds `low`, `high` intersected with
    where the distribution lives: [a, b] uniform, (0, ∞) lognormal, [0, 1] beta; ±inf when
    unbounded) and `range_low`, `range_high`: the support's bound where finite, else the prior's
    q05 (low side) or q95 (high side). Indexed by parameter, in priors.csv's order.
    """
    p = _numeric(priors[list(PRIOR_COLUMNS)], PRIOR_COLUMNS[2:])
    natural = [(r.a, r.b) if r.dist == "uniform" else NATURAL_SUPPORT.get(r.dist, (-np.inf, np.inf))
               for r in p.itertuples()]
    p["support_low"] = np.fmax(p["low"].fillna(-np.inf), [n[0] for n in natural])
    p["support_high"] = np.fmin(p["high"].fillna(np.inf), [n[1] for n in natural])
    p["range_low"] = p["support_low"].where(np.isfinite(p["support_low"]), p["q05"])
    p["range_high"] = p["support_high"].where(np.isfinite(p["support_high"]), p["q95"])
    return p.set_index("parameter")


def posterior_parameters(posterior: pd.DataFrame, priors: pd.DataFrame) -> list:
    """The calibrated parameters: priors.csv's, in its order; every one must be a column of the
    population (else ValueError)."""
    names = list(priors["parameter"])
    missing = [n for n in names if n not in posterior]
    if missing:
        raise ValueError(f"posterior.csv has no column {', '.join(missing)}")
    return names


def normalised_weights(population: pd.DataFrame) -> np.ndarray:
    """The particles' weights summing to 1 (equal when there is no `weight` column)."""
    if "weight" not in population:
        return np.full(len(population), 1.0 / len(population))
    w = pd.to_numeric(population["weight"], errors="coerce").fillna(0.0).to_numpy(dtype=float)
    if not (w >= 0).all() or w.sum() <= 0:
        raise ValueError("posterior.csv: weights must be non-negative with a positive sum")
    return w / w.sum()


def marginal_edges(values: np.ndarray, prior: pd.Series, bins: int = 20) -> np.ndarray:
    """`bins` equal bins over the prior's range (`prior_table`), widened to every value."""
    lo = min(prior["range_low"], np.min(values))
    hi = max(prior["range_high"], np.max(values))
    if not hi > lo:
        lo, hi = lo - 0.5, hi + 0.5
    return np.linspace(lo, hi, bins + 1)


def marginal_data(posterior: pd.DataFrame, priors: pd.DataFrame, bins: int = 20) -> pd.DataFrame:
    """The weighted histogram of each calibrated parameter's posterior.

    Columns: `parameter`, `left`, `right` (bin edges, see `marginal_edges`), `mass` (share of
    the posterior weight in the bin: they sum to 1 per parameter), `density` (mass / width).
    Parameters in priors.csv's order.
    """
    table = prior_table(priors)
    w = normalised_weights(posterior)
    parts = []
    for name in posterior_parameters(posterior, priors):
        x = pd.to_numeric(posterior[name], errors="coerce").to_numpy(dtype=float)
        edges = marginal_edges(x, table.loc[name], bins)
        mass, _ = np.histogram(x, bins=edges, weights=w)
        parts.append(pd.DataFrame({"parameter": name, "left": edges[:-1], "right": edges[1:], "mass": mass,
                                   "density": mass / np.diff(edges)}))
    return pd.concat(parts, ignore_index=True)


def prior_density(prior: pd.Series, x) -> np.ndarray:
    """The prior's density at `x`, truncated to its support and renormalised, as the engine
    defines it (uniform a..b; normal mean a, sd b; lognormal median a, sigma b; beta alpha a,
    beta b); None for a distribution it does not know."""
    from scipy import stats
    x = np.asarray(x, dtype=float)
    dist = {"uniform": lambda: stats.uniform(prior["a"], prior["b"] - prior["a"]),
            "normal": lambda: stats.norm(prior["a"], prior["b"]),
            "lognormal": lambda: stats.lognorm(prior["b"], scale=prior["a"]),
            "beta": lambda: stats.beta(prior["a"], prior["b"])}.get(prior["dist"])
    if dist is None:
        return None
    d = dist()
    lo, hi = prior["support_low"], prior["support_high"]
    inside = d.cdf(hi) - d.cdf(lo)
    if not inside > 0:
        return None
    return np.where((x >= lo) & (x <= hi), d.pdf(x) / inside, 0.0)


def prior_curves(priors: pd.DataFrame, posterior: pd.DataFrame = None, points: int = 201) -> pd.DataFrame:
    """Each prior's density over its panel's range (widened to the posterior's values when
    given), for drawing: `parameter, x, density`; parameters whose distribution is unknown have
    no rows (their panel shows the prior's 5–95% band instead)."""
    table = prior_table(priors)
    parts = []
    for name, prior in table.iterrows():
        lo, hi = prior["range_low"], prior["range_high"]
        if posterior is not None and name in posterior:
            x = pd.to_numeric(posterior[name], errors="coerce")
            lo, hi = min(lo, x.min()), max(hi, x.max())
        if not (np.isfinite(lo) and np.isfinite(hi) and hi > lo):
            continue
        x = np.linspace(lo, hi, points)
        density = prior_density(prior, x)
        if density is not None:
            parts.append(pd.DataFrame({"parameter": name, "x": x, "density": density}))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["parameter", "x", "density"])


def pile_up_data(posterior: pd.DataFrame, priors: pd.DataFrame, weight: float = PILE_UP_WEIGHT,
                 edge: float = PILE_UP_EDGE) -> pd.DataFrame:
    """Whether each parameter's posterior piles against a bound of its prior.

    The rule, per side of each prior: the *edge* is where the prior itself puts 5% of its
    mass: at or below its q05 (low side), at or above its q95 (high side). (For a uniform prior
    that is the outer 5% of the support; for a prior concentrated near a bound, such as
    beta(1.5, 200) on [0, 1], it is a thin sliver, so a posterior that merely follows the
    prior is not flagged.) A side is flagged when the posterior weight in its edge is more
    than `weight` (20%): four times what the prior gives it. `edge` is kept for the signature
    and must be 0.05, the quantiles priors.csv carries.

    Columns: `parameter`, `low_edge`, `high_edge` (the edges' inner limits), `weight_low`,
    `weight_high` (posterior weight at or beyond them), `flagged` (bool), `side` ("low",
    "high", "both" or ""), `note` (why, for the figure; "" when not flagged).
    """
    table = prior_table(priors)
    w = normalised_weights(posterior)
    rows = []
    for name in posterior_parameters(posterior, priors):
        p = table.loc[name]
        x = pd.to_numeric(posterior[name], errors="coerce").to_numpy(dtype=float)
        low_edge, high_edge = p["q05"], p["q95"]
        w_low, w_high = w[x <= low_edge].sum(), w[x >= high_edge].sum()
        sides_flagged = [s for s, v in (("low", w_low), ("high", w_high)) if v > weight]
        side = "both" if len(sides_flagged) == 2 else (sides_flagged[0] if sides_flagged else "")
        notes = []
        for s, v in (("low", w_low), ("high", w_high)):
            if s in sides_flagged:
                where = f"{'below' if s == 'low' else 'above'} the prior's {'q05' if s == 'low' else 'q95'}"
                notes.append(f"{v:.0%} of the weight {where} (the prior puts {edge:.0%} there)")
        rows.append({"parameter": name, "low_edge": low_edge, "high_edge": high_edge, "weight_low": w_low,
                     "weight_high": w_high, "flagged": bool(sides_flagged), "side": side,
                     "note": "; ".join(notes)})
    return pd.DataFrame(rows, columns=["parameter", "low_edge", "high_edge", "weight_low", "weight_high", "flagged",
                                       "side", "note"])


def pairs_data(posterior: pd.DataFrame, priors: pd.DataFrame) -> pd.DataFrame:
    """The particles for a pairs plot: the calibrated parameters (priors.csv's order), then
    `weight` (normalised to sum to 1), heaviest particles last so they are drawn on top."""
    names = posterior_parameters(posterior, priors)
    out = posterior[names].apply(pd.to_numeric, errors="coerce")
    out["weight"] = normalised_weights(posterior)
    return out.sort_values("weight", kind="stable").reset_index(drop=True)


def pairs_limits(posterior: pd.DataFrame, priors: pd.DataFrame) -> pd.DataFrame:
    """Each parameter's axis limits in the pairs plot: its marginal's bins' span (`low`, `high`),
    indexed by parameter."""
    m = marginal_data(posterior, priors)
    return m.groupby("parameter", sort=False).agg(low=("left", "min"), high=("right", "max"))


GENERATION_SERIES = ("tolerance", "acceptance_rate", "ess")


def generations_data(generations: pd.DataFrame) -> pd.DataFrame:
    """generations.csv as long series for three small panels: `generation`, `series`
    (tolerance, acceptance_rate, ess), `value`, `particles` (`accepted`: the most the ESS can
    reach). Non-finite values are left out: generation 0's tolerance is `inf` (the prior
    sample, accepted whatever its distance). Rows by series, then generation."""
    g = _numeric(generations, [c for c in ("generation", *GENERATION_SERIES, "accepted") if c in generations])
    for c in GENERATION_SERIES:
        if c not in g:
            raise KeyError(c)
    if "accepted" not in g:
        g["accepted"] = np.nan
    long = g.melt(id_vars=["generation", "accepted"], value_vars=list(GENERATION_SERIES), var_name="series",
                  value_name="value").rename(columns={"accepted": "particles"})
    long = long[np.isfinite(long["value"])]
    long["generation"] = long["generation"].astype(int)
    rank = {s: i for i, s in enumerate(GENERATION_SERIES)}
    long = long.sort_values(["series", "generation"], key=lambda s: s.map(rank) if s.name == "series" else s)
    return long[["generation", "series", "value", "particles"]].reset_index(drop=True)


# --- Fidelity -----------------------------------------------------------------------------------

FIDELITY_ENSEMBLES = ("prior", "posterior")


def fidelity_data(fidelity: pd.DataFrame) -> pd.DataFrame:
    """fidelity.csv as two rows per target, prior then posterior, for a dot-and-whisker chart.

    Columns as `targets_data` (`target, description, ensemble, hit_rate, ci_low, ci_high`) and
    `median_miss`; targets in natural order.
    """
    f = fidelity.copy()
    if "description" not in f:
        f["description"] = ""
    f["description"] = f["description"].fillna("")
    parts = []
    for label, prefix in (("prior", "prior_"), ("posterior", "")):
        cols = {f"{prefix}{c}": c for c in ("hit_rate", "ci_low", "ci_high", "median_miss")}
        part = f[["target", "description", *cols]].rename(columns=cols).assign(ensemble=label)
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    out = out.sort_values("target", key=lambda s: s.map(natural_key), kind="stable")
    return out[["target", "description", "ensemble", "hit_rate", "ci_low", "ci_high", "median_miss"]] \
        .reset_index(drop=True)


def together_data(together: pd.DataFrame) -> pd.DataFrame:
    """together.csv as bars: `hits`, `ensemble` (prior, posterior), `share` (share of runs hitting
    exactly that many targets; sums to 1 per ensemble), `at_least`; by ensemble then hits."""
    t = _numeric(together, ["hits", "prior_share", "posterior_share", "prior_at_least", "posterior_at_least"])
    parts = [pd.DataFrame({"hits": t["hits"].astype(int), "ensemble": e, "share": t[f"{e}_share"],
                           "at_least": t[f"{e}_at_least"]}) for e in FIDELITY_ENSEMBLES]
    return pd.concat(parts, ignore_index=True).sort_values(["ensemble", "hits"], key=lambda s: s.map(
        {e: i for i, e in enumerate(FIDELITY_ENSEMBLES)}) if s.name == "ensemble" else s).reset_index(drop=True)


def all_but_three(together: pd.DataFrame) -> dict:
    """The "at least all but three" line: `hits` (the number of targets, the largest `hits`,
    less three, at least 0) and each ensemble's share of runs hitting that many or more."""
    t = _numeric(together, ["hits", "prior_at_least", "posterior_at_least"])
    line = max(int(t["hits"].max()) - 3, 0)
    row = t[t["hits"] == line]
    return {"hits": line, "targets": int(t["hits"].max()),
            **{e: float(row[f"{e}_at_least"].iloc[0]) if len(row) else np.nan for e in FIDELITY_ENSEMBLES}}


def dates_data(dates: pd.DataFrame) -> pd.DataFrame:
    """dates.csv as the timeline's rows: one per dated clause and ensemble (prior, posterior).

    Columns: `row` (0, 1, … in the file's order, targets in natural order), `target`, `clause`,
    `label` ("T1 gao_falls"), `window_start`, `window_end` (datetimes, NaT when undocumented),
    `ensemble`, `n` (runs where the clause happened), `q05` … `q95` (datetimes; NaT when n = 0).
    """
    d = dates.copy()
    d = d.sort_values("target", key=lambda s: s.map(natural_key), kind="stable").reset_index(drop=True)
    base = pd.DataFrame({"row": range(len(d)), "target": d["target"].to_numpy(),
                         "clause": d["clause"].fillna("").to_numpy(),
                         "window_start": _dates(d["window_start"]).to_numpy(),
                         "window_end": _dates(d["window_end"]).to_numpy()})
    base["label"] = (base["target"] + " " + base["clause"]).str.strip()
    parts = []
    for e in FIDELITY_ENSEMBLES:
        part = base.assign(ensemble=e, n=pd.to_numeric(d[f"{e}_n"], errors="coerce").fillna(0).astype(int).to_numpy())
        for q in QUANTILES:
            part[q] = _dates(d[f"{e}_{q}"]).to_numpy()
        part.loc[part["n"] == 0, list(QUANTILES)] = pd.NaT
        parts.append(part)
    out = pd.concat(parts, ignore_index=True).sort_values(["row", "ensemble"], key=lambda s: s.map(
        {e: i for i, e in enumerate(FIDELITY_ENSEMBLES)}) if s.name == "ensemble" else s)
    return out[["row", "target", "clause", "label", "window_start", "window_end", "ensemble", "n",
                *QUANTILES]].reset_index(drop=True)
