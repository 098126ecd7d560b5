"""The API's door: every method and address answers JSON; CORS for configured origins only;
the OpenAPI document is readable (tags, summaries) and typed (numbers, binary photos)."""
import pytest

from backend import create_app


@pytest.mark.parametrize("method", ["FOO", "PROPFIND", "TRACE", "PUT", "CONNECT", "PATCH"])
@pytest.mark.parametrize("path", ["/api/v1/reports", "/api/v1/no/such/thing", "/api/v1/me/points"])
def test_every_method_at_every_address_answers_a_json_error(client, method, path):
    response = client.open(path, method=method, headers={"Accept-Language": "en"})
    assert response.status_code in (404, 405), response.status_code
    assert response.is_json and response.json["code"] in ("not_found", "method_not_allowed")
    assert response.json["message"]
    if response.status_code == 405:
        assert "POST" in response.headers["Allow"] or "GET" in response.headers["Allow"]


def test_an_existing_address_with_the_wrong_method_is_405_not_404(client):
    response = client.put("/api/v1/reports")
    assert (response.status_code, response.json["code"]) == (405, "method_not_allowed")
    assert "POST" in response.headers["Allow"]


@pytest.fixture
def cors_app(test_database, redis_server):
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": test_database.url, "REDIS_URL": redis_server.url,
                       "API_CORS_ORIGINS": "https://app.example.org, https://other.example.org"})


def test_cors_answers_configured_origins_and_no_others(cors_app):
    client = cors_app.test_client()
    preflight = client.options("/api/v1/reports", headers={
        "Origin": "https://app.example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "Authorization, Content-Type, Idempotency-Key"})
    assert preflight.headers["Access-Control-Allow-Origin"] == "https://app.example.org"
    allowed = preflight.headers["Access-Control-Allow-Headers"].lower()
    assert "authorization" in allowed and "idempotency-key" in allowed
    assert "Access-Control-Allow-Credentials" not in preflight.headers
    simple = client.get("/api/v1/categories", headers={"Origin": "https://other.example.org"})
    assert simple.headers["Access-Control-Allow-Origin"] == "https://other.example.org"
    stranger = client.get("/api/v1/categories", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in stranger.headers
    public = client.get("/explore", headers={"Origin": "https://app.example.org"})
    assert "Access-Control-Allow-Origin" not in public.headers


def test_without_configured_origins_no_cors_header_is_sent(client):
    response = client.get("/api/v1/categories", headers={"Origin": "https://app.example.org"})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_openapi_tags_and_summaries_are_for_people(client):
    spec = client.get("/api/v1/openapi.json").json
    tags = {t["name"]: t.get("description") for t in spec["tags"]}
    assert all(name[0].isupper() and "_" not in name and description for name, description in tags.items()), tags
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method == "parameters":  # path-level parameters, not an operation
                continue
            assert operation.get("summary"), (method, path)
            assert len(operation["summary"]) <= 100, (method, path, operation["summary"])
            assert set(operation["tags"]) <= set(tags), (method, path)


def test_openapi_types_coordinates_as_numbers_and_photos_as_files(client):
    schemas = client.get("/api/v1/openapi.json").json["components"]["schemas"]
    for name in ("ReportIn", "ReportMultipartIn", "NearbyIn", "TasksNearbyIn"):
        properties = schemas[name]["properties"] if name in schemas else None
        if properties is None:
            continue
        assert properties["lat"]["type"] == "number" and properties["long"]["type"] == "number", name
        assert properties["lat"]["minimum"] == -90 and properties["long"]["maximum"] == 180
    photos = schemas["ReportMultipartIn"]["properties"]["photos"]
    assert photos["type"] == "array" and photos["items"] == {"type": "string", "format": "binary"}
