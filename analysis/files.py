"""Where an ensemble's, a what-if's, a sensitivity analysis's, a calibration's or a fidelity
check's CSV files are, and reading them."""
import dataclasses
import pathlib

import pandas as pd

WHATIF_ENSEMBLES = ("baseline", "counterfactual")
FIDELITY_ENSEMBLES = ("prior", "posterior")
PAIRED = (WHATIF_ENSEMBLES, FIDELITY_ENSEMBLES)  # directories of two ensembles, as sub-directories


@dataclasses.dataclass(frozen=True)
class Layout:
    """A results directory: `root`, and its ensembles by label.

    A what-if directory has two ensembles, `baseline` and `counterfactual` (its sub-directories),
    and a fidelity directory two, `prior` and `posterior`; any other directory is one ensemble
    labelled "" (an ensemble's or a sensitivity analysis's runs.csv; a calibration directory has
    none of an ensemble's files). Files of the whole experiment (whatif.csv, morris.csv,
    design.csv, fidelity.csv, priors.csv, …) are in `root`.
    """
    root: pathlib.Path
    ensembles: dict

    @property
    def is_whatif(self) -> bool:
        return set(self.ensembles) == set(WHATIF_ENSEMBLES)

    @property
    def is_paired(self) -> bool:
        """Two ensembles (a what-if's or a fidelity check's) drawn together."""
        return len(self.ensembles) > 1

    def has(self, name: str) -> bool:
        """Whether every ensemble has the file `name`."""
        return all((d / name).is_file() for d in self.ensembles.values())

    def has_root(self, name: str) -> bool:
        return (self.root / name).is_file()

    def read(self, name: str) -> dict:
        """The file `name` of each ensemble, by label."""
        return {label: read_csv(d / name) for label, d in self.ensembles.items()}

    def read_optional(self, name: str) -> dict:
        """As `read`, with None for an ensemble that lacks the file."""
        return {label: read_csv(d / name) if (d / name).is_file() else None
                for label, d in self.ensembles.items()}

    def read_root(self, name: str) -> pd.DataFrame:
        return read_csv(self.root / name)


def layout(root: pathlib.Path) -> Layout:
    root = pathlib.Path(root)
    for labels in PAIRED:
        if all((root / e).is_dir() for e in labels):
            return Layout(root, {e: root / e for e in labels})
    return Layout(root, {"": root})


def read_csv(path: pathlib.Path) -> pd.DataFrame:
    """A CSV file as the engine writes it: `NA` and empty fields are missing (NaN)."""
    return pd.read_csv(path, keep_default_na=False, na_values=["NA", ""])
