"""The ``genspec`` command line.

``genspec check [--impl MODULE|PATH] [--out DIR] [options] [-- PYTEST ARGS]``
    run the specification against an implementation and write the conformance report; the CI
    command (exit codes in ``genspec.runner``).
``genspec bugs [--area A] [--jobs N] [ENTRY ...]``
    run the suite against every entry of the bug catalogue and print the kill table.
``genspec designs``
    the statistical tests' designs.
``genspec train MODEL`` / ``genspec evaluate MODEL``
    train and evaluate the reference models (``genspec.models.cli``; needs ``genspec[models]``).

Nothing heavy is imported before the options are checked: a bad ``--impl`` is reported at once.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from pathlib import Path

import genspec
from genspec import AREAS

MODEL_COMMANDS = {
    "train": "train a reference model (genspec train --help)",
    "evaluate": "evaluate a trained reference model (genspec evaluate --help)",
}


def _csv(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


def _check(args: argparse.Namespace) -> int:
    from genspec import runner

    pytest_args = list(args.pytest_args)
    if pytest_args and pytest_args[0] != "--":
        print(f"genspec check: error: unrecognized arguments: {' '.join(pytest_args)} "
              f"(pytest arguments go after --)", file=sys.stderr)
        return 2
    pytest_args = pytest_args[1:]
    opts = runner.CheckOptions(
        impl=args.impl, out=Path(args.out).resolve(), areas=args.area, device=args.device,
        seed=args.seed, profile=args.profile, run_slow=args.run_slow,
        require=args.require,
        junit_xml=Path(args.junit_xml).resolve() if args.junit_xml else None,
        timeout=args.timeout, shrink=args.shrink, max_restarts=args.max_restarts, pytest_args=pytest_args,
        tiers=args.tiers, strict=args.strict,
    )
    # The child process searches the current folder first for --impl (like `python -m`); so does this check.
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        runner.validate(opts)
    except runner.UsageError as exc:
        print(f"genspec check: error: {exc}", file=sys.stderr)
        return runner.EXIT_USAGE
    print(f"genspec check: implementation {opts.impl}; areas {', '.join(opts.areas)}; "
          f"report to {opts.out / 'report.md'}", flush=True)
    return runner.run(opts)


def _bugs(args: argparse.Namespace) -> int:
    from genspec.catalogue import main as bugs_main

    return bugs_main(entries=args.entries, area=args.area, jobs=args.jobs, out=args.out)


def _designs(args: argparse.Namespace) -> int:
    from genspec.designs import collect_designs, designs_table

    table = "# Statistical test designs\n\n" + designs_table(collect_designs()) + "\n"
    if args.out:
        Path(args.out).write_text(table)
    print(table)
    return 0


def _add_check(sub: argparse._SubParsersAction) -> None:
    from genspec.runner import EXIT_CODES
    from genspec.suite import SPEC_AREAS

    epilog = "exit status:\n" + "\n".join(f"  {code}  {text}" for code, text in EXIT_CODES.items())
    check = sub.add_parser(
        "check", help="run the specification against an implementation (the CI command)",
        description="Run genspec's specification against an implementation and write the conformance "
                    "report. The suite runs in a child process with genspec's own pytest settings: "
                    "nothing in the current folder's pytest configuration changes what runs.",
        epilog=epilog, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check.add_argument("--impl", default="reference", metavar="MODULE|PATH",
                       help="the implementation: a module name (searched from the current folder too) or a "
                            ".py file; genspec's own: reference (default), adapters.NAME, bugs.NAME, faithful.NAME")
    check.add_argument("--out", default="genspec-report", metavar="DIR",
                       help="folder for report.md and report.json (default: genspec-report)")
    check.add_argument("--area", type=_csv, default=SPEC_AREAS, metavar="A[,B]",
                       help=f"spec areas to run (default: {','.join(SPEC_AREAS)}; also: models, genspec's own "
                            f"model smoke checks); known: {', '.join(AREAS)}")
    check.add_argument("--device", choices=("auto", "cpu", "cuda"), default=None,
                       help="where tensor checks run (default auto: CPU, plus CUDA when available)")
    check.add_argument("--seed", default="0", metavar="N|random",
                       help="seed of every generator and of Hypothesis (default 0, the derandomized run)")
    check.add_argument("--profile", choices=("dev", "ci", "thorough"), default=None,
                       help="Hypothesis profile (default: ci when CI is set, else dev; thorough: 1000 examples, "
                            "a random seed, slow checks included)")
    check.add_argument("--run-slow", action="store_true", help="include slow checks (the 10^8-draw scans)")
    check.add_argument("--strict", action="store_true",
                       help="every tier gates the run, validation included (--tiers all)")
    check.add_argument("--tiers", default="auto", metavar="TIERS",
                       help="tiers whose failures fail the run: a comma list of law, numerics, validation, or all; "
                            "default auto: law and numerics (all three for genspec's reference); failures in the "
                            "other tiers are reported, not failing")
    check.add_argument("--require", type=_csv, default=(), metavar="NAMES|all",
                       help="contract names that must be provided: a missing one fails the run")
    check.add_argument("--junit-xml", default=None, metavar="PATH", help="also write a JUnit XML file for CI systems")
    check.add_argument("--timeout", type=float, default=300.0, metavar="S",
                       help="per-check time limit in seconds; a check past it fails (default 300; 0: none)")
    check.add_argument("--shrink", action="store_true",
                       help="shrink falsifying examples (smaller examples, much slower verdicts on a broken "
                            "implementation); off by default")
    check.add_argument("--max-restarts", type=int, default=5, metavar="N",
                       help="how often to resume after the implementation ends the process (default 5)")
    check.add_argument("pytest_args", nargs=argparse.REMAINDER, help="after --: further pytest arguments")
    check.set_defaults(func=_check)


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="genspec", description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", action="version", version=f"genspec {genspec.__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    _add_check(sub)

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
    if args[:1] and args[0] in MODEL_COMMANDS and importlib.util.find_spec("genspec.models.cli") is not None:
        from genspec.models.cli import register

        register(sub)
    else:
        for name, text in MODEL_COMMANDS.items():
            sub.add_parser(name, help=text, add_help=False)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
