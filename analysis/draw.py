"""Drawing: each function takes a table made by analysis.data and returns a matplotlib Figure
(object-oriented API, no pyplot state). No computation of what is shown happens here beyond
placing it: bins of a histogram, positions of rows and panels."""
import functools
import math

import matplotlib as mpl
import matplotlib.dates as mdates
import matplotlib.colors as mcolors
import numpy as np
import pandas as pd
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.transforms import blended_transform_factory

STYLE = {"font.size": 8, "axes.titlesize": 8, "axes.labelsize": 8, "xtick.labelsize": 7,
         "ytick.labelsize": 7, "legend.fontsize": 7, "axes.spines.top": False,
         "axes.spines.right": False}
# Ensembles, when a figure overlays them (a lone ensemble is labelled "").
ENSEMBLE_COLOURS = {"": "#3B6E9C", "baseline": "#3B6E9C", "counterfactual": "#D55E00",
                    "prior": "#E69F00", "posterior": "#0072B2"}
FLAG_COLOUR = "#C62828"  # a posterior piled against a prior bound
NO_PLACE = "(no place)"


def styled(draw):
    """Runs a drawing function under the figures' common style."""
    @functools.wraps(draw)
    def wrapper(*args, **kwargs):
        with mpl.rc_context(STYLE):
            return draw(*args, **kwargs)
    return wrapper


def panels(n: int, ncols: int, width: float, height: float, **subplot_kw):
    """A figure of n panels on a grid of `ncols` columns, each width × height inches."""
    ncols = max(1, min(ncols, n))
    nrows = math.ceil(n / ncols)
    fig = Figure(figsize=(width * ncols, height * nrows + 0.9), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False, **subplot_kw).ravel()
    for ax in axes[n:]:
        ax.remove()
    for ax in axes[max(0, n - ncols):n]:  # the lowest panel of each column shows its x labels
        ax.tick_params(labelbottom=True)
    return fig, list(axes[:n])


def bottom_legend(fig, handles=None, labels=None, ncol=1):
    """A legend under the figure (saving with bbox_inches="tight" keeps it)."""
    if labels is None:
        fig.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0), ncol=ncol, frameon=False)
    else:
        fig.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0), ncol=ncol, frameon=False)


def ensemble_name(label: str) -> str:
    return label or "ensemble"


def date_axis(ax):
    locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


# --- 1. Control over time ---------------------------------------------------------------------

@styled
def draw_control(heat: pd.DataFrame, marks: pd.DataFrame, categories: dict, names: dict = None,
                 title: str = "") -> Figure:
    """Node × day heatmap: hue = most probable holder, intensity = its probability; each
    target's window outlined on its node's row (a row "(no place)" for clauses without one)."""
    names = names or {}
    nodes = list(dict.fromkeys(heat["node"]))
    marks = marks[marks["node"].isin(nodes) | marks["node"].eq("")]
    rows = ([NO_PLACE] if marks["node"].eq("").any() else []) + nodes
    dates = np.sort(heat["date"].unique())
    prob = heat.pivot(index="node", columns="date", values="probability").reindex(index=rows, columns=dates)
    colour = heat.pivot(index="node", columns="date", values="colour").reindex(index=rows, columns=dates)
    image = np.ones(prob.shape + (3,))
    for c in heat["colour"].unique():
        where = (colour == c).to_numpy()
        p = prob.to_numpy()[where][:, None]
        image[where] = 1.0 - p * (1.0 - np.array(mcolors.to_rgb(c)))

    fig = Figure(figsize=(13, 0.3 * len(rows) + 2.2), layout="constrained")
    ax = fig.subplots()
    x0, x1 = mdates.date2num(pd.Timestamp(dates[0])) - 0.5, mdates.date2num(pd.Timestamp(dates[-1])) + 0.5
    ax.imshow(image, aspect="auto", interpolation="nearest", extent=(x0, x1, len(rows) - 0.5, -0.5))
    ax.set_yticks(range(len(rows)), [names.get(r, r) for r in rows])
    ax.set_xlim(x0, x1)
    date_axis(ax)
    row_of = {r: i for i, r in enumerate(rows)}
    labelled = {}
    for m in marks.itertuples():
        y = row_of[m.node or NO_PLACE]
        a, b = mdates.date2num(m.start) - 0.5, mdates.date2num(m.end) + 0.5
        for edge, width in (("white", 2.2), ("black", 0.9)):
            ax.add_patch(Rectangle((a, y - 0.42), b - a, 0.84, fill=False, edgecolor=edge, linewidth=width))
        k = labelled.setdefault(y, 0)
        labelled[y] += 1
        ax.annotate(m.target, (a, y - 0.42 if k % 2 == 0 else y + 0.42), xytext=(2, 0),
                    textcoords="offset points", fontsize=6, va="bottom" if k % 2 == 0 else "top", ha="left",
                    bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none", "alpha": 0.8})
    present = [c for c in categories if c in set(heat["holder"])]
    handles = [Patch(facecolor=categories[c], label=c) for c in present]
    handles.append(Patch(facecolor="none", edgecolor="black", label="target window"))
    bottom_legend(fig, handles=handles, ncol=min(len(handles), 8))
    ax.set_title(title or "Who holds each town: most probable holder (colour) and its probability (intensity)")
    return fig


# --- 2. Fighters --------------------------------------------------------------------------------

@styled
def draw_fans(fan: pd.DataFrame, title: str = "") -> Figure:
    """One panel per faction: median, 50% and 90% bands of fighters; with several ensembles
    (column `ensemble`), the first filled and the others as dashed outlines."""
    factions = list(dict.fromkeys(fan["faction"]))
    ensembles = list(dict.fromkeys(fan["ensemble"]))
    fig, axes = panels(len(factions), 3, 4.2, 2.4, sharex=True)
    for ax, faction in zip(axes, factions):
        for k, label in enumerate(ensembles):
            f = fan[(fan["faction"] == faction) & (fan["ensemble"] == label)]
            if f.empty:
                continue
            c = f["colour"].iloc[0]
            if k == 0:
                ax.fill_between(f["date"], f["q05"], f["q95"], color=c, alpha=0.2, linewidth=0)
                ax.fill_between(f["date"], f["q25"], f["q75"], color=c, alpha=0.4, linewidth=0)
                ax.plot(f["date"], f["q50"], color=c, linewidth=1.4)
            else:
                for lo, hi, lw in (("q05", "q95", 0.5), ("q25", "q75", 0.9)):
                    ax.plot(f["date"], f[lo], color="black", linestyle="--", linewidth=lw)
                    ax.plot(f["date"], f[hi], color="black", linestyle="--", linewidth=lw)
                ax.plot(f["date"], f["q50"], color="black", linestyle="--", linewidth=1.4)
        ax.set_title(faction)
        ax.set_ylim(bottom=0)
        date_axis(ax)
    handles = [Patch(facecolor="grey", alpha=0.2, label="90% band"), Patch(facecolor="grey", alpha=0.5, label="50% band"),
               Line2D([], [], color="grey", label="median")]
    if len(ensembles) > 1:
        handles = [Line2D([], [], color="grey", linewidth=4, label=f"{ensembles[0]} (filled)"),
                   *[Line2D([], [], color="black", linestyle="--", label=f"{e} (dashed)") for e in ensembles[1:]],
                   *handles]
    bottom_legend(fig, handles=handles, ncol=len(handles))
    fig.suptitle(title or "Fighters of each faction (standing or on the move), over runs")
    return fig


@styled
def draw_states(fan: pd.DataFrame, schedules: pd.DataFrame = None, title: str = "") -> Figure:
    """One panel per citizens' state (a civil-violence ensemble): median, 50% and 90% bands per
    step; with several ensembles (column `ensemble`) the first filled and the others dashed. The
    legitimacy schedule (`schedules`: step, legitimacy, ensemble), when given, on a right axis."""
    states = list(dict.fromkeys(fan["state"]))
    ensembles = list(dict.fromkeys(fan["ensemble"]))
    fig, axes = panels(len(states), 3, 4.2, 2.6, sharex=True)
    for ax, state in zip(axes, states):
        for k, label in enumerate(ensembles):
            f = fan[(fan["state"] == state) & (fan["ensemble"] == label)]
            if f.empty:
                continue
            c = f["colour"].iloc[0]
            if k == 0:
                ax.fill_between(f["step"], f["q05"], f["q95"], color=c, alpha=0.2, linewidth=0)
                ax.fill_between(f["step"], f["q25"], f["q75"], color=c, alpha=0.4, linewidth=0)
                ax.plot(f["step"], f["q50"], color=c, linewidth=1.4)
                ax.plot(f["step"], f["mean"], color=c, linewidth=0.8, linestyle=":")
            else:
                for lo, hi, lw in (("q05", "q95", 0.5), ("q25", "q75", 0.9)):
                    ax.plot(f["step"], f[lo], color="black", linestyle="--", linewidth=lw)
                    ax.plot(f["step"], f[hi], color="black", linestyle="--", linewidth=lw)
                ax.plot(f["step"], f["q50"], color="black", linestyle="--", linewidth=1.4)
        if schedules is not None and len(schedules):
            twin = ax.twinx()
            for k, label in enumerate(ensembles):
                sch = schedules[schedules["ensemble"] == label]
                twin.plot(sch["step"], sch["legitimacy"], color="grey", linewidth=0.9,
                          linestyle="-" if k == 0 else "--")
            twin.set_ylim(0, 1)
            twin.set_ylabel("legitimacy", color="grey")
            twin.tick_params(axis="y", colors="grey")
            twin.spines["right"].set_visible(True)
        ax.set_title(f"{state} citizens")
        ax.set_ylim(bottom=0)
        ax.set_xlabel("step")
    handles = [Patch(facecolor="grey", alpha=0.2, label="90% band"), Patch(facecolor="grey", alpha=0.5, label="50% band"),
               Line2D([], [], color="grey", label="median"), Line2D([], [], color="grey", linestyle=":", label="mean")]
    if schedules is not None and len(schedules):
        handles.append(Line2D([], [], color="grey", linewidth=0.9, label="legitimacy (right axis)"))
    if len(ensembles) > 1:
        handles = [Line2D([], [], color="grey", linewidth=4, label=f"{ensembles[0]} (filled)"),
                   *[Line2D([], [], color="black", linestyle="--", label=f"{e} (dashed)") for e in ensembles[1:]],
                   *handles]
    bottom_legend(fig, handles=handles, ncol=len(handles))
    fig.suptitle(title or "Citizens by state per step, over runs")
    return fig


# --- 3. Outcomes, hit rates and the forest plot ---------------------------------------------------

def histogram_bins(values: np.ndarray) -> np.ndarray:
    """Bins shared by every ensemble of a panel: one per integer for small integer ranges."""
    v = values[np.isfinite(values)]
    lo, hi = v.min(), v.max()
    if np.allclose(v, np.round(v)) and hi - lo <= 40:
        return np.arange(lo - 0.5, hi + 1.5)
    return np.histogram_bin_edges(v, bins=int(min(40, max(10, math.sqrt(len(v))))))


@styled
def draw_outcomes(data: pd.DataFrame, outcomes: list, title: str = "") -> Figure:
    """A histogram per outcome (ensembles overlaid, same bins), noting runs that lack a value."""
    ensembles = list(dict.fromkeys(data["ensemble"]))
    fig, axes = panels(len(outcomes), 4, 3.1, 2.0)
    for ax, outcome in zip(axes, outcomes):
        d = data[data["outcome"] == outcome]
        bins = histogram_bins(d["value"].to_numpy(dtype=float))
        notes = []
        for label in ensembles:
            v = d.loc[d["ensemble"] == label, "value"].to_numpy(dtype=float)
            c = ENSEMBLE_COLOURS.get(label, "grey")
            ok = v[np.isfinite(v)]
            ax.hist(ok, bins=bins, color=c, alpha=0.35 if len(ensembles) > 1 else 0.8, label=ensemble_name(label))
            if len(ensembles) > 1:
                ax.hist(ok, bins=bins, color=c, histtype="step", linewidth=1)
            if len(ok) < len(v):
                notes.append(f"NA {len(v) - len(ok)}/{len(v)}")
        if notes:
            ax.text(0.98, 0.95, "\n".join(notes), transform=ax.transAxes, ha="right", va="top", fontsize=6)
        ax.set_title(outcome)
        ax.set_yticks([])
    if len(ensembles) > 1:
        bottom_legend(fig, *axes[0].get_legend_handles_labels(), ncol=len(ensembles))
    fig.suptitle(title or "Outcome distributions over runs")
    return fig


@styled
def draw_hit_rates(hits: pd.DataFrame, title: str = "") -> Figure:
    """Bars of each target's hit rate over runs (grouped by ensemble)."""
    targets = list(dict.fromkeys(hits["target"]))
    ensembles = list(dict.fromkeys(hits["ensemble"]))
    fig = Figure(figsize=(max(5, 0.55 * len(targets) * len(ensembles) + 2), 3.2), layout="constrained")
    ax = fig.subplots()
    width = 0.8 / len(ensembles)
    x = np.arange(len(targets))
    for k, label in enumerate(ensembles):
        h = hits[hits["ensemble"] == label].set_index("target").reindex(targets)
        ax.bar(x + (k - (len(ensembles) - 1) / 2) * width, h["hit_rate"], width,
               color=ENSEMBLE_COLOURS.get(label, "grey"), label=ensemble_name(label))
    ax.set_xticks(x, targets)
    ax.set_ylim(0, 1)
    ax.set_ylabel("hit rate (share of runs)")
    if len(ensembles) > 1:
        ax.legend(frameon=False)
    ax.set_title(title or "Targets hit, share of runs (runs.csv)")
    return fig


def _bold_headers(ax, headers):
    for tick, is_header in zip(ax.get_yticklabels(), headers):
        if is_header:
            tick.set_fontweight("bold")


@styled
def draw_forest(forest: pd.DataFrame, title: str = "") -> Figure:
    """Paired differences (counterfactual − baseline) with their 95% intervals: targets' hit
    rates in their own panel; outcomes grouped by family, each scaled (see data.forest_data) and
    annotated with its difference in its own units."""
    rows = forest.dropna(subset=["x"])
    targets, outcomes = rows[rows["kind"] == "target"], rows[rows["kind"] != "target"]
    layout = []  # (label, header?, row or None) per line of the outcomes panel
    for group in dict.fromkeys(outcomes["group"]):
        layout.append((group, True, None))
        layout += [(r.label, False, r) for r in outcomes[outcomes["group"] == group].itertuples()]
    # A model without targets (civil violence) gets the outcomes panel alone.
    heights = ([max(len(targets), 1) + 1.5] if len(targets) else []) + [max(len(layout), 1) + 1.5]
    fig = Figure(figsize=(10, 0.2 * sum(heights) + 1.2), layout="constrained")
    axes = fig.subplots(len(heights), 1, gridspec_kw={"height_ratios": heights}, squeeze=False).ravel()
    ax_t, ax_o = (axes[0], axes[1]) if len(targets) else (None, axes[0])

    def whiskers(ax, ys, r):
        significant = (r.x_low > 0) or (r.x_high < 0)
        colour = "black" if significant else "grey"
        ax.errorbar([r.x], [ys], xerr=[[r.x - r.x_low], [r.x_high - r.x]], fmt="o", color=colour,
                    markersize=3, linewidth=1, capsize=2)
        ax.text(1.01, ys, f"{r.diff_mean:+.3g}  [{r.diff_ci_low:.3g}, {r.diff_ci_high:.3g}]",
                transform=blended_transform_factory(ax.transAxes, ax.transData), va="center", fontsize=6,
                color=colour)

    if ax_t is not None:
        for y, r in enumerate(targets.itertuples()):
            whiskers(ax_t, y, r)
        ax_t.set_yticks(range(len(targets)), list(targets["label"]))
        ax_t.set_ylim(len(targets) - 0.5, -0.5)
        ax_t.set_xlim(-1, 1)
        ax_t.axvline(0, color="grey", linewidth=0.6)
        ax_t.set_xlabel("difference in hit rate (counterfactual − baseline)")
        ax_t.set_title("Targets")
    for y, (_, header, r) in enumerate(layout):
        if not header:
            whiskers(ax_o, y, r)
    ax_o.set_yticks(range(len(layout)), [label for label, _, _ in layout])
    _bold_headers(ax_o, [h for _, h, _ in layout])
    ax_o.set_ylim(len(layout) - 0.5, -0.5)
    ax_o.axvline(0, color="grey", linewidth=0.6)
    ax_o.set_xlabel("difference ÷ the wider of the two ensembles' 5–95% ranges "
                    "(right: difference and 95% interval in the outcome's units)")
    ax_o.set_title("Outcomes")
    fig.suptitle(title or "What-if: paired differences, counterfactual − baseline, with 95% intervals")
    return fig


@styled
def draw_targets(targets: pd.DataFrame, title: str = "", guide: float = None) -> Figure:
    """Each target's hit rate with its Wilson 95% interval (ensembles offset); `guide`: a
    dotted line at that hit rate."""
    names = list(dict.fromkeys(targets["target"]))
    ensembles = list(dict.fromkeys(targets["ensemble"]))
    described = targets.drop_duplicates("target").set_index("target")["description"]
    fig = Figure(figsize=(10, 0.32 * len(names) * max(1, len(ensembles) * 0.7) + 1.4), layout="constrained")
    ax = fig.subplots()
    step = 0.5 / len(ensembles)
    for k, label in enumerate(ensembles):
        t = targets[targets["ensemble"] == label].set_index("target").reindex(names)
        y = np.arange(len(names)) + (k - (len(ensembles) - 1) / 2) * step
        ax.errorbar(t["hit_rate"], y, xerr=[t["hit_rate"] - t["ci_low"], t["ci_high"] - t["hit_rate"]], fmt="o",
                    color=ENSEMBLE_COLOURS.get(label, "grey"), markersize=4, capsize=2, label=ensemble_name(label))
    labels = [f"{n}  {_shorten(described.get(n, ''), 70)}" for n in names]
    ax.set_yticks(range(len(names)), labels)
    ax.set_ylim(len(names) - 0.5, -0.5)
    ax.set_xlim(-0.02, 1.02)
    ax.set_xlabel("hit rate, with Wilson 95% interval")
    if guide is not None:
        ax.axvline(guide, color="grey", linestyle=":", linewidth=0.9)
    if len(ensembles) > 1:
        bottom_legend(fig, *ax.get_legend_handles_labels(), ncol=len(ensembles))
    ax.set_title(title or "Documented targets: share of runs that reproduce each")
    return fig


def _shorten(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


# --- 4. Map ------------------------------------------------------------------------------------

def short_name(name: str) -> str:
    """A node's name without its parenthesis: "Tessalit (with the Amachach camp)" → "Tessalit"."""
    return str(name).split(" (")[0]


def _pie_wedges(x, y, radius, shares, squash):
    """Polygons of a pie at (x, y) on axes whose y unit is drawn 1/squash times the x unit: each
    wedge is an ellipse's in data units, so that it shows round."""
    polygons, start = [], 0.0
    for share in shares:
        if share <= 0:
            polygons.append(None)
            continue
        t = np.linspace(2 * np.pi * start, 2 * np.pi * (start + share), max(3, int(72 * share)))
        polygons.append(np.column_stack([np.r_[x, x + radius * np.cos(t)], np.r_[y, y + radius * squash * np.sin(t)]]))
        start += share
    return polygons


@styled
def draw_map(places: pd.DataFrame, roads: pd.DataFrame, categories: dict, captions: dict = None,
             title: str = "") -> Figure:
    """One panel per date: roads as lines, each node a pie of the probabilities of each category
    of control, its area proportional to population; `captions` (date → text) under the dates."""
    captions = captions or {}
    dates = list(dict.fromkeys(places["date"]))
    nodes = places.drop_duplicates("node").set_index("node")
    squash = math.cos(math.radians(nodes["latitude"].mean()))  # a degree of longitude is shorter
    span_x = max(np.ptp(nodes["longitude"]), 1e-6)
    span_y = max(np.ptp(nodes["latitude"]), 1e-6)
    biggest = max(nodes["population"].fillna(0).max(), 1)
    radius = span_x * (0.012 + 0.035 * np.sqrt(nodes["population"].fillna(0) / biggest))
    pad = radius.max() * 1.5
    width = 4.6
    height = width * (span_y + 2 * pad) / (span_x + 2 * pad) / squash + 0.5
    fig, axes = panels(len(dates), 3, width, height, sharex=True, sharey=True)
    for ax, date in zip(axes, dates):
        ax.add_collection(LineCollection([[(r.x0, r.y0), (r.x1, r.y1)] for r in roads.itertuples()],
                                         colors="#999999", linewidths=0.8, zorder=1,
                                         linestyles=["-" if k == "road" else ":" for k in roads["kind"]]))
        polygons, colours = [], []
        for node, p in places[places["date"] == date].groupby("node", sort=False):
            here = nodes.loc[node]
            for poly, colour in zip(_pie_wedges(here.longitude, here.latitude, radius[node],
                                                p["probability"].to_numpy(), squash), p["colour"]):
                if poly is not None:
                    polygons.append(poly)
                    colours.append(colour)
            ax.annotate(short_name(here["name"]), (here.longitude, here.latitude), xytext=(5, 3),
                        textcoords="offset points", fontsize=5.5, zorder=5)
        ax.add_collection(PolyCollection(polygons, facecolors=colours, edgecolors="white", linewidths=0.2, zorder=3))
        ax.set_xlim(nodes["longitude"].min() - pad, nodes["longitude"].max() + pad)
        ax.set_ylim(nodes["latitude"].min() - pad, nodes["latitude"].max() + pad)
        ax.set_aspect(1 / squash)
        day = pd.Timestamp(date)
        ax.set_title(f"{day:%Y-%m-%d}" + (f"\n{captions[day]}" if day in captions else ""))
        ax.set_xlabel("longitude")
        ax.set_ylabel("latitude")
    present = [c for c in categories if c in set(places.loc[places["probability"] > 0, "category"])]
    handles = [Patch(facecolor=categories[c], label=c) for c in present]
    bottom_legend(fig, handles=handles, ncol=min(len(handles), 8))
    fig.suptitle(title or "Control of each node on chosen dates: share of runs (pie), population (size)")
    return fig


# --- 5. Morris ---------------------------------------------------------------------------------

@styled
def draw_morris(morris: pd.DataFrame, outputs: list, title: str = "") -> Figure:
    """mu_star against sigma per parameter, one panel per output, top parameters labelled; the
    dotted line sigma = mu_star separates mostly linear effects (below) from interacting ones."""
    fig, axes = panels(len(outputs), 3, 3.8, 3.0)
    for ax, output in zip(axes, outputs):
        m = morris[morris["output"] == output]
        ax.scatter(m["mu_star"], m["sigma"], s=12, color="#3B6E9C", zorder=3)
        top = max(m["mu_star"].max(), m["sigma"].max(), 1e-12) * 1.1
        ax.plot([0, top], [0, top], color="grey", linestyle=":", linewidth=0.8)
        for r in m[m["labelled"]].itertuples():
            ax.annotate(r.parameter, (r.mu_star, r.sigma), xytext=(3, 2), textcoords="offset points", fontsize=5.5)
        ax.set_xlim(0, top)
        ax.set_ylim(0, top)
        ax.set_title(output)
        ax.set_xlabel("mu* (mean |effect|)")
        ax.set_ylabel("sigma")
    fig.suptitle(title or "Morris elementary effects: which parameters matter for each output")
    return fig


# --- 6. Calibration ----------------------------------------------------------------------------

def _prior_reference(ax, name, curves, prior, peak):
    """The prior on a marginal's axes: its density as a line, else its 5–95% band."""
    c = curves[curves["parameter"] == name]
    if len(c):
        ax.plot(c["x"], c["density"], color="black", linewidth=1, label="prior density")
        return max(peak, float(np.nanmax(c["density"])))
    ax.axvspan(prior["q05"], prior["q95"], color="grey", alpha=0.15, linewidth=0, label="prior 5–95%")
    return peak


@styled
def draw_marginals(hist: pd.DataFrame, curves: pd.DataFrame, priors: pd.DataFrame, pile_up: pd.DataFrame,
                   title: str = "") -> Figure:
    """One panel per calibrated parameter: the posterior's weighted histogram (as a density),
    the prior's density (or its 5–95% band), the scenario's value (dashed); a panel whose
    posterior piles against a bound of the prior has a red title and says why."""
    names = list(dict.fromkeys(hist["parameter"]))
    flags = pile_up.set_index("parameter")
    fig, axes = panels(len(names), 3, 3.3, 2.3)
    for ax, name in zip(axes, names):
        h = hist[hist["parameter"] == name]
        prior = priors.loc[name]
        ax.bar(h["left"], h["density"], width=h["right"] - h["left"], align="edge", color=ENSEMBLE_COLOURS["posterior"],
               alpha=0.75, linewidth=0, label="posterior (weighted)")
        peak = _prior_reference(ax, name, curves, prior, float(h["density"].max()))
        if np.isfinite(prior["value"]):
            ax.axvline(prior["value"], color="black", linestyle="--", linewidth=0.9, label="scenario's value")
        ax.set_xlim(h["left"].min(), h["right"].max())
        ax.set_ylim(0, peak * 1.15 if peak > 0 else 1)
        ax.set_yticks([])
        flagged = name in flags.index and bool(flags.loc[name, "flagged"])
        ax.set_title(name + (f"\n{prior['dist']}" if isinstance(prior["dist"], str) else ""),
                     color=FLAG_COLOUR if flagged else "black")
        if flagged:
            ax.text(0.5, 0.97, "piled at the prior's edge:\n" + flags.loc[name, "note"], transform=ax.transAxes,
                    ha="center", va="top", fontsize=6, color=FLAG_COLOUR, wrap=True,
                    bbox={"boxstyle": "square,pad=0.2", "facecolor": "white", "edgecolor": "none", "alpha": 0.85})
    handles = [Patch(facecolor=ENSEMBLE_COLOURS["posterior"], alpha=0.75, label="posterior (weighted histogram)"),
               Line2D([], [], color="black", linewidth=1, label="prior density"),
               Patch(facecolor="grey", alpha=0.15, label="prior 5–95% (when no density)"),
               Line2D([], [], color="black", linestyle="--", label="scenario's value"),
               Patch(facecolor="white", edgecolor=FLAG_COLOUR, label="red title: piled against a prior bound")]
    bottom_legend(fig, handles=handles, ncol=3)
    fig.suptitle(title or "Posterior marginals against their priors")
    return fig


@styled
def draw_pairs(particles: pd.DataFrame, limits: pd.DataFrame, hist: pd.DataFrame, title: str = "") -> Figure:
    """Pairs plot: below the diagonal, each pair of parameters as a scatter of the particles, a
    dot's area proportional to its weight; on the diagonal, each weighted marginal."""
    names = list(limits.index)
    k = len(names)
    size = min(2.0, max(1.1, 11.0 / max(k, 1)))
    fig = Figure(figsize=(size * k + 0.6, size * k + 0.8), layout="constrained")
    axes = fig.subplots(k, k, squeeze=False)
    w = particles["weight"].to_numpy(dtype=float)
    area = 4 + 60 * w / w.max() if len(w) and w.max() > 0 else np.full(len(w), 6.0)
    colour = ENSEMBLE_COLOURS["posterior"]
    for i, row in enumerate(names):
        for j, col in enumerate(names):
            ax = axes[i, j]
            if j > i:
                ax.remove()
                continue
            if i == j:
                h = hist[hist["parameter"] == row]
                ax.bar(h["left"], h["mass"], width=h["right"] - h["left"], align="edge", color=colour, alpha=0.75,
                       linewidth=0)
                ax.set_yticks([])
            else:
                ax.scatter(particles[col], particles[row], s=area, color=colour, alpha=0.45, linewidths=0)
                ax.set_ylim(limits.loc[row, "low"], limits.loc[row, "high"])
            ax.set_xlim(limits.loc[col, "low"], limits.loc[col, "high"])
            ax.tick_params(labelsize=5.5)
            if i == k - 1:
                ax.set_xlabel(col, fontsize=6.5)
            else:
                ax.tick_params(labelbottom=False)
            if j == 0 and i > 0:
                ax.set_ylabel(row, fontsize=6.5)
            elif i != j:
                ax.tick_params(labelleft=False)
    fig.suptitle(title or "Posterior pairs: particles (area ∝ weight) below the diagonal, weighted marginals on it")
    return fig


GENERATION_TITLES = {"tolerance": "tolerance (distance accepted)", "acceptance_rate": "acceptance rate",
                     "ess": "effective sample size"}


@styled
def draw_generations(series: pd.DataFrame, title: str = "") -> Figure:
    """Three small panels by generation: tolerance (generation 0, the prior sample, has none),
    acceptance rate, and ESS against the number of particles (dotted)."""
    fig, axes = panels(3, 3, 3.0, 2.2)
    generations = sorted(set(series["generation"]))
    for ax, name in zip(axes, GENERATION_TITLES):
        s = series[series["series"] == name]
        ax.plot(s["generation"], s["value"], marker="o", markersize=3, color=ENSEMBLE_COLOURS["posterior"])
        if name == "acceptance_rate":
            ax.set_ylim(0, 1.05)
        elif name == "ess":
            particles = s["particles"].dropna()
            if len(particles):
                ax.plot(s["generation"], s["particles"], color="grey", linestyle=":", linewidth=1,
                        label="particles")
                ax.legend(frameon=False, loc="lower left")
            ax.set_ylim(bottom=0)
        else:
            ax.set_ylim(bottom=0)
        if name == "tolerance" and 0 in generations and 0 not in set(s["generation"]):
            ax.text(0, 0.02, "∞ (prior\nsample)", transform=blended_transform_factory(ax.transData, ax.transAxes),
                    ha="center", va="bottom", fontsize=6, color="grey")
        if s.empty:
            ax.text(0.5, 0.5, "none yet", transform=ax.transAxes, ha="center", va="center", color="grey")
        ax.set_xticks(generations)
        ax.set_xlabel("generation")
        ax.set_title(GENERATION_TITLES[name])
    fig.suptitle(title or "ABC-SMC by generation")
    return fig


# --- 7. Fidelity ---------------------------------------------------------------------------------

def _percent(share: float) -> str:
    """A share as a percentage, with a decimal below 10% so that 0.4% does not read 0%."""
    return f"{share:.0%}" if share >= 0.1 or share == 0 else f"{share:.1%}"


@styled
def draw_together(bars: pd.DataFrame, line: dict, title: str = "") -> Figure:
    """Bars of the share of runs hitting exactly k targets together, prior and posterior side
    by side, and the line at "at least all but three" with each side's share beyond it."""
    ensembles = list(dict.fromkeys(bars["ensemble"]))
    hits = sorted(set(bars["hits"]))
    fig = Figure(figsize=(max(5.0, 0.45 * len(hits) + 2), 3.2), layout="constrained")
    ax = fig.subplots()
    width = 0.8 / len(ensembles)
    for k, label in enumerate(ensembles):
        b = bars[bars["ensemble"] == label].set_index("hits").reindex(hits)
        ax.bar(np.array(hits) + (k - (len(ensembles) - 1) / 2) * width, b["share"], width,
               color=ENSEMBLE_COLOURS.get(label, "grey"), label=ensemble_name(label))
    ax.axvline(line["hits"] - 0.5, color="black", linestyle="--", linewidth=0.9)
    shares = ", ".join(f"{e} {_percent(line[e])}" for e in ensembles if np.isfinite(line.get(e, np.nan)))
    ax.text(line["hits"] - 0.4, 0.97, f"at least {line['hits']} of {line['targets']}\n(all but three): {shares}",
            transform=blended_transform_factory(ax.transData, ax.transAxes), ha="left", va="top", fontsize=7)
    ax.set_xticks(hits)
    ax.set_xlabel("targets hit together in a run")
    ax.set_ylabel("share of runs")
    ax.set_ylim(0, max(float(bars["share"].max()) * 1.3, 0.05))
    ax.legend(frameon=False, loc="upper left")
    ax.set_title(title or "How many targets a run hits together, prior vs posterior")
    return fig


WINDOW_COLOUR = "#2e7d32"


@styled
def draw_timeline(rows: pd.DataFrame, title: str = "") -> Figure:
    """One row per dated clause: its documented window as a shaded band, and for the prior and
    the posterior (one above the other) the simulated date's 5–95% range (whisker), 25–75%
    (box) and median (tick); "never" when no run produced the clause."""
    labels = rows.drop_duplicates("row").sort_values("row")
    ensembles = list(dict.fromkeys(rows["ensemble"]))
    n_rows = len(labels)
    fig = Figure(figsize=(11, 0.42 * n_rows + 1.6), layout="constrained")
    ax = fig.subplots()
    offset = {e: (k - (len(ensembles) - 1) / 2) * 0.34 for k, e in enumerate(ensembles)}
    day = 1.0
    known = pd.concat([rows[c] for c in ("window_start", "window_end", "q05", "q95")]).dropna()
    x_left = mdates.date2num(known.min()) if len(known) else mdates.date2num(pd.Timestamp("2012-01-01"))
    x_right = mdates.date2num(known.max()) if len(known) else x_left + 365
    least = (x_right - x_left) * 0.004  # a one-day window stays visible on a two-year axis
    for r in labels.itertuples():
        if pd.notna(r.window_start) and pd.notna(r.window_end):
            a, b = mdates.date2num(r.window_start) - day / 2, mdates.date2num(r.window_end) + day / 2
            if b - a < least:
                a, b = (a + b - least) / 2, (a + b + least) / 2
            ax.add_patch(Rectangle((a, r.row - 0.46), b - a, 0.92, facecolor=WINDOW_COLOUR, alpha=0.3,
                                   edgecolor=WINDOW_COLOUR, linewidth=0.8, zorder=1))
    for r in rows.itertuples():
        y = r.row + offset[r.ensemble]
        c = ENSEMBLE_COLOURS.get(r.ensemble, "grey")
        if r.n == 0 or pd.isna(r.q50):
            where = r.window_start if pd.notna(r.window_start) else None
            x = mdates.date2num(where) if where is not None else x_left
            ax.text(x, y, f"{r.ensemble}: never", color=c, fontsize=6, va="center", ha="left", zorder=4)
            continue
        q = {k: mdates.date2num(getattr(r, k)) for k in ("q05", "q25", "q50", "q75", "q95")}
        ax.plot([q["q05"], q["q95"]], [y, y], color=c, linewidth=1, zorder=2)
        ax.add_patch(Rectangle((q["q25"], y - 0.13), max(q["q75"] - q["q25"], 0.5), 0.26, facecolor=c,
                               edgecolor=c, alpha=0.8, zorder=3))
        ax.plot([q["q50"], q["q50"]], [y - 0.16, y + 0.16], color="black", linewidth=1.3, zorder=4)
    counts = rows.pivot(index="row", columns="ensemble", values="n").reindex(columns=ensembles)
    for row, n in counts.iterrows():
        ax.text(1.005, row, "  ".join(f"{e} n={int(n[e])}" for e in ensembles),
                transform=blended_transform_factory(ax.transAxes, ax.transData), va="center", fontsize=6)
    ax.set_yticks(list(labels["row"]), list(labels["label"]))
    ax.set_ylim(n_rows - 0.5, -0.5)
    pad = max((x_right - x_left) * 0.03, 5)
    ax.set_xlim(x_left - pad, x_right + pad)
    date_axis(ax)
    ax.grid(axis="x", color="#dddddd", linewidth=0.5)
    handles = [Patch(facecolor=WINDOW_COLOUR, alpha=0.3, edgecolor=WINDOW_COLOUR, label="documented window"),
               *[Patch(facecolor=ENSEMBLE_COLOURS.get(e, "grey"), label=f"{e}: 25–75% (box), 5–95% (whisker)")
                 for e in ensembles],
               Line2D([], [], color="black", linewidth=1.3, label="median")]
    bottom_legend(fig, handles=handles, ncol=len(handles))
    ax.set_title(title or "Documented events against the simulated dates, prior vs posterior (runs where it happened)")
    return fig
