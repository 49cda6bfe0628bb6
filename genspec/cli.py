"""The ``genspec`` command line.

``genspec check [--impl MODULE] [--out DIR] [-- PYTEST ARGS]``
    run the specification against an implementation and write the conformance report
    (``DIR/report.md``, ``DIR/report.json``).
``genspec bugs [--area A] [--jobs N] [ENTRY ...]``
    run the suite against every entry of the bug catalogue and print the kill table.
``genspec train MODEL`` / ``genspec evaluate MODEL``
    train and evaluate the reference models (``models.cli``).
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path


def _check(args: argparse.Namespace) -> int:
    import pytest

    from genspec.suite import pytest_args

    out = Path(args.out)
    extra = [f"--genspec-report={out}", "-q"] + list(args.pytest_args)
    if args.device:
        extra.append(f"--device={args.device}")
    print(f"genspec check: implementation {args.impl}; report to {out}/report.md", flush=True)
    code = int(pytest.main(pytest_args(args.impl, extra=extra)))
    report = out / "report.md"
    if report.exists():
        print(f"genspec check: wrote {report} and {out / 'report.json'}")
    # 0: conforms; 1: a check failed; 5: nothing was collected (an empty implementation).
    return code


def _bugs(args: argparse.Namespace) -> int:
    from genspec.bugs import main as bugs_main

    return bugs_main(entries=args.entries, area=args.area, jobs=args.jobs, out=args.out)


def _designs(args: argparse.Namespace) -> int:
    from genspec.designs import collect_designs, designs_table

    table = "# Statistical test designs\n\n" + designs_table(collect_designs()) + "\n"
    if args.out:
        Path(args.out).write_text(table)
    print(table)
    return 0


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="genspec", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help="run the specification against an implementation")
    check.add_argument("--impl", default="reference", help="module implementing spec-api.md")
    check.add_argument("--out", default="genspec-report", help="directory for report.md and report.json")
    check.add_argument("--device", choices=("auto", "cpu", "cuda"), default=None)
    check.add_argument("pytest_args", nargs="*", help="further pytest arguments (after --)")
    check.set_defaults(func=_check)

    bugs = sub.add_parser("bugs", help="run the suite against the bug catalogue")
    bugs.add_argument("entries", nargs="*", help="catalogue entries (default: all)")
    bugs.add_argument("--area", default=None, help="only entries of this area")
    bugs.add_argument("--jobs", type=int, default=2, help="entries run in parallel")
    bugs.add_argument("--out", default=None, help="also write the kill table as Markdown here")
    bugs.set_defaults(func=_bugs)

    designs = sub.add_parser("designs", help="print the statistical tests' designs (statistic, n, alpha, power)")
    designs.add_argument("--out", default=None, help="also write the table as Markdown here")
    designs.set_defaults(func=_designs)

    # The model commands import torchvision and the models; only load them when asked for.
    args = sys.argv[1:] if argv is None else argv
    if args[:1] and args[0] in MODEL_COMMANDS and importlib.util.find_spec("models.cli") is not None:
        from models.cli import register

        register(sub)
    else:
        for name, text in MODEL_COMMANDS.items():
            sub.add_parser(name, help=text, add_help=False)
    return parser


MODEL_COMMANDS = {
    "train": "train a reference model (genspec train --help)",
    "evaluate": "evaluate a trained reference model (genspec evaluate --help)",
}


def main(argv: list[str] | None = None) -> int:
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
