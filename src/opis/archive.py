"""Where an archive lives on disk: one folder holding the store and the index."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from opis.store.links import LinkStore
from opis.store.sql import SqlStore, open_sqlite

if TYPE_CHECKING:
    from opis.search import SearchBackend

DEFAULT_HOME = Path("opis-data")
HOME_ENV = "OPIS_HOME"


def resolve_home(home: Path | None = None) -> Path:
    """``--home`` first, then ``$OPIS_HOME``, then ``./opis-data``."""
    if home is not None:
        return home
    env = os.environ.get(HOME_ENV)
    return Path(env) if env else DEFAULT_HOME


@dataclass
class Archive:
    home: Path
    store: SqlStore

    @property
    def links(self) -> LinkStore:
        """Authorities, entity and reference links, embeddings: same database."""
        return LinkStore(self.store.engine)

    @property
    def index_path(self) -> Path:
        return self.home / "index"

    def search_index(self) -> SearchBackend:
        """The search index, brought in step with the store.

        The sync is what repairs an index left behind by a crash between a
        store write and the index update; when nothing changed it is cheap.
        """
        from opis.search import sync
        from opis.search.linked_names import LinkedNames

        backend = self.open_index()
        sync(self.store, backend, decorate=LinkedNames(self.links))
        return backend

    def open_index(self) -> SearchBackend:
        """The search index as it is (``search_index`` also brings it up to date)."""
        from opis.search import open_index

        return open_index(self.index_path)

    def close(self) -> None:
        self.store.close()


def open_archive(home: Path | None = None) -> Archive:
    root = resolve_home(home)
    root.mkdir(parents=True, exist_ok=True)
    return Archive(root, open_sqlite(root / "opis.db"))
