"""Curators' decisions on authority records: merge, split, undo.

Authorities built from reference sources are rebuilt whenever those sources or
the FRUS volumes change, so a curator's decision cannot live in the built rows
alone: each one is stored as a curation (``LinkStore.curations``) and applied
again to every build (``apply_curations``), in the order it was made.

- **merge** (``LinkStore.merge_authorities``): the source record lives on in the
  target; its links move; its id keeps resolving.
- **split**: some names of a record that conflated two people (two Kims, father
  and son) go to a new authority, ``<kind>/curated/<slug>``; the next link pass
  decides every mention again with both records there (curator links stay).
- **undo**: the most recent curation is taken back; decisions are undone newest
  first, so each undo sees the records exactly as its curation left them.
"""

from __future__ import annotations

from collections.abc import Sequence

from opis.authorities.names import authority_keys, slug
from opis.model import Authority, AuthorityName
from opis.store.links import Curation, LinkStore

SPLIT_ID_PREFIX = "curated"


class CurationError(ValueError):
    """A curation that cannot be made (unknown authority, name not among its names)."""


def split_authority(
    links: LinkStore, authority_id: str, names: Sequence[str], *, name: str | None = None
) -> Authority:
    """Move ``names`` of an authority to a new one (preferred ``name``, or the first
    moved); returns the new authority. Its documents are re-decided by the next link
    pass (the authority set changed, so it relinks every record)."""
    original = links.get_authority(authority_id, follow=False)
    if original is None:
        raise CurationError(f"no authority {authority_id!r}")
    if original.merged_into:
        raise CurationError(f"{authority_id} was merged into {original.merged_into}: undo that")
    if not names:
        raise CurationError("name at least one name to move to the new authority")
    taken = {a.id for a in links.iter_authorities(original.kind)}
    new_id = _new_id(original.kind, name or names[0], taken)
    rest, new = _split(original, names, new_id, name)
    data = {"authority": original.id, "names": list(names), "new_id": new.id, "name": new.name}
    links.curate("split", data, [(rest, authority_keys(rest)), (new, authority_keys(new))])
    return new


def undo_last_curation(links: LinkStore) -> Curation:
    """Take back the most recent merge or split; returns what was undone."""
    done = links.curations()
    if not done:
        raise CurationError("there is no curation to undo")
    last = done[-1]
    if last.action == "merge":
        source = links.get_authority(last.data["source"], follow=False)
        if source is None:
            raise CurationError(f"the merged authority {last.data['source']!r} is gone")
        restored = source.model_copy(update={"merged_into": None})
        links.undo_curation(last.id, [(restored, authority_keys(restored))])
        return last
    if last.action == "split":
        original = links.get_authority(last.data["authority"], follow=False)
        new = links.get_authority(last.data["new_id"], follow=False)
        if original is None or new is None:
            raise CurationError(f"the split authorities of curation {last.id} are gone")
        moved = {n.casefold() for n in last.data["names"]}
        back = [n for n in new.names if n.name.casefold() in moved]
        whole = original.model_copy(update={"names": _union(original.names, back)})
        links.undo_curation(
            last.id,
            [(whole, authority_keys(whole))],
            delete=[new.id],
            repoint={new.id: original.id},
        )
        return last
    raise CurationError(f"unknown curation {last.action!r}")


def apply_curations(built: list[Authority], curations: Sequence[Curation]) -> list[Authority]:
    """The built authorities as the curators left them (merges marked, splits made).

    Curations of records not in ``built`` (linker candidates, kept in the store
    between builds) are already in their stored rows and are left alone; a split
    whose names a new build no longer has moves those it still has.
    """
    by_id = {a.id: a for a in built}
    for curation in curations:
        data = curation.data
        if curation.action == "merge" and data["source"] in by_id:
            source = by_id[data["source"]]
            by_id[source.id] = source.model_copy(update={"merged_into": data["target"]})
        elif curation.action == "split" and data["authority"] in by_id:
            original = by_id[data["authority"]]
            present = {n.name.casefold() for n in original.names}
            names = [n for n in data["names"] if n.casefold() in present]
            if names:
                rest, new = _split(original, names, data["new_id"], data.get("name"))
                by_id[rest.id] = rest
                by_id[new.id] = new
    return list(by_id.values())


def _split(
    original: Authority, names: Sequence[str], new_id: str, preferred: str | None
) -> tuple[Authority, Authority]:
    wanted = {n.casefold() for n in names}
    if original.name.casefold() in wanted:
        raise CurationError(
            f"{original.name!r} is the preferred name of {original.id}: it stays; "
            "move the other person's names"
        )
    moving = [n for n in original.names if n.name.casefold() in wanted]
    missing = wanted - {n.name.casefold() for n in moving}
    if missing:
        listed = ", ".join(n.name for n in original.names) or "none"
        raise CurationError(
            f"{original.id} has no name {', '.join(sorted(missing))!r} (its names: {listed})"
        )
    name = preferred or moving[0].name
    extra = (
        []
        if name.casefold() in {n.name.casefold() for n in moving}
        else [AuthorityName(name=name, source="curator")]
    )
    new = Authority(
        id=new_id,
        kind=original.kind,
        name=name,
        names=[*moving, *extra],
        identifiers={"split-from": original.id},
        description=f"Split by a curator from {original.name} ({original.id}).",
        sources=["curator"],
    )
    rest = original.model_copy(update={"names": [n for n in original.names if n not in moving]})
    return rest, new


def _new_id(kind: str, name: str, taken: set[str]) -> str:
    base = f"{kind}/{SPLIT_ID_PREFIX}/{slug(name) or 'name'}"
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _union(first: Sequence[AuthorityName], second: Sequence[AuthorityName]) -> list[AuthorityName]:
    seen = {n.name.casefold() for n in first}
    return [*first, *(n for n in second if n.name.casefold() not in seen)]
