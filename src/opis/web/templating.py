"""The Jinja2 environment: templates from the package, autoescape always on."""

from __future__ import annotations

from pathlib import Path

import jinja2
from fastapi.templating import Jinja2Templates

from opis.export.citations import FORMAT_LABELS
from opis.web import view

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        # The templates ship with the package: checking their mtimes on every render
        # cost 3% of a search page.
        auto_reload=False,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["snippet"] = view.safe_snippet
    env.filters["person"] = view.person_label
    env.filters["edtf"] = view.display_edtf
    env.filters["fnlabel"] = view.footnote_label
    env.filters["paragraphs"] = view.text_paragraphs
    env.globals["FORMAT_LABELS"] = FORMAT_LABELS
    return env


templates = Jinja2Templates(env=_environment())
