"""The OpenAPI document is valid 3.1 and describes what the API really answers."""

from __future__ import annotations

from openapi_spec_validator import validate

from tests.web.conftest import Site


def test_openapi_is_valid_3_1(site: Site) -> None:
    response = site.client.get("/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    assert spec["openapi"].startswith("3.1")
    validate(spec)
    paths = spec["paths"]
    for path in (
        "/api/documents",
        "/api/documents/{record_id}",
        "/api/documents/{record_id}/source",
        "/api/documents/{record_id}/citation",
        "/api/search",
    ):
        assert path in paths, path
    assert not any(p.startswith("/documents") or p == "/browse" for p in paths)


def test_errors_are_documented_as_400_not_422(site: Site) -> None:
    spec = site.client.get("/openapi.json").json()
    for path in spec["paths"].values():
        for operation in path.values():
            assert "422" not in operation["responses"]
    citation = spec["paths"]["/api/documents/{record_id}/citation"]["get"]
    assert citation["responses"]["400"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorOut"
    }
    record = spec["paths"]["/api/documents/{record_id}"]["get"]["responses"]["200"]
    schema_ref = record["content"]["application/json"]["schema"]["$ref"]
    assert "from" in spec["components"]["schemas"][schema_ref.rsplit("/", 1)[1]]["properties"]
