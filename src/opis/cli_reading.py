"""CLI commands of the reading room: ``delete`` (records, leaving OAI-PMH tombstones).
Thin: the work is in ``SqlStore.delete``."""

from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    from opis.cli_support import HomeOption, err, out
    from opis.cli_support import open_or_exit as _open

    @app.command("delete")
    def delete_command(
        record_ids: Annotated[list[str], typer.Argument(metavar="ID...", help="Record ids.")],
        home: HomeOption = None,
    ) -> None:
        """Delete records: each leaves a tombstone OAI-PMH harvesters see as deleted.

        The record's last version stays in its history; ingesting it again brings it
        back as the next version. The search index is brought in step afterwards.
        """
        archive = _open(home)
        missing = []
        try:
            for record_id in record_ids:
                if archive.store.delete(record_id):
                    out.print(f"deleted {record_id}")
                else:
                    missing.append(record_id)
            if len(missing) < len(record_ids):
                try:
                    archive.search_index().close()
                except ValueError as exc:  # another process holds the index writer
                    err.print(
                        f"[yellow]warning:[/] the search index is busy ({exc}); "
                        "it drops the deleted records when next opened"
                    )
        finally:
            archive.close()
        for record_id in missing:
            err.print(f"[red]error:[/] no record {record_id!r}")
        if missing:
            raise typer.Exit(1)
