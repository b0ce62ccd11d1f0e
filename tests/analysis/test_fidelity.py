"""A fidelity check's figures: hit rates prior vs posterior, targets hit together, the timeline
of documented events; and the ensemble figures of its prior/ and posterior/ folders."""
import numpy as np
import pandas as pd
import pytest
from conftest import dates_table, fidelity_tables, write
from test_cli import check_written, run_main

from analysis.data import all_but_three, dates_data, fidelity_data, together_data
from analysis.files import layout, read_csv


@pytest.fixture
def tables():
    return fidelity_tables()


def test_hit_rate_rows_match_fidelity_csv(fidelity_dir):
    fidelity = read_csv(fidelity_dir / "fidelity.csv")
    f = fidelity_data(fidelity)
    assert list(dict.fromkeys(f["target"])) == [f"T{i}" for i in range(1, 14)]  # natural order
    assert len(f) == 2 * len(fidelity)
    assert list(f["ensemble"][:2]) == ["prior", "posterior"]
    src = fidelity.set_index("target")
    for r in f.itertuples():
        prefix = "prior_" if r.ensemble == "prior" else ""
        assert (r.hit_rate, r.ci_low, r.ci_high, r.median_miss) == pytest.approx(
            tuple(src.loc[r.target, [f"{prefix}{c}" for c in ("hit_rate", "ci_low", "ci_high", "median_miss")]]))
        assert r.description == src.loc[r.target, "description"]
        assert r.ci_low <= r.hit_rate <= r.ci_high


def test_together_bars_sum_to_one(tables):
    _, together = tables
    bars = together_data(together)
    assert list(dict.fromkeys(bars["ensemble"])) == ["prior", "posterior"]
    for label, b in bars.groupby("ensemble"):
        assert b["share"].sum() == pytest.approx(1.0)
        assert b["hits"].tolist() == list(range(14))
        assert b["at_least"].tolist() == pytest.approx(b["share"][::-1].cumsum()[::-1].tolist())


def test_the_all_but_three_line(tables):
    _, together = tables
    line = all_but_three(together)
    assert (line["hits"], line["targets"]) == (10, 13)
    assert line["prior"] == pytest.approx(together.loc[10, "prior_at_least"])
    assert line["posterior"] == pytest.approx(together["posterior_share"][10:].sum())
    assert all_but_three(together[together["hits"] <= 2])["hits"] == 0


def test_date_rows_are_datetimes_with_windows(fidelity_dir):
    rows = dates_data(read_csv(fidelity_dir / "dates.csv"))
    for c in ("window_start", "window_end", "q05", "q25", "q50", "q75", "q95"):
        assert pd.api.types.is_datetime64_any_dtype(rows[c]), c
    assert rows["label"].drop_duplicates().tolist() == ["T1 gao_falls", "T2 ultimatum", "T7 serval", "T10 konna"]
    assert rows["row"].tolist() == [0, 0, 1, 1, 2, 2, 3, 3]
    assert rows["ensemble"].tolist() == ["prior", "posterior"] * 4
    gao = rows[(rows["target"] == "T1") & (rows["ensemble"] == "posterior")].iloc[0]
    assert (gao["window_start"], gao["window_end"]) == (pd.Timestamp("2012-06-26"), pd.Timestamp("2012-06-28"))
    assert gao["n"] == 190 and gao["q50"] == pd.Timestamp("2012-06-26")
    q = rows[rows["n"] > 0][["q05", "q25", "q50", "q75", "q95"]]
    assert (q.diff(axis=1).iloc[:, 1:] >= pd.Timedelta(0)).all().all()


def test_a_clause_never_produced_has_no_dates(fidelity_dir):
    rows = dates_data(read_csv(fidelity_dir / "dates.csv"))
    never = rows[rows["n"] == 0]
    assert sorted(zip(never["target"], never["ensemble"])) == [("T2", "prior"), ("T7", "posterior"), ("T7", "prior")]
    assert never[["q05", "q25", "q50", "q75", "q95"]].isna().all().all()


def test_dates_when_no_run_ever_produced_any_clause(tmp_path):
    d = dates_table().iloc[[3]]  # T7: n = 0 on both sides, every quantile NA
    write(d, tmp_path / "dates.csv")
    rows = dates_data(read_csv(tmp_path / "dates.csv"))
    assert rows["n"].tolist() == [0, 0] and rows["q50"].isna().all()
    assert pd.api.types.is_datetime64_any_dtype(rows["q50"])


def test_a_fidelity_folder_is_two_ensembles(fidelity_dir):
    where = layout(fidelity_dir)
    assert list(where.ensembles) == ["prior", "posterior"] and where.is_paired and not where.is_whatif


def test_cli_on_a_fidelity_folder(fidelity_dir, capsys):
    code, printed, err = run_main(capsys, fidelity_dir)
    assert (code, err) == (0, "")
    check_written(fidelity_dir, printed, ["control-prior", "control-posterior", "strength", "outcomes", "hit-rates",
                                          "targets", "map-prior", "map-posterior", "fidelity", "together",
                                          "timeline"])


@pytest.mark.parametrize("kind", ["fidelity", "together", "timeline"])
def test_cli_only_one_fidelity_figure(fidelity_dir, capsys, kind):
    code, printed, err = run_main(capsys, fidelity_dir, "--only", kind)
    assert (code, err) == (0, "")
    check_written(fidelity_dir, printed, [kind])


def test_cli_on_the_root_files_alone(tmp_path, capsys):
    root = tmp_path / "fid"
    root.mkdir()
    fidelity, together = fidelity_tables()
    write(fidelity, root / "fidelity.csv")
    write(together, root / "together.csv")
    write(dates_table(), root / "dates.csv")
    code, printed, err = run_main(capsys, root)
    assert (code, err) == (0, "")
    check_written(root, printed, ["fidelity", "together", "timeline"])
