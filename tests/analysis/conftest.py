"""Small synthetic results directories written as docs/outputs.md describes them: an ensemble, a
what-if (two ensembles and whatif.csv) and a sensitivity analysis. Control probabilities are
counted from explicit per-run outcomes, the way the engine aggregates them, so that they are
consistent (bloc columns only when every holder is in the bloc, states summing to one)."""
import math
import pathlib

import numpy as np
import pandas as pd
import pytest

START = pd.Timestamp("2012-04-06")
DAYS = 10
RUNS = 10
FACTIONS = pd.DataFrame({
    "faction": ["mnla", "ansar_dine", "mujao", "mali_army", "menaka_militia", "france"],
    "name": ["MNLA", "Ansar Dine", "MUJAO", "Malian army", "Menaka militia", "France"],
    "bloc": ["mnla_side", "islamists", "islamists", "", "mnla_side", "intervention"],
    "kind": ["insurgent", "insurgent", "insurgent", "state", "insurgent", "outside"],
    "color": ["#d4a017", "#2e7d32", "", "#c62828", "#ffb300", "#1565c0"],  # the scenario's; not used
})
BLOCS = {"mnla_side": {"mnla", "menaka_militia"}, "islamists": {"ansar_dine", "mujao"}, "intervention": {"france"}}
STATES = ("held", "shared", "contested", "abandoned", "open")
NODES = pd.DataFrame({
    "node": ["gao", "timbuktu", "kidal", "menaka"],
    "name": ["Gao", "Timbuktu", "Kidal", "Menaka"],
    "latitude": [16.267, 16.7667, 18.4389, 15.9167],
    "longitude": [-0.05, -3.0, 1.4083, 2.4],
    "kind": ["town", "town", "town", "town"],
    "population": [86633, 54453, 25617, 20702],
})
EDGES = pd.DataFrame({"from": ["gao", "gao", "gao"], "to": ["timbuktu", "kidal", "menaka"],
                      "km": [417, 350, 315], "kind": ["road", "track", "road"]})
MARKS = pd.DataFrame({
    "target": ["T1", "T6", "T6", "T7", "T7", "T12", "T5"],
    "clause": ["gao_falls", "goal", "talks", "cities_lost", "cities_lost", "reprisals", "defected"],
    "node": ["gao", "", "", "gao", "kidal", "", ""],
    "window_start": ["2012-04-08", "2012-04-09", "2012-04-09", "2012-04-12", "2012-04-12", "2014-01-15", ""],
    "window_end": ["2012-04-10", "2012-04-12", "2012-04-12", "2012-04-20", "2012-04-20", "2014-03-15", ""],
})

# Hand-made cells (node, day) → one (holders, state) per run; every other cell is drawn at random.
DESIGNED = {
    ("gao", 0): [(("mnla", "ansar_dine"), "shared")] * 10,
    ("gao", 5): [(("ansar_dine", "mujao"), "shared")] * 6 + [(("mnla",), "contested")] * 3 + [((), "open")],
    ("kidal", 3): [(("mali_army",), "held")] * 4 + [(("mnla",), "held")] * 3 + [(("mnla",), "contested")] * 3,
    ("menaka", 2): [(("mnla",), "held")] * 5 + [(("mnla",), "contested")] * 5,
}
CHOICES = [(("mnla",), "held"), (("ansar_dine",), "held"), (("mujao", "ansar_dine"), "shared"),
           (("mali_army",), "held"), (("france", "mali_army"), "shared"), (("mnla",), "contested"),
           ((), "abandoned"), ((), "open"), (("menaka_militia", "mnla"), "shared")]


def control_row(outcomes):
    """The ensemble control.csv columns of one node and day, counted over runs' outcomes."""
    n = len(outcomes)
    row = {f"faction:{f}": 0 for f in FACTIONS["faction"]}
    row.update({f"bloc:{b}": 0 for b in BLOCS})
    row.update({f"state:{s}": 0 for s in STATES})
    for holders, state in outcomes:
        row[f"state:{state}"] += 1
        if state in ("held", "shared") and holders:
            for f in holders:
                row[f"faction:{f}"] += 1
            for b, members in BLOCS.items():
                row[f"bloc:{b}"] += set(holders) <= members
    return {k: v / n for k, v in row.items()}


def control_table(seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for day in range(DAYS):
        for node in NODES["node"]:
            outcomes = DESIGNED.get((node, day)) or [CHOICES[i] for i in rng.integers(len(CHOICES), size=RUNS)]
            rows.append({"date": iso(day), "day": day, "node": node, **control_row(outcomes)})
    return pd.DataFrame(rows)


def iso(day: int) -> str:
    return (START + pd.Timedelta(days=day)).strftime("%Y-%m-%d")


def quantile_table(units, seed: int, value_columns=("mean", "q05", "q25", "q50", "q75", "q95")):
    rng = np.random.default_rng(seed)
    rows = []
    for day in range(DAYS):
        for unit in units:
            draws = rng.normal(1000 + 50 * day, 120, size=200).clip(0)
            q = np.quantile(draws, [0.05, 0.25, 0.5, 0.75, 0.95])
            rows.append({"date": iso(day), "day": day, **unit, **dict(zip(value_columns, [draws.mean(), *q]))})
    return pd.DataFrame(rows)


def runs_table(seed: int, shift: float = 0.0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    gao_falls = rng.integers(60, 90, size=20).astype(float)
    gao_falls[::4] = np.nan  # some runs never see Gao fall
    return pd.DataFrame({
        "run": range(20), "seed": 7,
        "T1.gao_falls": gao_falls,
        "T5.defected": np.nan,  # never produced: all NA
        "fighters_end.mnla": rng.integers(200, 900, size=20) + shift,
        "civilians_killed": rng.integers(0, 30, size=20) + shift,
        "bombings": 0,  # constant
        "T1.hit": (rng.random(20) < 0.4).astype(int),
        "T1.miss": rng.random(20) * 3,
        "T2.hit": (rng.random(20) < 0.7).astype(int),
        "T2.miss": rng.random(20) * 2,
        "T10.hit": (rng.random(20) < 0.1 + shift / 100).astype(int),
        "T10.miss": rng.random(20),
    })


def wilson(hits: int, n: int, z: float = 1.959964):
    p = hits / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def targets_table(runs: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for t in ("T1", "T2", "T10"):
        hits, n = int(runs[f"{t}.hit"].sum()), len(runs)
        lo, hi = wilson(hits, n)
        rows.append({"target": t, "description": f"target {t}, documented", "runs": n, "hits": hits,
                     "hit_rate": hits / n, "hit_rate_ci_low": lo, "hit_rate_ci_high": hi,
                     "median_miss": runs[f"{t}.miss"].median()})
    return pd.DataFrame(rows)


def write(df: pd.DataFrame, path: pathlib.Path):
    df.to_csv(path, index=False, na_rep="NA")


def write_ensemble(d: pathlib.Path, variant: int = 0) -> pathlib.Path:
    d.mkdir(parents=True, exist_ok=True)
    runs = runs_table(10 + variant, shift=40.0 * variant)
    write(runs, d / "runs.csv")
    write(targets_table(runs), d / "targets.csv")
    write(MARKS, d / "target-marks.csv")
    write(control_table(20 + variant), d / "control.csv")
    write(quantile_table([{"faction": f} for f in FACTIONS["faction"]], 30 + variant), d / "strength.csv")
    who = [{"who": f, "kind": "faction"} for f in FACTIONS["faction"]] + [{"who": "tuareg", "kind": "civilians"}]
    write(quantile_table(who, 40 + variant), d / "casualties.csv")
    write(NODES, d / "nodes.csv")
    write(EDGES, d / "edges.csv")
    write(FACTIONS, d / "factions.csv")
    return d


def whatif_table(base: pd.DataFrame, cf: pd.DataFrame) -> pd.DataFrame:
    """whatif.csv from two runs.csv tables, as docs/outputs.md defines it."""
    rows = []
    outcomes = [c for c in base.columns if c not in ("run", "seed") and not c.endswith(".hit")]
    targets = [c for c in base.columns if c.endswith(".hit")]
    for kind, columns in (("outcome", outcomes), ("target", targets)):
        for c in columns:
            b, f = base[c].astype(float), cf[c].astype(float)
            both = b.notna() & f.notna()
            d = (f - b)[both]
            half = 2.093 * d.std(ddof=1) / math.sqrt(len(d)) if len(d) > 1 else np.nan
            rows.append({
                "name": c[:-4] if kind == "target" else c, "kind": kind,
                "base_n": int(b.notna().sum()), "base_mean": b.mean(), "base_q05": b.quantile(0.05),
                "base_q50": b.quantile(0.5), "base_q95": b.quantile(0.95),
                "cf_n": int(f.notna().sum()), "cf_mean": f.mean(), "cf_q05": f.quantile(0.05),
                "cf_q50": f.quantile(0.5), "cf_q95": f.quantile(0.95),
                "pairs": int(both.sum()), "diff_mean": d.mean() if len(d) else np.nan,
                "diff_ci_low": d.mean() - half, "diff_ci_high": d.mean() + half,
                "p_cf_higher": ((d > 0).sum() + 0.5 * (d == 0).sum()) / len(d) if len(d) else np.nan,
            })
    return pd.DataFrame(rows)


PARAMETERS = ["combat.lethality", "pay.elasticity", "ideology.weight", "contagion.rate", "recruit.rate",
              "relations.drift"]
MORRIS_OUTPUTS = ["T1.hit", "T10.hit", "T2.hit", "fighters_end.mnla", "civilians_killed", "battle_days"]


def morris_table() -> pd.DataFrame:
    rows = []
    for j, output in enumerate(MORRIS_OUTPUTS):
        for i, p in enumerate(PARAMETERS):
            mu_star = (i + 1) * (j + 1) * 0.1 if j % 2 == 0 else (len(PARAMETERS) - i) * 0.2
            rows.append({"parameter": p, "output": output, "mu": -mu_star / 2, "mu_star": mu_star,
                         "sigma": mu_star * 0.5 + 0.01 * i, "effects": 4})
    return pd.DataFrame(rows)


@pytest.fixture
def ensemble_dir(tmp_path) -> pathlib.Path:
    return write_ensemble(tmp_path / "ensemble")


@pytest.fixture
def whatif_dir(tmp_path) -> pathlib.Path:
    root = tmp_path / "whatif"
    base = write_ensemble(root / "baseline", 0)
    cf = write_ensemble(root / "counterfactual", 1)
    write(whatif_table(pd.read_csv(base / "runs.csv"), pd.read_csv(cf / "runs.csv")), root / "whatif.csv")
    return root


@pytest.fixture
def sensitivity_dir(tmp_path) -> pathlib.Path:
    root = tmp_path / "sensitivity"
    root.mkdir()
    design = pd.DataFrame(np.linspace(0.1, 0.9, 4 * len(PARAMETERS)).reshape(4, -1), columns=PARAMETERS)
    write(design, root / "design.csv")
    runs = pd.concat([runs_table(50 + p).assign(point=p, replicate=range(20)) for p in range(4)], ignore_index=True)
    runs = runs.drop(columns="run")[["point", "replicate", *[c for c in runs if c not in ("point", "replicate", "run")]]]
    write(runs, root / "runs.csv")
    write(morris_table(), root / "morris.csv")
    return root


# --- A calibration and a fidelity check (docs/outputs.md, "What a calibration writes" and "What
# a fidelity check writes") ---------------------------------------------------------------------

INF = math.inf
# One prior of each distribution the engine knows, as priors.csv spells them.
PRIORS = pd.DataFrame([
    {"parameter": "combat.attrition_rate", "dist": "uniform", "a": 0.0, "b": 0.2, "low": 0.0, "high": 0.2},
    {"parameter": "strategy.attack_ratio", "dist": "normal", "a": 1.5, "b": 0.3, "low": -INF, "high": INF},
    {"parameter": "fighters.pay_weight", "dist": "lognormal", "a": 1.0, "b": 0.5, "low": 0.0, "high": INF},
    {"parameter": "grievance.weight", "dist": "beta", "a": 2.0, "b": 5.0, "low": 0.0, "high": 1.0},
])
VALUES = {"combat.attrition_rate": 0.05, "strategy.attack_ratio": 1.4, "fighters.pay_weight": 1.1,
          "grievance.weight": 0.3}


def prior_frozen(row):
    from scipy import stats
    return {"uniform": lambda: stats.uniform(row["a"], row["b"] - row["a"]),
            "normal": lambda: stats.norm(row["a"], row["b"]),
            "lognormal": lambda: stats.lognorm(row["b"], scale=row["a"]),
            "beta": lambda: stats.beta(row["a"], row["b"])}[row["dist"]]()


def priors_table() -> pd.DataFrame:
    p = PRIORS.copy()
    for q in (0.05, 0.5, 0.95):
        p[f"q{round(q * 100):02d}"] = [prior_frozen(r).ppf(q) for _, r in p.iterrows()]
    p["value"] = p["parameter"].map(VALUES)
    return p


def population_table(g: int, n: int = 40) -> pd.DataFrame:
    """Generation g's particles: the prior sample at 0, then narrowing; the attrition rate drifts
    towards its upper bound (so its posterior piles up there)."""
    rng = np.random.default_rng(100 + g)
    cols = {}
    for _, r in priors_table().iterrows():
        draws = prior_frozen(r).rvs(size=n, random_state=rng)
        cols[r["parameter"]] = draws if g == 0 else r["q50"] + (draws - r["q50"]) / (1 + g)
    cols["combat.attrition_rate"] = np.clip(0.2 - rng.random(n) * 0.2 / (1 + 3 * g), 0, 0.2)
    weight = np.full(n, 1.0 / n) if g == 0 else rng.random(n) + 0.5
    return pd.DataFrame({**cols, "weight": weight / weight.sum(), "distance": rng.random(n) / (1 + g)})


def write_calibration(root: pathlib.Path, generations: int = 3) -> pathlib.Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "manifest.json").write_text('{"command": "calibrate"}\n')
    write(priors_table(), root / "priors.csv")
    rows = []
    for g in range(generations):
        pop = population_table(g)
        write(pop, root / f"population_{g}.csv")
        proposals = 40 * (1 + 2 * g)
        rows.append({"generation": g, "tolerance": INF if g == 0 else 0.8 / g, "proposals": proposals,
                     "runs": proposals, "accepted": 40, "acceptance_rate": 40 / proposals,
                     "ess": 1 / (pop["weight"] ** 2).sum()})
    write(pd.DataFrame(rows), root / "generations.csv")
    write(population_table(generations - 1), root / "posterior.csv")
    return root


FIDELITY_TARGETS = [f"T{i}" for i in range(1, 14)]


def hit_matrix(seed: int, rates, runs: int = 200) -> np.ndarray:
    return (np.random.default_rng(seed).random((runs, len(rates))) < np.asarray(rates)).astype(int)


def fidelity_tables():
    """fidelity.csv and together.csv from two synthetic hit matrices (runs × 13 targets)."""
    prior = hit_matrix(1, np.linspace(0.1, 0.6, 13))
    post = hit_matrix(2, np.linspace(0.5, 0.97, 13))
    rows = []
    for j, t in enumerate(FIDELITY_TARGETS):
        row = {"target": t, "description": f"documented event {t}"}
        for prefix, m in (("prior_", prior), ("", post)):
            hits, n = int(m[:, j].sum()), len(m)
            lo, hi = wilson(hits, n)
            row.update({f"{prefix}hit_rate": hits / n, f"{prefix}ci_low": lo, f"{prefix}ci_high": hi,
                        f"{prefix}median_miss": 0.0 if hits > n / 2 else 1.5})
        rows.append(row)
    fidelity = pd.DataFrame(rows)[["target", "description", "prior_hit_rate", "prior_ci_low", "prior_ci_high",
                                   "prior_median_miss", "hit_rate", "ci_low", "ci_high", "median_miss"]]
    together = pd.DataFrame({"hits": range(14)})
    for name, m in (("prior", prior), ("posterior", post)):
        counts = np.bincount(m.sum(axis=1), minlength=14) / len(m)
        together[f"{name}_share"] = counts
        together[f"{name}_at_least"] = counts[::-1].cumsum()[::-1]
    return fidelity, together


def dates_table() -> pd.DataFrame:
    """dates.csv: dated clauses, one never produced by the prior, one by neither."""
    def q(days, n):
        if n == 0:
            return {"n": 0, **{k: "NA" for k in ("q05", "q25", "q50", "q75", "q95")}}
        d = [(pd.Timestamp("2012-01-17") + pd.Timedelta(days=x)).strftime("%Y-%m-%d") for x in days]
        return {"n": n, **dict(zip(("q05", "q25", "q50", "q75", "q95"), d))}
    rows = [
        ("T1", "gao_falls", "2012-06-26", "2012-06-28", q([120, 150, 170, 190, 240], 150), q([155, 158, 161, 163, 170], 190)),
        ("T10", "konna", "2013-01-10", "2013-01-11", q([300, 330, 350, 380, 420], 80), q([350, 355, 359, 362, 370], 170)),
        ("T2", "ultimatum", "2012-04-01", "2012-04-06", q([], 0), q([60, 70, 76, 80, 90], 120)),
        ("T7", "serval", "2013-01-11", "2013-01-11", q([], 0), q([], 0)),
    ]
    out = []
    for target, clause, start, end, prior, post in rows:
        row = {"target": target, "clause": clause, "window_start": start, "window_end": end}
        row.update({f"prior_{k}": v for k, v in prior.items()})
        row.update({f"posterior_{k}": v for k, v in post.items()})
        out.append(row)
    return pd.DataFrame(out)


def write_fidelity(root: pathlib.Path) -> pathlib.Path:
    write_ensemble(root / "prior", 0)
    write_ensemble(root / "posterior", 1)
    fidelity, together = fidelity_tables()
    write(fidelity, root / "fidelity.csv")
    write(together, root / "together.csv")
    write(dates_table(), root / "dates.csv")
    return root


@pytest.fixture
def calibration_dir(tmp_path) -> pathlib.Path:
    return write_calibration(tmp_path / "calibration")


@pytest.fixture
def fidelity_dir(tmp_path) -> pathlib.Path:
    return write_fidelity(tmp_path / "fidelity")
