"""Citations of real records against strings written by hand from the style guides.

Chicago: CMOS 17th ed., 14.211-14.242 (manuscript collections; item, date, locator,
repository), 14.104 (translator: "trans." in notes, "Translated by" in the
bibliography), 6.9 (commas and periods inside the closing quotation mark).
BibTeX: btxdoc @misc fields plus biblatex ``date``/``translator``.
RIS: the RIS specification's tag layout ``XX  - value`` with CRLF, ending ``ER  - ``.
"""

from __future__ import annotations

import json

import pytest

from opis.archive import Archive
from opis.export.citations import (
    FORMATS,
    archive_location,
    cite,
    csl_name,
    edtf_to_csl_date,
    render,
    to_csl,
)
from opis.model import Record
from tests.export.conftest import SEED_ID

URL = "https://opis.example/documents/" + SEED_ID


@pytest.fixture(scope="module")
def seed(archive: Archive) -> Record:
    stored = archive.store.get(SEED_ID)
    assert stored is not None
    return stored.record


def test_seed_chicago_note(seed: Record) -> None:
    assert cite(seed, "chicago-note") == (
        "Malik, “Incoming Cable No. 16, Malik to Cde. Stalin,” September 12, 1947,"
        " trans. Angela Greenfield, f. 558, op. 11, d. 106, ll. 52–53, RGASPI."
    )


def test_seed_chicago_note_with_url_and_archive_first(seed: Record) -> None:
    assert cite(seed, "chicago-note-archive-first", url=URL) == (
        "Malik, “Incoming Cable No. 16, Malik to Cde. Stalin,” September 12, 1947,"
        " trans. Angela Greenfield, RGASPI, f. 558, op. 11, d. 106, ll. 52–53, " + URL + "."
    )


def test_seed_chicago_bibliography(seed: Record) -> None:
    assert cite(seed, "chicago-bibliography") == (
        "Malik. “Incoming Cable No. 16, Malik to Cde. Stalin.” September 12, 1947."
        " Translated by Angela Greenfield. F. 558, op. 11, d. 106, ll. 52–53, RGASPI."
    )
    assert cite(seed, "chicago-bibliography-archive-first") == (
        "Malik. “Incoming Cable No. 16, Malik to Cde. Stalin.” September 12, 1947."
        " Translated by Angela Greenfield. RGASPI, f. 558, op. 11, d. 106, ll. 52–53."
    )


def test_seed_mla_and_apa(seed: Record) -> None:
    assert cite(seed, "mla") == (
        "Malik. “Incoming Cable No. 16, Malik to Cde. Stalin.” Translated by Angela"
        " Greenfield, 12 Sept. 1947. RGASPI, f. 558, op. 11, d. 106, ll. 52–53."
    )
    assert cite(seed, "apa", as_html=True) == (
        "Malik. (1947, September 12). <i>Incoming Cable No. 16, Malik to Cde. Stalin</i>"
        " (A. Greenfield, Trans.) [Cable]. RGASPI (f. 558, op. 11, d. 106, ll. 52–53)."
    )


def test_seed_bibtex(seed: Record) -> None:
    assert cite(seed, "bibtex", url=URL) == (
        "@misc{wilson-1947-09-12-incoming-cable-no-16-malik-to-cde-stalin,\n"
        "  author = {Malik},\n"
        "  title = {{Incoming Cable No. 16, Malik to Cde. Stalin}},\n"
        "  type = {Cable},\n"
        "  date = {1947-09-12},\n"
        "  year = {1947},\n"
        "  month = sep,\n"
        "  translator = {Greenfield, Angela},\n"
        "  number = {16},\n"
        "  howpublished = {RGASPI, f. 558, op. 11, d. 106, ll. 52--53},\n"
        "  url = {" + URL + "}\n"
        "}\n"
    )


def test_seed_ris(seed: Record) -> None:
    expected = [
        "TY  - MANSCPT",
        "ID  - wilson-1947-09-12-incoming-cable-no-16-malik-to-cde-stalin",
        "TI  - Incoming Cable No. 16, Malik to Cde. Stalin",
        "AU  - Malik",
        "A4  - Greenfield, Angela",
        "PY  - 1947",
        "DA  - 1947/09/12/",
        "M3  - Cable",
        "M1  - 16",
        "DB  - RGASPI",
        "AN  - f. 558, op. 11, d. 106, ll. 52-53",
        "LA  - en",
        "AB  - Stalin agrees to Malik's proposal regarding the situation in Korea, which calls"
        " for the creation of an All-Korean Temporary Assembly to resolve the peninsula's"
        " issues. The Soviet representative is to insist to the Americans that such a"
        " consultative body be established.",
        "N1  - RGASPI, f. 558, op. 11, d. 106, ll. 0052-0053.",
        "UR  - " + URL,
        "ER  - ",
    ]
    assert cite(seed, "ris", url=URL) == "".join(line + "\r\n" for line in expected)


def test_csl_json_round_trip(seed: Record) -> None:
    item = to_csl(seed, url=URL)
    [parsed] = json.loads(render(item, "csl-json"))
    assert parsed == item
    assert parsed["type"] == "manuscript"
    assert parsed["title"] == seed.title
    assert parsed["issued"] == {"date-parts": [[1947, 9, 12]]}
    assert [n["literal"] for n in parsed["author"]] == [p.name for p in seed.sender]
    assert [n["literal"] for n in parsed["recipient"]] == [p.name for p in seed.to]
    assert parsed["translator"] == [{"family": "Greenfield", "given": "Angela"}]
    assert parsed["archive"] == "RGASPI"
    assert parsed["archive_location"] == "f. 558, op. 11, d. 106, ll. 52-53"
    assert seed.citation is not None and parsed["note"] == seed.citation.text
    assert parsed["URL"] == URL
    # Every text style reads the item alone: the parsed JSON cites identically.
    for fmt in FORMATS:
        assert render(parsed, fmt) == cite(seed, fmt, url=URL)


def test_dfat_cites_the_volume_document_and_the_naa_item(archive: Archive) -> None:
    stored = archive.store.get("dfat-v11-1")
    assert stored is not None
    record = stored.record
    collection = archive.store.get_collection("dfat-v11")
    assert cite(record, "chicago-note", collection) == (
        "Ballard, “Ballard to Evatt,” January 6, 1947, in Documents on Australian Foreign"
        " Policy, Volume 11: Australia & Indonesia’s Independence, 1947, doc. 1,"
        " A4231, 1947/BATAVIA, item 525084, NAA."
    )
    html = cite(record, "chicago-note", collection, as_html=True)
    assert "<i>Documents on Australian Foreign Policy, Volume 11: Australia &amp; " in html
    assert "@misc{dfat-v11-1," in cite(record, "bibtex", collection)
    assert r"Australia \& Indonesia" in cite(record, "bibtex", collection)


def test_frus_document_cites_the_volume_its_editor_and_number(archive: Archive) -> None:
    stored = archive.store.get("frus1917-72PubDip-d1")
    assert stored is not None
    record = stored.record
    collection = archive.store.get_collection("frus1917-72PubDip")
    assert cite(record, "chicago-note", collection) == (
        "“Editorial Note,” in Foreign Relations of the United States, 1917–1972, Public"
        " Diplomacy, World War I, ed. Aaron W. Marrs, doc. 1,"
        " https://history.state.gov/historicaldocuments/frus1917-72PubDip/d1."
    )
    assert cite(record, "apa", collection).startswith("Editorial Note [Editorial note]. (n.d.).")


def test_unknown_format_is_a_value_error(seed: Record) -> None:
    with pytest.raises(ValueError, match="unknown citation format"):
        cite(seed, "harvard")


@pytest.mark.parametrize(
    ("edtf", "expected"),
    [
        ("1947-09-12", {"date-parts": [[1947, 9, 12]]}),
        ("1947-09-12T03:50", {"date-parts": [[1947, 9, 12]]}),
        ("1947-09", {"date-parts": [[1947, 9]]}),
        ("1947~", {"date-parts": [[1947]], "circa": True}),
        ("1947-08-01/1947-09-30", {"date-parts": [[1947, 8, 1], [1947, 9, 30]]}),
        ("194X", {"date-parts": [[1940], [1949]]}),
        ("undated", None),
    ],
)
def test_edtf_dates_become_csl_date_parts(edtf: str, expected: object) -> None:
    assert edtf_to_csl_date(edtf) == expected


def test_names_personal_or_literal() -> None:
    assert csl_name("Angela Greenfield") == {"family": "Greenfield", "given": "Angela"}
    assert csl_name("V.M. Molotov") == {"family": "Molotov", "given": "V.M."}
    assert csl_name("Department of State") == {"literal": "Department of State"}
    assert csl_name("Embassy Moscow") == {"literal": "Embassy Moscow"}
    assert csl_name("Malik") == {"literal": "Malik"}


def test_single_folio_is_l_not_ll(seed: Record) -> None:
    assert seed.citation is not None
    one = seed.citation.model_copy(update={"folios": "52"})
    assert archive_location(one) == "f. 558, op. 11, d. 106, l. 52"
