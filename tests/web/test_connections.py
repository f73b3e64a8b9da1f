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


def test_names_and_references_are_links_in_the_running_text(site: Site) -> None:
    import lxml.html

    page = lxml.html.fromstring(site.client.get(f"/documents/{SEED_ID}").text)
    body = site.client.get(f"/api/documents/{SEED_ID}").json()["body"]
    links = page.cssselect("section.text a")
    by_text = {a.text_content(): a for a in links}
    assert by_text["STALIN"].get("href").endswith(f"/authorities/{STALIN}")
    assert by_text["STALIN"].get("class") == "name-person"
    assert by_text["Molotov"].get("title") == "Molotov, Vyacheslav Mikhailovich"
    # Two documents named at once: the link goes to the entry listing both.
    shtykov = by_text["Shtykov’s telegrams Nos. 663 and 669"]
    anchor = shtykov.get("href").removeprefix("#")
    assert anchor.startswith("ref-")
    entry = page.get_element_by_id(anchor)
    assert "/placeholders/ref/telegram/shtykov/663" in lxml.html.tostring(entry, encoding=str)
    letter = by_text["V.M. Molotov’s letter of 4 September"]
    assert letter.get("class") == "ref-gap"
    assert letter.get("href").endswith("/placeholders/ref/letter/molotov/1947-09-04")
    assert "not held" in letter.get("title")
    # Every link is a stretch of the body, and the text reads as before.
    assert all(a.text_content() in body for a in links)
    text = " ".join(page.cssselect("section.text")[0].text_content().split())
    assert "Shtykov’s telegrams Nos. 663 and 669" in text


def test_the_document_page_tag_follows_its_links(site: Site) -> None:
    from opis.archive import open_archive
    from opis.model import EntityLink

    first = site.client.get(f"/documents/{SEED_ID}")
    tag = first.headers["etag"]
    again = site.client.get(f"/documents/{SEED_ID}", headers={"If-None-Match": tag})
    assert again.status_code == 304
    archive = open_archive(site.home)
    try:
        [link] = [
            link
            for link in archive.links.entity_links(SEED_ID)
            if link.field == "mentions" and link.text == "STALIN"
        ]
        archive.links.set_link(EntityLink(**{**link.model_dump(), "authority_id": STALIN}))
    finally:
        archive.close()
    changed = site.client.get(f"/documents/{SEED_ID}", headers={"If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["etag"] != tag
