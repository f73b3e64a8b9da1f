"""Known-item search: a query a historian would type for a document they remember.

The queries paraphrase what the document is about (who, what, where, when);
they are not copied from its text. Each document must come up in the top 5.
"""

from __future__ import annotations

import pytest

from opis.search import SearchBackend

KNOWN_ITEMS = [
    ("wilson-incoming-cable-16", "Stalin approval Korea provisional government 1947"),
    ("wilson-transcript-33548", "Roshchin Mao Vyshinsky 1950"),
    ("wilson-transcript-33548", "Мао Цзэдун военные преступники"),
    ("frus1946v06-d475", "Kennan telegram Moscow 1946 Soviet outlook"),
    ("frus1961-63v06-d1", "Khrushchev congratulates Kennedy on election"),
    ("frus1961-63v06-d17", "Pushinka whaler model Kennedy"),
    ("frus1961-63v06-d15", "Khrushchev letter Menshikov Novosibirsk"),
    ("frus1961-63v06-d38", "Kennedy Macmillan disarmament conference foreign ministers date:1962"),
    ("frus1955-57v24-d368", "Menderes Syria date:1957-10"),
    ("frus1955-57v24-d374", "Zorlu Turkey economic aid inflation NATO"),
    ("frus1955-57v24-d192", "Cyprus dispute NATO evaluation"),
    ("frus1955-57v24-d257", "Karamanlis Menderes meeting Greek Turkish negotiations"),
    ("frus1949v07p2-d383", "Yost report Far East Bevin talks"),
    ("frus1949v07p2-d369", "Romulo Southeast Asia union Quirino"),
    ("frus1949v07p2-d169", "Japanese peace treaty Voorhees"),
    ("frus1949v07p2-d59", "Japan ITU membership FEC"),
    ("frus1949v07p2-d256", "Chough postpone US troop withdrawal Korea"),
    ("frus1949v07p2-d121", "Canada Japanese labor policy FEC"),
    ("frus1949v07p2-d16", "legal adviser Japanese reparations Potsdam commitments"),
    ("frus1949v07p2-d346", "Kirk Moscow Pacific Union Chiang Quirino"),
    ("frus1949v07p2-d338", "Generalissimo Baguio visit Quirino"),
    ("dfat-16-185", "human rights declaration Austdel date:1948-10"),
    ("dfat-16-234", "Melville employment economic stability sub-commission 1949"),
    ("dfat-16-390", "defence representatives abroad Boase"),
    ("dfat-16-271", "World Health Organization western pacific regional"),
    ("dfat-16-164", "Korea commission Australia chairman from:Shaw"),
    ("dfat-8-422", "Northcott MacArthur proposals from:Evatt"),
    ("dfat-14-331", "Maritime Safety Bill Allied Council"),
    ("dfat-8-196", "Precom executive committee chairman Hasluck"),
    ("dfat-16-141", "Temporary Korean Commission elections Hodge"),
    ("dfat-16-57", "Palestinian refugees flour wheat"),
    ("dfat-8-166", "Molotov Japanese ambassador war Soviet date:1945-08"),
    ("dfat-8-389", "Evatt Attlee Indonesia British forces Dutch"),
    ("dfat-16-360", "Sillitoe security documents"),
    ("dfat-16-203", "New Guinea trusteeship administrative union date:1948-09"),
    ("dfat-8-33", "Stettinius Clayton approach Cranborne"),
    ("dfat-14-371", "private trade with Japan SCAP import licences"),
]


@pytest.mark.parametrize(("record_id", "query"), KNOWN_ITEMS)
def test_known_item_in_top_five(backend: SearchBackend, record_id: str, query: str) -> None:
    top = [h.id for h in backend.search(query, limit=5).hits]
    assert record_id in top, top


def test_enough_known_items() -> None:
    assert len({record_id for record_id, _ in KNOWN_ITEMS}) >= 30
