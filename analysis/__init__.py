"""azawad-sim analysis: small functions that read the engine's CSV files and return tables or
figures. Run with Debian's /usr/bin/python3 (scripts/find-python), which sees python3-numpy,
pandas, scipy and matplotlib.

    /usr/bin/python3 -m analysis DIR [--only NAME] [--dates 2012-06-27,2013-01-11]

makes every figure that DIR's files allow — DIR being an ensemble (`azsim run --runs`), a what-if
(`azsim whatif`), a sensitivity (`azsim sensitivity`), a calibration (`azsim calibrate`) or a
fidelity (`azsim fidelity`) directory — as PNG and SVG into
DIR/figures/ and prints their paths; docs/plots.md says what each figure shows and how to read it.

Modules:
- `files`: where a directory's CSV files are (`layout`) and reading them (`NA` is missing);
- `colours`: sides (blocs and factions in no bloc) and their colours, from factions.csv;
- `data`: pure functions from the engine's tables to the data behind each figure
  (`control_heatmap_data`, `fan_data`, `outcome_data`, `hit_rate_data`, `targets_data`,
  `forest_data`, `map_data`, `morris_data`, `marginal_data`, `pile_up_data`, `pairs_data`,
  `generations_data`, `fidelity_data`, `together_data`, `dates_data`, …): what the tests check;
- `draw`: one function per figure, from those tables to a matplotlib Figure;
- `figures`: the kinds of figure, the files each needs, and making them from a directory;
- `__main__`: the command;
- `shapes`: the documented shape of the war over many single runs (its own command).
"""
