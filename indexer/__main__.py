"""Command line: `python -m indexer build|check|watch|show|new`.

Prints one line per problem as `PATH:LINE: field: message`, then a one-line summary. Exit codes:
0 all files indexed (warnings allowed, unless --strict), 1 some file rejected, 2 usage error,
3 another build held the lock for too long.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .writing.build import BuildReport
    from .writing.manifest import BackgroundListing

# The indexer's modules are imported where a command needs them: a build first starts listing
# the content folder (see ``early_listing``), then imports the rest while that runs.

DEFAULT_CONTENT = "content"
DEFAULT_INDEX = os.path.join("instance", "index")
EXIT_REJECTED = 1
EXIT_LOCKED = 3


def default_content_dir() -> Path:
    return Path(os.environ.get("LIBRARY_CONTENT_DIR") or DEFAULT_CONTENT)


def default_index_dir() -> Path:
    return Path(os.environ.get("LIBRARY_INDEX_DIR") or DEFAULT_INDEX)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m indexer", description=__doc__.splitlines()[0])
    commands = top.add_subparsers(dest="command", required=True)
    build_cmd = commands.add_parser("build", help="bring the index up to date with the content")
    build_cmd.add_argument("--content", type=Path, default=None, help="content folder")
    build_cmd.add_argument("--index", type=Path, default=None, help="index folder")
    build_cmd.add_argument("--full", action="store_true", help="rebuild from scratch")
    check_cmd = commands.add_parser("check", help="validate the content without indexing")
    check_cmd.add_argument("--content", type=Path, default=None, help="content folder")
    check_cmd.add_argument(
        "--strict", action="store_true", help="treat warnings as errors (exit 1 on any)"
    )
    for cmd in (build_cmd, check_cmd):
        cmd.add_argument(
            "--jobs", "-j", type=int, default=None, metavar="N", help="processes (default: cores)"
        )
    watch_cmd = commands.add_parser("watch", help="rebuild whenever a content file is saved")
    watch_cmd.add_argument("--content", type=Path, default=None, help="content folder")
    watch_cmd.add_argument("--index", type=Path, default=None, help="index folder")
    show_cmd = commands.add_parser("show", help="print what the indexer understands of a file")
    show_cmd.add_argument("path", type=Path, help="a file in the content folder")
    show_cmd.add_argument("--content", type=Path, default=None, help="content folder")
    from . import starter

    starter.add_parser(commands)
    return top


def early_listing(argv: list[str]) -> BackgroundListing | None:
    """For an update (`build` without --full), start listing and stating the content folder in
    a child process now, before the rest of the indexer is imported: on a library of 100,000
    files the two take about the same time, a good part of a one-file update."""
    if not argv or argv[0] != "build":
        return None
    first = argparse.ArgumentParser(add_help=False)
    first.add_argument("--content", type=Path, default=None)
    first.add_argument("--full", action="store_true")
    known, _ = first.parse_known_args(argv[1:])
    content_dir = known.content or default_content_dir()
    if known.full or not content_dir.is_dir():
        return None
    from .writing.manifest import BackgroundListing

    return BackgroundListing(content_dir)


def print_report(report: BuildReport, content_dir: Path) -> None:
    from .contract.fields import city_entry, unknown_cities

    for problem in sorted(report.problems):
        print(_prefixed(str(problem), content_dir))
    cities = unknown_cities(report.problems)
    if cities:
        print(
            f"Cities not in {content_dir.as_posix()}/cities.yml; entries to paste under 'cities:'"
        )
        print("(fill in the country and the source):")
        for name in cities:
            print(city_entry(name))
    if report.mode == "check":
        rejected = f"{report.rejected} file{'s' if report.rejected != 1 else ''} rejected"
        print(
            f"Checked {report.files} files: {report.documents} valid resources in "
            f"{report.languages} languages; {rejected}; {report.seconds:.1f} s."
        )
    elif report.mode == "failed":
        print("Build stopped: fix the vocabulary first; the index was not changed.")
    else:
        print(report.summary())


def _prefixed(line: str, content_dir: Path) -> str:
    """Paths in messages are shown as they can be opened from where the command ran."""
    return f"{content_dir.as_posix().rstrip('/')}/{line}"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    listed = early_listing(argv)
    try:
        return _run(argv, listed)
    finally:
        if listed is not None:
            listed.close()


def _run(argv: list[str], listed: BackgroundListing | None) -> int:
    args = parser().parse_args(argv)
    if args.command == "new":
        from . import starter

        return starter.run(args)
    from .progress import Progress
    from .writing.build import build, check
    from .writing.store import BuildLockTimeout

    content_dir = args.content or default_content_dir()
    if not content_dir.is_dir():
        print(
            f"error: content folder {content_dir} does not exist (use --content DIR)",
            file=sys.stderr,
        )
        return 2
    if args.command == "show":
        return show(content_dir, args.path)
    if args.command == "watch":
        return watch(content_dir, args.index or default_index_dir())
    if args.command == "check":
        report = check(content_dir, workers=args.jobs, progress=Progress(label="Checking"))
        if args.strict:
            report.strict()
    else:
        index_dir = args.index or default_index_dir()
        try:
            report = build(
                content_dir,
                index_dir,
                full=args.full,
                workers=args.jobs,
                progress=Progress(),
                listed=listed,
            )
        except BuildLockTimeout as err:
            print(f"error: {err}", file=sys.stderr)
            return EXIT_LOCKED
    print_report(report, content_dir)
    return 0 if report.ok else EXIT_REJECTED


def show(content_dir: Path, path: Path) -> int:
    from .show import describe

    if not path.is_absolute() and not path.exists() and (content_dir / path).exists():
        path = content_dir / path
    if not path.is_file():
        print(f"error: {path} is not a file", file=sys.stderr)
        return 2
    try:
        text, indexed = describe(content_dir, path)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(text)
    return 0 if indexed else EXIT_REJECTED


def watch(content_dir: Path, index_dir: Path) -> int:
    """Rebuild on every save until interrupted, printing what each build found."""
    import time

    from .watch import watch as watch_folder
    from .writing.store import BuildLockTimeout

    def report(result: BuildReport, paths: set[str]) -> None:
        for problem in sorted(result.problems):
            if problem.path in paths:
                print(_prefixed(str(problem), content_dir), flush=True)
        print(f"{time.strftime('%H:%M:%S')} {result.summary()}", flush=True)

    def ready() -> None:
        print(f"Watching {content_dir} for changes (Ctrl+C to stop).", flush=True)

    try:
        watch_folder(content_dir, index_dir, report, ready=ready)
    except KeyboardInterrupt:
        pass
    except BuildLockTimeout as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_LOCKED
    return 0


if __name__ == "__main__":
    code = main()
    # Everything is written and closed by now; skip tearing down a large library's structures
    # one object at a time (a tenth of a second of a one-file update at 100,000 files).
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
