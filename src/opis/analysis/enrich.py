"""Analysis every record gets as it is read: the names in it and its references.

Readers give what the source states; ``enrich`` adds what analysis finds in the
text (people, places and organisations; mentions of other documents). It runs
in the ingest workers, so its cost is paid in parallel; a failure in analysis
never loses the record, it is kept as read with the error noted in ``extra``.
"""

from __future__ import annotations

from opis.model import Record, Reference

ANALYSIS_ERROR = "analysis_error"


def enrich(record: Record) -> Record:
    """``record`` with NER mentions and detected references added (idempotent)."""
    if record.metadata_only or not record.body.strip():
        return record
    from opis.analysis.entities import find_entities
    from opis.analysis.references import find_references

    try:
        kept = [m for m in record.mentions if m.origin not in ("ner", "gazetteer")]
        base = record.model_copy(update={"mentions": kept})
        mentions = kept + find_entities(base)
        references = _merge_references(record, find_references(base))
    except Exception as exc:  # analysis is best effort; the document itself must be kept
        extra = {**record.extra, ANALYSIS_ERROR: f"{type(exc).__name__}: {exc}"}
        return record.model_copy(update={"extra": extra})
    return record.model_copy(update={"mentions": mentions, "references": references})


def _merge_references(record: Record, found: list[Reference]) -> list[Reference]:
    """The source's own references first, then the detected ones not already there
    (``find_references`` keeps the source's too; this also keeps ``enrich`` idempotent)."""
    merged = list(record.references)
    seen = {(r.kind, r.text, r.position) for r in merged}
    for reference in found:
        key = (reference.kind, reference.text, reference.position)
        if key not in seen:
            seen.add(key)
            merged.append(reference)
    return merged
