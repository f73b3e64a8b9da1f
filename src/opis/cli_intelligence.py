"""CLI commands for authorities and links: ``link``, ``authorities``, ``entities``,
``authority``, ``refs``, ``thread``, and the curators' ``merge-authorities``,
``split-authority``, ``correct-link``, ``curations``, ``undo-curation``. Thin: the
work is in ``opis.linking``, ``opis.authorities.curation`` and ``opis.connections``."""

from pathlib import Path
from typing import Annotated, Any

import typer

from opis.archive import Archive
from opis.cli_support import write_json


def _json(value: Any) -> None:
    write_json(value)


def register(app: typer.Typer) -> None:
    from opis.cli import _sync_index
    from opis.cli_support import HomeOption, err, out
    from opis.cli_support import open_or_exit as _open

    JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]

    def _record(archive: Archive, record_id: str) -> Any:
        stored = archive.store.get(record_id)
        if stored is None:
            err.print(f"[red]error:[/] no record {record_id!r}")
            archive.close()
            raise typer.Exit(1)
        return stored.record

    @app.command("authorities")
    def authorities_command(
        paths: Annotated[
            list[Path],
            typer.Argument(help="Folders holding hsg-people and/or hsg-pocom (or those folders)."),
        ],
        home: HomeOption = None,
        link: Annotated[bool, typer.Option(help="Run the link pass after.")] = True,
    ) -> None:
        """Build authority records from hsg-people, hsg-pocom and the FRUS persons lists."""
        from opis.linking import authority_seed_folders, load_authorities

        people, pocom = authority_seed_folders(paths)
        if people is None and pocom is None:
            err.print(
                f"[red]error:[/] no hsg-people or hsg-pocom folder in {', '.join(map(str, paths))}"
            )
            raise typer.Exit(2)
        archive = _open(home)
        count = load_authorities(archive.store, archive.links, hsg_people=people, pocom=pocom)
        out.print(f"{count} authority records built")
        if link:
            _link(archive, full=False)
        archive.close()

    def _link(archive: Archive, *, full: bool) -> None:
        from opis.linking import link_archive

        report = link_archive(archive.store, archive.links, full=full)
        synced = _sync_index(archive, report.relinked)
        out.print(
            f"linked {report.linked} records: {report.entity_links} names linked, "
            f"{report.references} references ({report.resolved} to held records, "
            f"{len(report.placeholders)} placeholders); {report.authorities} authorities, "
            f"{report.candidates} candidates; search index: {synced.indexed} records indexed"
        )

    @app.command("link")
    def link_command(
        home: HomeOption = None,
        full: Annotated[bool, typer.Option(help="Link every record again.")] = False,
    ) -> None:
        """Link names to authorities and references to records (incremental)."""
        archive = _open(home)
        _link(archive, full=full)
        archive.close()

    @app.command("entities")
    def entities_command(
        record_id: str, home: HomeOption = None, as_json: JsonOption = False
    ) -> None:
        """The people, places and organisations a record names, with their authorities."""
        from opis.connections import as_json as plain
        from opis.connections import record_entities

        archive = _open(home)
        record = _record(archive, record_id)
        names = record_entities(archive.store, archive.links, record)
        archive.close()
        if as_json:
            _json(plain(names))
            return
        for name in names:
            target = (
                f"{name.authority_id} ({name.authority_name}; {name.method} {name.confidence:.2f})"
                if name.authority_id and name.confidence is not None
                else "not linked"
            )
            out.print(f"{name.type:7} {name.field:9} {name.text} -> {target}", markup=False)

    @app.command("authority")
    def authority_command(
        name_or_id: str,
        home: HomeOption = None,
        as_json: JsonOption = False,
        limit: Annotated[int, typer.Option(help="Documents to list.")] = 20,
    ) -> None:
        """An authority record (by id or any name variant): names, roles, documents."""
        from opis.connections import authority_view, find_authority

        archive = _open(home)
        found = find_authority(archive.links, name_or_id)
        if not found:
            archive.close()
            err.print(f"[red]error:[/] no authority named {name_or_id!r}")
            raise typer.Exit(1)
        views = [authority_view(archive.store, archive.links, a, limit=limit) for a in found]
        archive.close()
        if as_json:
            _json([v.__dict__ for v in views])
            return
        for view in views:
            a = view.authority
            out.print(f"{a['id']}  {a['name']}  [{a['kind']}, {a['status']}]", markup=False)
            names = sorted({n["name"] for n in a["names"]} | {t for t, _ in view.observed_names})
            if names:
                out.print("  names: " + "; ".join(names), markup=False)
            for role in a["roles"][:10]:
                span = "–".join(x or "?" for x in (role["start"], role["end"]))
                out.print(f"  role: {role['title']} ({span})", markup=False)
            if a["identifiers"]:
                ids = ", ".join(f"{k}={v}" for k, v in sorted(a["identifiers"].items()))
                out.print(f"  identifiers: {ids}", markup=False)
            out.print(f"  {view.document_count} documents", markup=False)
            for doc in view.documents:
                out.print(
                    f"    {doc['date'] or '?':12} {doc['record_id']}  {doc['title']}", markup=False
                )

    @app.command("refs")
    def refs_command(record_id: str, home: HomeOption = None, as_json: JsonOption = False) -> None:
        """A record's references to other documents (resolved or placeholders) and its citers."""
        from opis.connections import as_json as plain
        from opis.connections import record_references

        archive = _open(home)
        record = _record(archive, record_id)
        view = record_references(archive.store, archive.links, record)
        archive.close()
        if as_json:
            _json(plain(view))
            return
        out.print(f"{len(view.outgoing)} references from {record_id}:", markup=False)
        for ref in view.outgoing:
            out.print(f"  {ref.kind}: {ref.text}", markup=False)
            for target in ref.targets:
                if "record_id" in target:
                    out.print(
                        f"    -> {target['record_id']} {target.get('title') or ''}", markup=False
                    )
                else:
                    out.print(f"    -> not held: {target.get('label')}", markup=False)
        out.print(f"{len(view.incoming)} records cite {record_id}:", markup=False)
        for citer in view.incoming:
            out.print(f"  <- {citer.record_id} {citer.title}  ({citer.text})", markup=False)

    @app.command("thread")
    def thread_command(
        record_id: str, home: HomeOption = None, as_json: JsonOption = False
    ) -> None:
        """The exchange a record belongs to (references and replies), oldest first."""
        from opis.connections import record_thread

        archive = _open(home)
        _record(archive, record_id)
        ids = record_thread(archive.store, archive.links, record_id)
        rows = []
        for rid in ids:
            stored = archive.store.get(rid)
            if stored is not None:
                rows.append({"id": rid, "date": stored.record.date, "title": stored.record.title})
        archive.close()
        if as_json:
            _json(rows)
            return
        for row in rows:
            mark = "*" if row["id"] == record_id else " "
            out.print(f"{mark} {row['date'] or '?':12} {row['id']}  {row['title']}", markup=False)

    @app.command("merge-authorities")
    def merge_command(
        source: Annotated[str, typer.Argument(help="The authority that is the same as TARGET.")],
        target: Annotated[str, typer.Argument(help="The authority it becomes part of.")],
        home: HomeOption = None,
    ) -> None:
        """A curator's merge: SOURCE's links move to TARGET; SOURCE's id keeps resolving."""
        archive = _open(home)
        try:
            moved = archive.links.merge_authorities(source, target)
        except (KeyError, ValueError) as exc:
            archive.close()
            err.print(f"error: cannot merge {source!r} into {target!r}: {exc}", markup=False)
            raise typer.Exit(1) from exc
        affected = [d.record_id for d in archive.links.authority_documents(target, limit=100_000)]
        synced = _sync_index(archive, affected)
        archive.close()
        out.print(
            f"merged {source} into {target}: {moved} links moved; "
            f"search index: {synced.indexed} records indexed",
            markup=False,
        )

    @app.command("correct-link")
    def correct_command(
        record_id: str,
        field: Annotated[str, typer.Argument(help="mentions, from, to, signers or transmission")],
        index: Annotated[int, typer.Argument(help="Which name in that field (from 0).")],
        authority_id: str,
        home: HomeOption = None,
    ) -> None:
        """A curator's correction: that name is AUTHORITY_ID (kept by every later link pass)."""
        from opis.model import EntityLink

        archive = _open(home)
        record = _record(archive, record_id)
        wanted = archive.links.get_authority(authority_id)
        text = _name_at(record, field, index)
        problem = None
        if wanted is None:
            problem = f"no authority {authority_id!r}"
        elif not text:
            problem = f"{record_id} has no name {index} in {field!r}"
        if problem is not None or wanted is None or text is None:
            archive.close()
            err.print(f"error: {problem}", markup=False)
            raise typer.Exit(1)
        archive.links.set_link(
            EntityLink(
                record_id=record_id,
                mention=index,
                field=field,
                text=text,
                type=wanted.kind,
                authority_id=wanted.id,
                confidence=1.0,
                method="curator",
            )
        )
        _sync_index(archive, [record_id])
        archive.close()
        out.print(f"{record_id} {field}[{index}] -> {wanted.id} ({wanted.name})", markup=False)

    @app.command("split-authority")
    def split_command(
        authority_id: Annotated[str, typer.Argument(help="The authority that is two people.")],
        names: Annotated[
            list[str], typer.Argument(help="Its names that belong to the other person.")
        ],
        name: Annotated[
            str | None, typer.Option(help="Preferred name of the new authority.")
        ] = None,
        home: HomeOption = None,
        link: Annotated[bool, typer.Option(help="Run the link pass after.")] = True,
    ) -> None:
        """A curator's split: NAMES go to a new authority; documents are linked again."""
        from opis.authorities.curation import CurationError, split_authority

        archive = _open(home)
        try:
            new = split_authority(archive.links, authority_id, names, name=name)
        except CurationError as exc:
            archive.close()
            err.print(f"error: cannot split {authority_id!r}: {exc}", markup=False)
            raise typer.Exit(1) from exc
        out.print(
            f"split {authority_id}: {', '.join(names)} -> {new.id} ({new.name})", markup=False
        )
        if link:
            _link(archive, full=False)
        archive.close()

    @app.command("curations")
    def curations_command(home: HomeOption = None, as_json: JsonOption = False) -> None:
        """Curators' merges and splits, oldest first (each applies again on every rebuild)."""
        archive = _open(home)
        done = archive.links.curations()
        archive.close()
        if as_json:
            _json(
                [
                    {"id": c.id, "action": c.action, "created_at": c.created_at, **c.data}
                    for c in done
                ]
            )
            return
        for c in done:
            if c.action == "merge":
                what = f"{c.data['source']} into {c.data['target']}"
            else:
                what = f"{c.data['authority']}: {', '.join(c.data['names'])} -> {c.data['new_id']}"
            out.print(f"{c.id:4} {c.created_at[:19]} {c.action:5} {what}", markup=False)

    @app.command("undo-curation")
    def undo_command(
        home: HomeOption = None,
        link: Annotated[bool, typer.Option(help="Run the link pass after.")] = True,
    ) -> None:
        """Take back the most recent merge or split; documents are linked again."""
        from opis.authorities.curation import CurationError, undo_last_curation

        archive = _open(home)
        try:
            undone = undo_last_curation(archive.links)
        except CurationError as exc:
            archive.close()
            err.print(f"error: {exc}", markup=False)
            raise typer.Exit(1) from exc
        out.print(f"undid {undone.action} {undone.id}: {undone.data}", markup=False)
        if link:
            _link(archive, full=False)
        archive.close()


def _name_at(record: Any, field: str, index: int) -> str | None:
    """The name at ``index`` of a record's field (as the link pass numbers them)."""
    names: list[str | None] = {
        "mentions": [m.text for m in record.mentions],
        "from": [p.name for p in record.sender],
        "to": [p.name for p in record.to],
        "signers": [p.name for p in record.signers],
        "transmission": [e.agent for e in record.transmission],
    }.get(field, [])
    return names[index] if 0 <= index < len(names) else None
