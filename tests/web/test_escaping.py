"""Markup in a document is shown as text: a real page edited to carry script tags."""

from __future__ import annotations

import re

from markupsafe import Markup

from opis.web.view import safe_snippet
from tests.web.conftest import XSS_BODY, XSS_SUMMARY, XSS_TITLE_TAIL, Site


def test_hostile_title_body_and_summary_render_as_text(site: Site) -> None:
    response = site.client.get(f"/documents/{site.xss_id}")
    assert response.status_code == 200
    html = response.text
    record = site.client.get(f"/api/documents/{site.xss_id}").json()
    assert "<script>" in record["title"] and "<script>" in record["body"]
    for live in ("<script>alert", "<img src=x", "<iframe", 'onerror="alert', "<b onmouseover"):
        assert live not in html, live
    assert "&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in html
    assert "&lt;b onmouseover=&#34;alert(2)&#34;&gt;bold&lt;/b&gt;" in html
    assert "&lt;iframe src=javascript:alert(3)&gt;&lt;/iframe&gt;" in html
    # The only scripts on a document page are opis's own static files, never inline.
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts, "the copy button's script is expected"
    for tag in scripts:
        assert re.fullmatch(r'<script src="http://testserver/static/[\w./-]+"( defer)?>', tag), tag


def test_hostile_markup_in_citations_and_browse_is_escaped(site: Site) -> None:
    html = site.client.get(f"/documents/{site.xss_id}").text
    assert html.count("&lt;script&gt;alert(&#34;title&#34;)") >= 3  # h1, meta, citations
    browse = site.client.get("/browse").text
    assert "<script>alert" not in browse
    cite = site.client.get(f"/api/documents/{site.xss_id}/citation").text
    assert XSS_TITLE_TAIL.strip() in cite  # plain-text formats carry the title as it is


def test_search_snippets_keep_only_bold(site: Site) -> None:
    response = site.client.get("/search", params={"q": "onmouseover"})
    assert response.status_code == 200
    assert site.xss_id in response.text  # the hostile page is the hit
    assert "<b>onmouseover</b>" in response.text
    assert "<b onmouseover" not in response.text
    assert "<script>alert" not in response.text


def test_safe_snippet_lets_only_b_through() -> None:
    raw = 'a <b>match</b> <script>x()</script> <B>two</B> <b onclick="y()">z</b> &lt;i&gt;'
    assert safe_snippet(raw) == Markup(
        "a <b>match</b> &lt;script&gt;x()&lt;/script&gt; <b>two</b>"
        " &lt;b onclick=&#34;y()&#34;&gt;z</b> &lt;i&gt;"
    )
    assert XSS_BODY and XSS_SUMMARY
