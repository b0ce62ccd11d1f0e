"""python3 -m analysis DIR: every figure DIR's files allow, as PNG and SVG, paths printed."""
import os
import pathlib
import subprocess
import sys

import pytest

from analysis.__main__ import main

ROOT = pathlib.Path(__file__).resolve().parents[2]


def figures(names):
    return {f"{n}.{fmt}" for n in names for fmt in ("png", "svg")}


def run_main(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, [pathlib.Path(line) for line in out.splitlines()], err


def check_written(directory, printed, expected):
    written = {p.name for p in (directory / "figures").iterdir()}
    assert written == figures(expected)
    assert {p.name for p in printed} == written
    assert all(p.parent == directory / "figures" and p.stat().st_size > 0 for p in printed)
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in printed if p.suffix == ".png")
    assert all(b"<svg" in p.read_bytes()[:2000] for p in printed if p.suffix == ".svg")


def test_ensemble_directory(ensemble_dir, capsys):
    code, printed, err = run_main(capsys, ensemble_dir)
    assert (code, err) == (0, "")
    check_written(ensemble_dir, printed, ["control", "strength", "outcomes", "hit-rates", "targets", "map"])


def test_whatif_directory(whatif_dir, capsys):
    code, printed, err = run_main(capsys, whatif_dir)
    assert (code, err) == (0, "")
    check_written(whatif_dir, printed, ["control-baseline", "control-counterfactual", "strength", "outcomes",
                                        "hit-rates", "targets", "forest", "map-baseline", "map-counterfactual"])


def test_sensitivity_directory(sensitivity_dir, capsys):
    code, printed, err = run_main(capsys, sensitivity_dir)
    assert (code, err) == (0, "")
    check_written(sensitivity_dir, printed, ["morris", "outcomes", "hit-rates"])


def test_only_one_kind_and_chosen_dates(ensemble_dir, capsys):
    code, printed, _ = run_main(capsys, ensemble_dir, "--only", "map", "--dates", "2012-04-07,2012-04-14")
    assert code == 0
    check_written(ensemble_dir, printed, ["map"])


def test_a_bad_date_is_one_line_and_a_failure(ensemble_dir, capsys):
    code, printed, err = run_main(capsys, ensemble_dir, "--only", "map", "--dates", "2013-01-01")
    assert code == 1 and printed == []
    assert err == "analysis: map: date 2013-01-01 is outside the period 2012-04-06..2012-04-15\n"


def test_only_a_kind_the_directory_lacks(sensitivity_dir, capsys):
    code, printed, err = run_main(capsys, sensitivity_dir, "--only", "forest")
    assert code == 1 and printed == []
    assert err == f"analysis: {sensitivity_dir}: lacks a file the 'forest' figure needs (whatif.csv)\n"


def cli(*argv):
    env = {**os.environ, "MPLBACKEND": "Agg"}
    return subprocess.run([sys.executable, "-m", "analysis", *map(str, argv)], cwd=ROOT, env=env,
                          capture_output=True, text=True)


def test_missing_directory(tmp_path):
    r = cli(tmp_path / "nowhere")
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr == f"analysis: {tmp_path / 'nowhere'}: no such directory\n"


def test_directory_without_any_known_file(tmp_path):
    (tmp_path / "notes.txt").write_text("nothing to plot")
    r = cli(tmp_path)
    assert r.returncode == 1 and r.stdout == ""
    assert r.stderr.startswith(f"analysis: {tmp_path}: holds none of the files any figure needs (")
    assert r.stderr.count("\n") == 1
    assert not (tmp_path / "figures").exists()


def test_command_line_prints_the_paths(ensemble_dir):
    r = cli(ensemble_dir, "--only", "targets")
    assert (r.returncode, r.stderr) == (0, "")
    assert r.stdout.splitlines() == [str(ensemble_dir / "figures" / f"targets.{f}") for f in ("png", "svg")]
