"""Which figures a results directory allows, and making them.

Each kind of figure names the files it needs (in every ensemble of the directory, or at its
root) and makes one or more named figures from a `Layout`. Optional files (nodes.csv for
names, target-marks.csv for the windows) improve a figure when present.
"""
import dataclasses
import pathlib
from typing import Callable

import pandas as pd

from analysis import data, draw
from analysis.colours import category_colours
from analysis.files import Layout, read_csv

OUTCOMES_PER_PAGE = 20
MORRIS_PER_PAGE = 9


@dataclasses.dataclass(frozen=True)
class Options:
    dates: tuple = ()  # the map's dates (ISO); empty: data.map_dates


@dataclasses.dataclass(frozen=True)
class Kind:
    """A kind of figure: `needs` files in every ensemble, `needs_root` files at the root."""
    name: str
    description: str
    make: Callable  # (Layout, Options) -> list of (figure name, Figure)
    needs: tuple = ()
    needs_root: tuple = ()

    def allowed(self, layout: Layout) -> bool:
        return all(layout.has(f) for f in self.needs) and all(layout.has_root(f) for f in self.needs_root)


def _suffixed(name: str, label: str) -> str:
    return f"{name}-{label}" if label else name


def _stack(tables: dict) -> pd.DataFrame:
    return pd.concat([t.assign(ensemble=label) for label, t in tables.items()], ignore_index=True)


def _pages(items: list, per_page: int) -> list:
    return [items[i:i + per_page] for i in range(0, len(items), per_page)]


def _paged(name: str, pages: list) -> list:
    return [(name if len(pages) == 1 else f"{name}-{i + 1}", page) for i, page in enumerate(pages)]


def make_control(layout: Layout, options: Options) -> list:
    figures = []
    for label, d in layout.ensembles.items():
        factions = data_files(d, "factions.csv")
        nodes = data_files(d, "nodes.csv", required=False)
        marks = data_files(d, "target-marks.csv", required=False)
        heat = data.control_heatmap_data(data_files(d, "control.csv"), factions, nodes)
        period = (heat["date"].min(), heat["date"].max())
        windows = data.marks_data(marks, period) if marks is not None else pd.DataFrame(
            columns=["target", "clauses", "node", "start", "end"])
        names = dict(zip(nodes["node"], nodes["name"])) if nodes is not None else {}
        title = "Who holds each town" + (f" ({label})" if label else "") + \
                ": most probable holder (colour), its probability (intensity), target windows (outlined)"
        figures.append((_suffixed("control", label),
                        draw.draw_control(heat, windows, category_colours(factions), names, title)))
    return figures


def make_strength(layout: Layout, options: Options) -> list:
    fans = {label: data.fan_data(data_files(d, "strength.csv"), data_files(d, "factions.csv", required=False))
            for label, d in layout.ensembles.items()}
    return [("strength", draw.draw_fans(_stack(fans)))]


def _design_parameters(layout: Layout) -> list:
    return list(layout.read_root("design.csv").columns) if layout.has_root("design.csv") else []


def make_outcomes(layout: Layout, options: Options) -> list:
    runs = layout.read("runs.csv")
    outcomes = data.outcome_data(runs, exclude=_design_parameters(layout))
    names = list(dict.fromkeys(outcomes["outcome"]))
    pages = _pages(names, OUTCOMES_PER_PAGE)
    title = "Outcome distributions over runs" + (f" ({' and '.join(layout.ensembles)})" if layout.is_paired else "")
    return [(name, draw.draw_outcomes(outcomes[outcomes["outcome"].isin(page)], page,
                                      title + (f", {i + 1} of {len(pages)}" if len(pages) > 1 else "")))
            for i, (name, page) in enumerate(_paged("outcomes", pages))]


def make_hit_rates(layout: Layout, options: Options) -> list:
    hits = data.hit_rate_data(layout.read("runs.csv"))
    return [("hit-rates", draw.draw_hit_rates(hits))] if len(hits) else []


def make_targets(layout: Layout, options: Options) -> list:
    targets = data.targets_data(layout.read("targets.csv"))
    return [("targets", draw.draw_targets(targets))] if len(targets) else []  # none: a model without targets


def make_states(layout: Layout, options: Options) -> list:
    fans = {label: data.states_data(data_files(d, "states.csv")) for label, d in layout.ensembles.items()}
    schedules = {label: s for label, d in layout.ensembles.items()
                 if (s := data_files(d, "schedule.csv", required=False)) is not None}
    title = "Citizens by state per step, over runs" + (f" ({' and '.join(layout.ensembles)})" if layout.is_paired else "")
    return [("states", draw.draw_states(_stack(fans), _stack(schedules) if schedules else None, title))]


def make_forest(layout: Layout, options: Options) -> list:
    return [("forest", draw.draw_forest(data.forest_data(layout.read_root("whatif.csv"))))]


def make_map(layout: Layout, options: Options) -> list:
    figures = []
    for label, d in layout.ensembles.items():
        control, nodes, factions = (data_files(d, f) for f in ("control.csv", "nodes.csv", "factions.csv"))
        edges = data_files(d, "edges.csv", required=False)
        marks = data_files(d, "target-marks.csv", required=False)
        dates = list(options.dates) or data.map_dates(control, marks)
        places = data.map_data(control, nodes, factions, dates)
        roads = data.road_segments(edges, nodes) if edges is not None else pd.DataFrame(
            columns=["from", "to", "kind", "x0", "y0", "x1", "y1"])
        title = "Control of each node" + (f" ({label})" if label else "") + \
                ": share of runs by holder (pie), population (size), roads (lines)"
        captions = data.window_starts(marks) if marks is not None else {}
        figures.append((_suffixed("map", label),
                        draw.draw_map(places, roads, category_colours(factions), captions, title)))
    return figures


def make_morris(layout: Layout, options: Options) -> list:
    morris = data.morris_data(layout.read_root("morris.csv"))
    outputs = list(dict.fromkeys(morris["output"]))
    pages = _pages(outputs, MORRIS_PER_PAGE)
    return [(name, draw.draw_morris(morris[morris["output"].isin(page)], page)) for name, page in _paged("morris", pages)]


def make_marginals(layout: Layout, options: Options) -> list:
    priors, posterior = layout.read_root("priors.csv"), layout.read_root("posterior.csv")
    hist = data.marginal_data(posterior, priors)
    return [("marginals", draw.draw_marginals(hist, data.prior_curves(priors, posterior), data.prior_table(priors),
                                              data.pile_up_data(posterior, priors)))]


def make_pairs(layout: Layout, options: Options) -> list:
    priors, posterior = layout.read_root("priors.csv"), layout.read_root("posterior.csv")
    return [("pairs", draw.draw_pairs(data.pairs_data(posterior, priors), data.pairs_limits(posterior, priors),
                                      data.marginal_data(posterior, priors)))]


def make_generations(layout: Layout, options: Options) -> list:
    return [("generations", draw.draw_generations(data.generations_data(layout.read_root("generations.csv"))))]


def make_fidelity(layout: Layout, options: Options) -> list:
    title = "Documented targets: hit rate with 95% interval, prior-predictive vs posterior-predictive (fidelity.csv)"
    return [("fidelity", draw.draw_targets(data.fidelity_data(layout.read_root("fidelity.csv")), title, guide=0.5))]


def make_together(layout: Layout, options: Options) -> list:
    together = layout.read_root("together.csv")
    return [("together", draw.draw_together(data.together_data(together), data.all_but_three(together)))]


def make_timeline(layout: Layout, options: Options) -> list:
    return [("timeline", draw.draw_timeline(data.dates_data(layout.read_root("dates.csv"))))]


def data_files(directory: pathlib.Path, name: str, required: bool = True):
    """One CSV file of an ensemble directory; None if optional and absent."""
    path = directory / name
    return read_csv(path) if required or path.is_file() else None


KINDS = (
    Kind("control", "node × day heatmap of who holds each town, with the targets' windows", make_control,
         needs=("control.csv", "factions.csv")),
    Kind("strength", "fan charts of each faction's fighters", make_strength, needs=("strength.csv",)),
    Kind("states", "fan charts of active, jailed and quiet citizens per step (civil violence)", make_states,
         needs=("states.csv",)),
    Kind("outcomes", "histograms of the scalar outcomes", make_outcomes, needs=("runs.csv",)),
    Kind("hit-rates", "targets' hit rates over runs, as bars", make_hit_rates, needs=("runs.csv",)),
    Kind("targets", "targets' hit rates with Wilson intervals", make_targets, needs=("targets.csv",)),
    Kind("forest", "what-if paired differences with their intervals", make_forest, needs_root=("whatif.csv",)),
    Kind("map", "nodes and roads coloured by control on chosen dates", make_map,
         needs=("control.csv", "nodes.csv", "factions.csv")),
    Kind("morris", "Morris mu* against sigma per output", make_morris, needs_root=("morris.csv",)),
    Kind("marginals", "posterior marginals against their priors, pile-ups at a prior's edge flagged", make_marginals,
         needs_root=("priors.csv", "posterior.csv")),
    Kind("pairs", "posterior pairs plot: weighted scatter of each pair, marginals on the diagonal", make_pairs,
         needs_root=("priors.csv", "posterior.csv")),
    Kind("generations", "tolerance, acceptance rate and ESS by generation", make_generations,
         needs_root=("generations.csv",)),
    Kind("fidelity", "hit rates with intervals, prior vs posterior", make_fidelity, needs_root=("fidelity.csv",)),
    Kind("together", "share of runs hitting k targets together, prior vs posterior", make_together,
         needs_root=("together.csv",)),
    Kind("timeline", "documented windows against the simulated dates, prior vs posterior", make_timeline,
         needs_root=("dates.csv",)),
)
KIND_NAMES = tuple(k.name for k in KINDS)


def allowed_kinds(layout: Layout, only: str = None) -> list:
    """The kinds of figure the directory's files allow (only `only` if given)."""
    return [k for k in KINDS if (only is None or k.name == only) and k.allowed(layout)]
