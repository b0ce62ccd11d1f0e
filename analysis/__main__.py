"""python3 -m analysis DIR [--only NAME] [--dates D1,D2,...]

Makes every figure that DIR's files allow (an ensemble, a what-if, a sensitivity, a calibration
or a fidelity directory; see docs/plots.md) as PNG and SVG in DIR/figures/, and prints each
file's path, one per line.
Exit status: 0 when every figure was made; 1 when DIR holds none of the files a figure needs or
a figure failed (each failure on its own line on stderr); 2 for a usage error or no such DIR.
"""
import argparse
import pathlib
import sys

import matplotlib as mpl

from analysis.figures import KIND_NAMES, KINDS, Options, allowed_kinds
from analysis.files import layout

FORMATS = ("png", "svg")


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python3 -m analysis", description=__doc__.split("\n\n")[1])
    parser.add_argument("dir", type=pathlib.Path, help="an ensemble, what-if, sensitivity, calibration or fidelity directory")
    parser.add_argument("--only", choices=KIND_NAMES, help="make only this kind of figure")
    parser.add_argument("--dates", type=lambda s: tuple(d.strip() for d in s.split(",") if d.strip()), default=(),
                        help="the map's dates, ISO, comma-separated (default: spread over the period, and the "
                             "targets' window starts)")
    return parser.parse_args(argv)


def save(fig, out_dir: pathlib.Path, name: str) -> list:
    """Writes `name`.png and .svg (reproducible: no dates in the files); returns their paths."""
    paths = []
    for fmt in FORMATS:
        path = out_dir / f"{name}.{fmt}"
        metadata = {"Date": None} if fmt == "svg" else {"Software": None}
        fig.savefig(path, format=fmt, dpi=130, bbox_inches="tight", metadata=metadata)
        paths.append(path)
    return paths


def main(argv=None) -> int:
    args = parse_args(argv)
    root = args.dir
    if not root.is_dir():
        print(f"analysis: {root}: no such directory", file=sys.stderr)
        return 2
    where = layout(root)
    kinds = allowed_kinds(where, args.only)
    if not kinds:
        wanted = [k for k in KINDS if args.only in (None, k.name)]
        files = ", ".join(sorted({f for k in wanted for f in (*k.needs, *k.needs_root)}))
        what = f"lacks a file the '{args.only}' figure needs" if args.only else \
            "holds none of the files any figure needs"
        print(f"analysis: {root}: {what} ({files})", file=sys.stderr)
        return 1
    out_dir = root / "figures"
    out_dir.mkdir(exist_ok=True)
    options = Options(dates=args.dates)
    failed = False
    with mpl.rc_context({"svg.hashsalt": "azawad-sim"}):
        for kind in kinds:
            try:
                figures = kind.make(where, options)
            except (KeyError, ValueError, OSError) as error:  # KeyError: a column is missing
                reason = f"no column {error}" if isinstance(error, KeyError) else error
                print(f"analysis: {kind.name}: {reason}", file=sys.stderr)
                failed = True
                continue
            for name, fig in figures:
                for path in save(fig, out_dir, name):
                    print(path, flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
