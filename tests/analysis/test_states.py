"""Civil violence: the fan chart of citizens by state per step (states.csv), and `azsim plot` on
a real civil-violence ensemble and what-if (figures that fit a model without targets)."""
import os
import pathlib
import subprocess

import numpy as np
import pandas as pd
import pytest

from analysis.__main__ import main
from analysis.data import QUANTILES, STATE_COLOURS, states_data
from analysis.draw import draw_states

ROOT = pathlib.Path(__file__).resolve().parents[2]


def states_table(steps=30, seed=5):
    rng = np.random.default_rng(seed)
    rows = []
    for step in range(steps):
        for state, centre in (("quiet", 1000), ("active", 10), ("jailed", 5 * step)):
            q = np.sort(rng.normal(centre, 3, size=5).clip(0))
            rows.append({"date": str(step), "day": step, "state": state, "mean": q.mean(), **dict(zip(QUANTILES, q))})
    return pd.DataFrame(rows)


def test_states_in_order_with_their_colours_and_steps_increasing():
    fan = states_data(states_table().iloc[::-1])
    assert list(dict.fromkeys(fan["state"])) == ["active", "jailed", "quiet"]
    assert (fan["colour"] == fan["state"].map(STATE_COLOURS)).all()
    assert fan.groupby("state")["step"].apply(lambda s: s.is_monotonic_increasing).all()
    assert len(fan) == 90


def test_unordered_quantiles_are_the_writers_bug():
    broken = states_table()
    broken.loc[4, "q05"] = broken.loc[4, "q95"] + 1
    with pytest.raises(ValueError, match="quantiles not ordered"):
        states_data(broken)


def test_the_figure_has_a_panel_per_state_and_the_legitimacy_axis():
    fan = states_data(states_table()).assign(ensemble="")
    schedule = pd.DataFrame({"step": range(30), "legitimacy": [0.9] * 10 + [0.7] * 20, "ensemble": ""})
    fig = draw_states(fan, schedule)
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titles == ["active citizens", "jailed citizens", "quiet citizens"]
    assert sum(ax.get_ylabel() == "legitimacy" for ax in fig.axes) == 3


def azsim(*args):
    binary = os.environ.get("AZSIM_BINARY", str(ROOT / "build" / "bin" / "azsim"))
    if not pathlib.Path(binary).exists():
        pytest.skip("azsim is not built")
    subprocess.run([binary, *map(str, args)], cwd=ROOT, check=True, capture_output=True)


def test_azsim_plot_on_a_civil_violence_ensemble_and_whatif(tmp_path, capsys):
    azsim("run", "scenarios/civil-violence/crisis-one-jump.yaml", "--runs", 6, "--seed", 3, "-q", "--out", tmp_path / "e")
    assert main([str(tmp_path / "e")]) == 0
    written = {p.name for p in (tmp_path / "e" / "figures").iterdir()}
    assert written == {f"{n}.{f}" for n in ("states", "outcomes") for f in ("png", "svg")}
    azsim("whatif", "scenarios/civil-violence/crisis.yaml", "scenarios/civil-violence/crisis-one-jump.yaml",
          "--runs", 4, "--seed", 3, "-q", "--out", tmp_path / "w")
    assert main([str(tmp_path / "w")]) == 0
    written = {p.name for p in (tmp_path / "w" / "figures").iterdir()}
    assert written == {f"{n}.{f}" for n in ("states", "outcomes", "forest") for f in ("png", "svg")}
    _, err = capsys.readouterr()
    assert err == ""
