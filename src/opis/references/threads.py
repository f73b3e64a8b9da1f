"""Rebuilding the exchange a document belongs to from references and replies.

"Telegrams 663 and 669 -> Malik's draft -> Stalin's approval -> instructions to
Shtykov": every document linked to this one by a resolved reference, in either
direction, and the documents linked to those, in time order. The graph is read
through callables so the same code runs on the store's reference links, on an
in-memory resolution of a corpus, or in tests.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable


def exchange(
    record_id: str,
    outgoing: Callable[[str], list[str]],
    incoming: Callable[[str], list[str]],
    date_of: Callable[[str], str | None],
    limit: int = 200,
) -> list[str]:
    """The connected chain around ``record_id``, itself included, ordered in time.

    ``outgoing(id)`` gives the records ``id`` cites, ``incoming(id)`` those citing it
    (replies cite what they answer), ``date_of(id)`` an ISO date or None. The walk is
    breadth first and stops at ``limit`` documents, so a hub (a circular cited by
    hundreds) cannot pull in the whole archive. Undated documents come last; equal
    dates keep the order the walk reached them in.
    """
    seen: dict[str, int] = {record_id: 0}
    queue: deque[str] = deque([record_id])
    while queue and len(seen) < limit:
        current = queue.popleft()
        for neighbour in [*outgoing(current), *incoming(current)]:
            if neighbour in seen:
                continue
            seen[neighbour] = len(seen)
            queue.append(neighbour)
            if len(seen) >= limit:
                break
    dates = {record: date_of(record) for record in seen}
    return sorted(
        seen, key=lambda record: (dates[record] is None, dates[record] or "", seen[record])
    )


__all__ = ["exchange"]
