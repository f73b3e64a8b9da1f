"""Authorities, references, placeholders and exchanges over the API and as pages."""

from __future__ import annotations

from tests.web.conftest import SEED_ID, Site

STALIN = "person/stalin-iosif-vissarionovich"


def test_entities_of_the_seed_point_at_authorities(site: Site) -> None:
    response = site.client.get(f"/api/documents/{SEED_ID}/entities")
    assert response.status_code == 200
    items = response.json()["items"]
    linked = {i["authority_id"] for i in items if i["type"] == "person"}
    assert {STALIN, "person/molotov-vyacheslav-mikhailovich", "person/candidate/nezlobin"} <= linked
    malik = next(i for i in items if i["field"] == "from")
    assert (malik["text"], malik["authority_id"]) == ("Malik", "person/malik-yakov-aleksandrovich")


def test_authority_by_id_and_by_any_script(site: Site) -> None:
    by_id = site.client.get(f"/api/authorities/{STALIN}")
    assert by_id.status_code == 200
    body = by_id.json()
    assert body["authority"]["name"] == "Stalin, Iosif Vissarionovich"
    assert SEED_ID in [d["record_id"] for d in body["documents"]]
    for name in ("Сталин", "Stalin", "I.V. Stalin"):
        found = site.client.get("/api/authorities", params={"q": name}).json()["items"]
        assert [a["id"] for a in found] == [STALIN], name


def test_references_of_the_seed_are_placeholders(site: Site) -> None:
    body = site.client.get(f"/api/documents/{SEED_ID}/references").json()
    telegram = next(r for r in body["outgoing"] if r["kind"] == "telegram")
    ids = [t["placeholder_id"] for t in telegram["targets"]]
    assert ids == ["ref/telegram/shtykov/663", "ref/telegram/shtykov/669"]
    placeholder = site.client.get(f"/api/placeholders/{ids[0]}").json()
    assert placeholder["placeholder"]["label"] == "Shtykov's telegram No. 663 (1947)"
    # The seed and the test's hostile copy of it both cite the telegram.
    assert SEED_ID in [c["record_id"] for c in placeholder["cited_by"]]


def test_frus_cross_references_resolve_inside_the_volume(site: Site) -> None:
    # frus1917-72PubDip: footnotes link documents of the same volume.
    linked = 0
    for number in range(1, 60):
        response = site.client.get(f"/api/documents/frus1917-72PubDip-d{number}/references")
        if response.status_code != 200:
            continue
        for ref in response.json()["outgoing"]:
            for target in ref["targets"]:
                if target.get("record_id", "").startswith("frus1917-72PubDip-d"):
                    linked += 1
                    thread = site.client.get(f"/api/documents/frus1917-72PubDip-d{number}/thread")
                    ids = [row["id"] for row in thread.json()["items"]]
                    assert target["record_id"] in ids and f"frus1917-72PubDip-d{number}" in ids
    assert linked > 0


def test_unknown_ids_are_json_404s(site: Site) -> None:
    for url in (
        "/api/authorities/person/nobody-at-all",
        "/api/placeholders/ref/telegram/nobody/1",
        "/api/documents/no-such-document/references",
        "/api/documents/no-such-document/entities",
        "/api/documents/no-such-document/similar",
    ):
        response = site.client.get(url)
        assert response.status_code == 404, url
        assert "error" in response.json()
    assert site.client.get("/api/authorities", params={"q": ""}).status_code == 400


def test_pages_show_names_references_and_authorities(site: Site) -> None:
    document = site.client.get(f"/documents/{SEED_ID}").text
    assert f'href="http://testserver/authorities/{STALIN}"' in document
    assert "/placeholders/ref/telegram/shtykov/663" in document
    authority = site.client.get(f"/authorities/{STALIN}").text
    assert "Сталин" in authority and "Filippov" in authority
    placeholder = site.client.get("/placeholders/ref/telegram/shtykov/663").text
    assert "not held" in placeholder and SEED_ID in placeholder
    assert site.client.get("/authorities/person/nobody-at-all").status_code == 404


def test_similar_is_empty_until_embedded(site: Site) -> None:
    response = site.client.get(f"/api/documents/{SEED_ID}/similar")
    assert response.status_code == 200
    assert response.json()["items"] == []
