"""The OpenAPI document, Swagger UI served from the package, and `crowdgov apikey create`."""
from click.testing import CliRunner
from flask.cli import ScriptInfo

from backend.accounts.service import api_key_valid
from backend.cli.apikeys import apikey_group

CONTRACT = {
    ("post", "/api/v1/citizens"), ("post", "/api/v1/auth/channel-login"), ("post", "/api/v1/auth/revoke"),
    ("get", "/api/v1/me"), ("patch", "/api/v1/me"), ("delete", "/api/v1/me"), ("get", "/api/v1/categories"),
    ("get", "/api/v1/where"), ("post", "/api/v1/reports"), ("get", "/api/v1/reports/nearby"),
    ("post", "/api/v1/reports/{report_id}/support"), ("get", "/api/v1/reports/{report_id}"),
    ("get", "/api/v1/me/reports"), ("get", "/api/v1/me/notifications"), ("get", "/api/v1/me/export"),
}


def test_openapi_documents_every_endpoint_of_the_contract(client):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.")
    operations = {(method, path) for path, item in spec["paths"].items() for method in item}
    assert CONTRACT <= operations
    for method, path in CONTRACT:
        responses = spec["paths"][path][method]["responses"]
        success = [code for code in responses if code.startswith("2")]
        assert success, (method, path)
    create = spec["paths"]["/api/v1/reports"]["post"]
    assert set(create["requestBody"]["content"]) == {"application/json", "multipart/form-data"}
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert set(spec["components"]["schemas"]["ErrorOut"]["properties"]) == {"code", "message", "fields"}
    error = spec["components"]["responses"]["DEFAULT_ERROR"]["content"]["application/json"]["schema"]
    assert error == {"$ref": "#/components/schemas/ErrorOut"}
    assert create["responses"]["default"] == {"$ref": "#/components/responses/DEFAULT_ERROR"}


def test_swagger_ui_is_served_from_the_package_without_a_cdn(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.data.decode()
    import re

    assert "//" not in "".join(re.findall(r'(?:src|href)="([^"]*)"', html))  # nothing from another host
    assert set(re.findall(r'(?:src|href)="([^"]*)"', html)) == {
        "/api/v1/docs/assets/swagger-ui.css", "/api/v1/docs/assets/swagger-ui-standalone-preset.js",
        "/api/v1/docs/assets/swagger-ui-bundle.js", "/api/v1/docs/static/swagger-start.js"}
    asset = client.get("/api/v1/docs/assets/swagger-ui-bundle.js")
    assert asset.status_code == 200 and len(asset.data) > 100_000
    assert client.get("/api/v1/docs/assets/swagger-ui.css").status_code == 200


def test_unknown_api_paths_answer_json(client):
    response = client.get("/api/v1/nothing/here")
    assert response.status_code == 404 and response.json["code"] == "not_found"


def test_apikey_create_prints_a_working_key(app):
    result = CliRunner().invoke(apikey_group, ["create", "Street app"], obj=ScriptInfo(create_app=lambda: app))
    assert result.exit_code == 0, result.output
    plain = result.output.strip()
    key = api_key_valid(plain)
    assert key is not None and key.name == "Street app"
    assert key.key_hash != plain
