"""What every ``opis`` command group shares: consoles, common options, opening the
archive, JSON output and progress bars. Kept apart from ``cli.py`` so the groups
(``cli_intelligence``, ``cli_scans``, ``cli_semantic``, ``cli_reading``) import it
without importing the main command module."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from opis.archive import Archive, open_archive

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

HomeOption = Annotated[
    Optional[Path],  # noqa: UP045 - Typer needs Optional on 3.11
    typer.Option("--home", envvar="OPIS_HOME", help="Archive folder (default ./opis-data)."),
]


def open_or_exit(home: Path | None) -> Archive:
    """The archive, or a one-line error and exit status 2."""
    try:
        return open_archive(home)
    except Exception as exc:
        err.print(f"error: cannot open the archive at {home or 'opis-data'}: {exc}", markup=False)
        raise typer.Exit(2) from exc


def write_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def progress_bar(label: str, *, quiet: bool = False, remaining: bool = False) -> Progress:
    """A transient bar on stderr, shown only on a terminal and when not ``quiet``."""
    columns = [TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
    if remaining:
        columns.append(TimeRemainingColumn())
    return Progress(*columns, console=err, disable=quiet or not err.is_terminal, transient=True)
