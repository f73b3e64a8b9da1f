"""What the index should know about a record beyond the record: its authorities' names."""

from __future__ import annotations

from opis.model import Mention, Record
from opis.search.fields import AUTHORITY_ORIGIN
from opis.store.links import LinkStore


class LinkedNames:
    """Adds the names of a record's linked authorities (every variant) for the index.

    Loaded once per sync: one scan of the links and of the authorities.
    """

    def __init__(self, links: LinkStore) -> None:
        self._links = links
        self._by_record: dict[str, set[str]] | None = None
        self._names: dict[str, tuple[str, list[str]]] = {}

    def _load(self) -> dict[str, set[str]]:
        if self._by_record is None:
            self._by_record = self._links.authorities_by_record()
            authorities = {a.id: a for a in self._links.iter_authorities()}
            for authority in authorities.values():
                target = authority
                while target.merged_into and target.merged_into in authorities:
                    target = authorities[target.merged_into]
                names = [target.name, *(n.name for n in target.names)]
                self._names[authority.id] = (target.kind, list(dict.fromkeys(names)))
        return self._by_record

    def __call__(self, record: Record) -> Record:
        linked = self._load().get(record.id)
        if not linked:
            return record
        extra = [
            Mention(text=name, type=kind, origin=AUTHORITY_ORIGIN)
            for authority_id in sorted(linked)
            if authority_id in self._names
            for kind, names in [self._names[authority_id]]
            for name in names
        ]
        return record.model_copy(update={"mentions": [*record.mentions, *extra]})
