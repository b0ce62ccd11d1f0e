"""Ranks the historical scenario's parameters by their Morris effects on the targets.

For each target T, mu* of every parameter on T.miss (how far the run lands from the documented
event, in the target's own tolerances) is divided by the largest mu* on T.miss, so each target
counts the same; a parameter's score is the mean of these over the targets. The 12 best become
`calibrate: true` in the scenario (docs/calibration.md says why 12 and what was left out).

    /usr/bin/python3 calibration/rank_morris.py calibration/morris-historical/morris.csv > calibration/ranking.csv
"""
import sys

import pandas as pd


def rank(morris: pd.DataFrame) -> pd.DataFrame:
    miss = morris[morris.output.str.match(r"^T\d+\.miss$")].copy()
    top = miss.groupby("output").mu_star.transform("max")
    miss["relative"] = miss.mu_star / top.where(top > 0)
    score = miss.groupby("parameter").relative.mean().rename("score")
    best_target = miss.loc[miss.groupby("parameter").relative.idxmax(), ["parameter", "output"]]
    out = score.to_frame().join(best_target.set_index("parameter").output.str.replace(".miss", "", regex=False).rename("most_on"))
    return out.sort_values("score", ascending=False).reset_index()


if __name__ == "__main__":
    ranked = rank(pd.read_csv(sys.argv[1]))
    ranked.insert(0, "rank", range(1, len(ranked) + 1))
    ranked.to_csv(sys.stdout, index=False, float_format="%.4f")
