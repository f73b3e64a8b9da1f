"""IIIF, validator-style: the manifest and image service of a scanned memcon.

Checks what the IIIF Image API 3.0 and Presentation API 3.0 require of responses:
fields, content types, CORS, status codes, and images of exactly the size asked for.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from opis.model import Record
from opis.web import create_app
from tests.web.conftest import SEED_ID
from tests.web.scans import KOHL_ID, KOHL_PDF, KOHL_PNG_ID, scanned_archive

IMAGE_JSONLD = 'application/ld+json;profile="http://iiif.io/api/image/3/context.json"'
MANIFEST_JSONLD = 'application/ld+json;profile="http://iiif.io/api/presentation/3/context.json"'
BASE = f"/iiif/{KOHL_ID}"


@pytest.fixture(scope="module")
def client(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with TestClient(create_app(scanned_archive(corpus, tmp_path_factory))) as client:
        yield client


@pytest.fixture(scope="module")
def info(client: TestClient) -> dict[str, Any]:
    response = client.get(f"{BASE}/p1/info.json")
    assert response.status_code == 200
    data: dict[str, Any] = response.json()
    return data


def picture(content: bytes) -> Image.Image:
    return Image.open(io.BytesIO(content))


def language_map(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and bool(value)
        and all(isinstance(v, list) and all(isinstance(s, str) for s in v) for v in value.values())
    )


def test_info_json(client: TestClient, info: dict[str, Any]) -> None:
    response = client.get(f"{BASE}/p1/info.json")
    assert response.headers["content-type"] == IMAGE_JSONLD
    assert response.headers["access-control-allow-origin"] == "*"
    assert 'rel="profile"' in response.headers["link"]
    assert info["@context"] == "http://iiif.io/api/image/3/context.json"
    assert info["id"] == f"http://testserver{BASE}/p1"
    assert info["type"] == "ImageService3"
    assert info["protocol"] == "http://iiif.io/api/image"
    assert info["profile"] == "level1"
    # 607 x 798 pt at 300 dpi.
    assert (info["width"], info["height"]) == (round(607 * 300 / 72), round(798 * 300 / 72))
    (tiles,) = info["tiles"]
    assert tiles["width"] == 512 and tiles["scaleFactors"][0] == 1
    assert set(info["extraFeatures"]) >= {"regionByPct", "sizeByConfinedWh", "rotationBy90s"}
    assert info["sizes"] and all(s["width"] < info["width"] for s in info["sizes"])


def test_listed_sizes_are_served_at_exactly_that_size(
    client: TestClient, info: dict[str, Any]
) -> None:
    for size in info["sizes"]:
        response = client.get(f"{BASE}/p1/full/{size['width']},{size['height']}/0/default.jpg")
        assert response.status_code == 200
        assert picture(response.content).size == (size["width"], size["height"])


@pytest.mark.parametrize(
    ("region", "size", "rotation", "expected"),
    [
        ("full", "max", "0", None),
        ("0,0,512,512", "256,", "0", (256, 256)),
        ("0,0,512,512", "max", "0", (512, 512)),
        ("1000,1500,300,200", "150,100", "0", (150, 100)),
        ("2000,3000,1000,1000", "max", "0", "clipped"),
        ("square", "200,200", "0", (200, 200)),
        ("pct:10,10,50,25", "!300,300", "0", "confined"),
        ("full", ",500", "0", "by-height"),
        ("full", "pct:10", "0", "tenth"),
        ("0,0,400,200", "200,100", "90", (100, 200)),
        ("0,0,400,200", "200,100", "!180", (200, 100)),
        ("0,0,100,100", "^200,", "0", (200, 200)),
        ("0,0,100,100", "^!300,150", "0", (150, 150)),
    ],
)
def test_region_and_size(
    client: TestClient,
    info: dict[str, Any],
    region: str,
    size: str,
    rotation: str,
    expected: tuple[int, int] | str | None,
) -> None:
    width, height = info["width"], info["height"]
    response = client.get(f"{BASE}/p1/{region}/{size}/{rotation}/default.jpg")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/jpeg"
    assert response.headers["access-control-allow-origin"] == "*"
    got = picture(response.content).size
    wanted = {
        None: (width, height),
        "clipped": (min(1000, width - 2000), min(1000, height - 3000)),
        "confined": (300, round(round(height * 0.25) * 300 / round(width * 0.5))),
        "by-height": (round(width * 500 / height), 500),
        "tenth": (round(width / 10), round(height / 10)),
    }.get(expected, expected)  # type: ignore[call-overload]
    assert got == wanted


def test_quality_and_format(client: TestClient) -> None:
    gray = client.get(f"{BASE}/p1/0,0,300,300/max/0/gray.png")
    assert gray.status_code == 200 and gray.headers["content-type"] == "image/png"
    assert gray.content.startswith(b"\x89PNG") and picture(gray.content).mode == "L"
    bitonal = client.get(f"{BASE}/p1/0,0,300,300/max/0/bitonal.png")
    histogram = picture(bitonal.content).convert("L").histogram()
    assert sum(histogram[1:255]) == 0 and histogram[0] and histogram[255]
    color = client.get(f"{BASE}/p1/0,0,300,300/max/0/color.jpg")
    assert color.content.startswith(b"\xff\xd8\xff") and picture(color.content).mode == "RGB"


@pytest.mark.parametrize(
    "path",
    [
        "full/max/0/default.gif",  # format not offered
        "full/max/0/sepia.jpg",  # no such quality
        "full/max/45x/default.jpg",
        "full/max/361/default.jpg",
        "0,0,0,10/max/0/default.jpg",  # empty region
        "5000,9000,10,10/max/0/default.jpg",  # outside the image
        "0,0,100,100/200,/0/default.jpg",  # upscaling without ^
        "0,0,100,100/0,/0/default.jpg",
        "left/max/0/default.jpg",
        "full/big/0/default.jpg",
        "full/!200,/0/default.jpg",
    ],
)
def test_bad_parameters_are_400(client: TestClient, path: str) -> None:
    response = client.get(f"{BASE}/p1/{path}")
    assert response.status_code == 400, path
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.json()["error"]


@pytest.mark.parametrize(
    "path",
    [
        f"{BASE}/p3/info.json",
        f"{BASE}/p0/info.json",
        f"{BASE}/p3/full/max/0/default.jpg",
        "/iiif/no-such-record/manifest",
        "/iiif/no-such-record/p1/info.json",
        f"/iiif/{SEED_ID}/manifest",  # born digital: no page images
        f"/iiif/{SEED_ID}/p1/info.json",
    ],
)
def test_unknown_pages_and_records_are_404(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404, path
    assert response.headers["access-control-allow-origin"] == "*"


def test_base_uri_redirects_to_info(client: TestClient) -> None:
    response = client.get(f"{BASE}/p2", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"http://testserver{BASE}/p2/info.json"


def test_manifest(client: TestClient, corpus: Path) -> None:
    response = client.get(f"{BASE}/manifest")
    assert response.status_code == 200
    assert response.headers["content-type"] == MANIFEST_JSONLD
    assert response.headers["access-control-allow-origin"] == "*"
    manifest = response.json()
    assert manifest["@context"] == "http://iiif.io/api/presentation/3/context.json"
    assert manifest["id"] == f"http://testserver{BASE}/manifest"
    assert manifest["type"] == "Manifest"
    assert manifest["label"] == {
        "none": ["Telephone Conversation with West German Chancellor Helmut Kohl"]
    }
    assert manifest["metadata"]
    for entry in manifest["metadata"]:
        assert language_map(entry["label"]) and language_map(entry["value"])
    labels = {entry["label"]["en"][0]: entry["value"]["none"][0] for entry in manifest["metadata"]}
    assert labels["Classification"] == "CONFIDENTIAL"
    statement = manifest["requiredStatement"]
    assert language_map(statement["label"]) and language_map(statement["value"])

    (see_also,) = manifest["seeAlso"]
    assert see_also["type"] == "Dataset" and see_also["format"] == "application/json"
    assert client.get(see_also["id"]).json()["id"] == KOHL_ID
    (rendering,) = manifest["rendering"]
    assert rendering["format"] == "application/pdf"
    assert client.get(rendering["id"]).content == (corpus / KOHL_PDF).read_bytes()
    (homepage,) = manifest["homepage"]
    assert homepage["format"] == "text/html" and client.get(homepage["id"]).status_code == 200

    canvases = manifest["items"]
    assert [c["type"] for c in canvases] == ["Canvas", "Canvas"]
    assert len({c["id"] for c in canvases}) == 2
    for number, canvas in enumerate(canvases, start=1):
        assert language_map(canvas["label"])
        (annotation_page,) = canvas["items"]
        assert annotation_page["type"] == "AnnotationPage"
        (annotation,) = annotation_page["items"]
        assert annotation["type"] == "Annotation"
        assert annotation["motivation"] == "painting"
        assert annotation["target"] == canvas["id"]
        body = annotation["body"]
        assert body["type"] == "Image" and body["format"] == "image/jpeg"
        (service,) = body["service"]
        assert service["type"] == "ImageService3" and service["profile"] == "level1"
        assert service["id"] == f"http://testserver{BASE}/p{number}"
        info = client.get(service["id"] + "/info.json").json()
        assert (canvas["width"], canvas["height"]) == (info["width"], info["height"])
        assert (body["width"], body["height"]) == (info["width"], info["height"])
        image = client.get(body["id"])
        assert image.status_code == 200 and image.headers["content-type"] == "image/jpeg"
        assert picture(image.content).size == (info["width"], info["height"])


def test_page_images_are_cached_under_the_archive_home(client: TestClient) -> None:
    client.get(f"{BASE}/p1/0,0,64,64/max/0/default.jpg")
    app: Any = client.app
    home = app.state.library.archive.home
    cached = list((home / "cache" / "pages").glob("*/p1.png"))
    assert len(cached) == 1


def test_search_hits_on_the_page_image(client: TestClient, info: dict[str, Any]) -> None:
    response = client.get(f"{BASE}/p1/hits", params={"q": '"memorandum of conversation"'})
    assert response.status_code == 200
    data = response.json()
    assert [hit["text"] for hit in data["hits"]] == ["MEMORANDUM", "OF", "CONVERSATION"]
    assert (data["width"], data["height"]) == (info["width"], info["height"])
    left, top = data["hits"][0]["x"], data["hits"][0]["y"]
    assert all(abs(hit["y"] - top) < 20 for hit in data["hits"])  # one line
    assert data["hits"][1]["x"] > left
    # The box holds ink: the word is on the image where the box says.
    first = data["hits"][0]
    region = f"{first['x']},{first['y']},{first['w']},{first['h']}"
    crop = picture(client.get(f"{BASE}/p1/{region}/max/0/gray.png").content)
    darkest, _lightest = crop.getextrema()
    assert darkest < 100

    stems = client.get(f"{BASE}/p1/hits", params={"q": "chancellors -hutchings"}).json()
    assert stems["hits"] and all(h["text"].startswith("Chancellor") for h in stems["hits"])
    prefix = client.get(f"{BASE}/p1/hits", params={"q": "hutch*"}).json()
    assert [h["text"] for h in prefix["hits"]] == ["Hutchings,"]
    assert client.get(f"{BASE}/p1/hits", params={"q": "type:memorandum"}).json()["hits"] == []
    assert client.get(f"{BASE}/p1/hits").json()["hits"] == []
    assert all(w["confidence"] < 60 for w in data["uncertain"])
    assert client.get(f"{BASE}/p1/hits", params={"q": '"unbalanced'}).status_code == 400

    pages = client.get(f"{BASE}/hits", params={"q": "Chancellor"}).json()
    assert pages["first"] == 1 and [p["page"] for p in pages["pages"]] == [1, 2]
    assert all(p["hits"] > 0 for p in pages["pages"])


def test_document_page_shows_the_viewer_only_for_scans(client: TestClient) -> None:
    scan = client.get(f"/documents/{KOHL_ID}").text
    assert 'class="page-viewer"' in scan
    assert f'href="{BASE}/manifest"' in scan
    assert f'href="{BASE}/p2/full/max/0/default.jpg"' in scan  # readable without JS
    assert "openseadragon.min.js" in scan
    assert 'class="page-viewer"' not in client.get(f"/documents/{SEED_ID}").text
    assert client.get("/static/openseadragon/openseadragon.min.js").status_code == 200
    assert client.get("/static/openseadragon/images/zoomin_rest.png").status_code == 200


def test_an_image_record_is_served_as_stored(client: TestClient) -> None:
    stored = picture(client.get(f"/api/documents/{KOHL_PNG_ID}/source").content)
    info = client.get(f"/iiif/{KOHL_PNG_ID}/p1/info.json").json()
    assert (info["width"], info["height"]) == stored.size
    region = client.get(f"/iiif/{KOHL_PNG_ID}/p1/10,20,300,200/max/0/default.png")
    assert region.status_code == 200
    assert (
        picture(region.content).tobytes()
        == stored.convert("RGB").crop((10, 20, 310, 220)).tobytes()
    )
    manifest = client.get(f"/iiif/{KOHL_PNG_ID}/manifest").json()
    assert manifest["rendering"][0]["format"] == "image/png"
    assert manifest["rendering"][0]["type"] == "Image"
    assert len(manifest["items"]) == 1
    assert client.get(f"/iiif/{KOHL_PNG_ID}/p2/info.json").status_code == 404
    unread = client.get(f"/iiif/{KOHL_PNG_ID}/p1/hits", params={"q": "Chancellor"}).json()
    assert unread["hits"] == [] and unread["words"] == 0 and unread["shown"] is None  # no OCR yet


def test_a_rotated_pdf_page_is_served_upright(corpus: Path, tmp_path: Path) -> None:
    """/Rotate turns the page: the served size swaps width and height, as the image does."""
    from pypdf import PdfReader, PdfWriter

    from opis.readers.base import make_source
    from opis.readers.pdf import read_pdf
    from opis.web.page_images import PageImages

    raw = (corpus / "state-foia" / "pdf" / "C09000004.pdf").read_bytes()
    writer = PdfWriter()
    for pdf_page in PdfReader(io.BytesIO(raw)).pages:
        writer.add_page(pdf_page)
    writer.pages[0].rotate(90)
    buffer = io.BytesIO()
    writer.write(buffer)
    turned = buffer.getvalue()
    original = next(read_pdf(raw, make_source(raw, "C09000004.pdf", "pdf")))
    record = next(read_pdf(turned, make_source(turned, "turned.pdf", "pdf")))
    assert isinstance(original, Record) and isinstance(record, Record)
    images = PageImages(tmp_path)
    upright, turned_size = images.sizes(original, raw)[0], images.sizes(record, turned)[0]
    assert (turned_size.width, turned_size.height) == (upright.height, upright.width)
    assert images.page(record, 1, turned).size == (turned_size.width, turned_size.height)


def test_ocr_text_as_annotations_on_the_canvas(client: TestClient) -> None:
    manifest = client.get(f"{BASE}/manifest").json()
    canvas = manifest["items"][0]
    (reference,) = canvas["annotations"]
    assert reference["type"] == "AnnotationPage"
    response = client.get(reference["id"])
    assert response.status_code == 200
    assert response.headers["content-type"] == MANIFEST_JSONLD
    page = response.json()
    assert page["type"] == "AnnotationPage" and page["id"] == reference["id"]
    words = page["items"]
    assert len(words) > 150
    texts = [w["body"]["value"] for w in words]
    start = texts.index("MEMORANDUM")
    assert texts[start : start + 3] == ["MEMORANDUM", "OF", "CONVERSATION"]
    for word in words:
        assert word["type"] == "Annotation" and word["motivation"] == "supplementing"
        assert word["body"]["type"] == "TextualBody" and word["body"]["language"] == "en"
        target, _, box = word["target"].partition("#xywh=")
        x, y, w, h = (int(v) for v in box.split(","))
        assert target == canvas["id"]
        assert 0 <= x <= x + w <= canvas["width"] + 1
        assert 0 <= y <= y + h <= canvas["height"] + 1
    unread = client.get(f"/iiif/{KOHL_PNG_ID}/manifest").json()["items"][0]
    assert "annotations" not in unread  # not OCR'd yet: no text to align
