"""Categories (localized, with attributes) and who handles what where."""
import pytest


def test_categories_in_english_and_chinese(client, city):
    en = client.get("/api/v1/categories", headers={"Accept-Language": "en"}).json
    zh = client.get("/api/v1/categories", headers={"Accept-Language": "zh-CN"}).json
    pothole_en = next(c for c in en if c["code"] == "pothole")
    pothole_zh = next(c for c in zh if c["code"] == "pothole")
    assert pothole_en["name"] == "Pothole" and pothole_zh["name"] == "路面坑洼"
    size = pothole_en["attributes"][0]
    assert size == {"code": "size", "datatype": "singlevaluelist", "required": True, "description": "How big is it?",
                    "order": 1, "values": [{"key": "small", "name": "Small"}, {"key": "large", "name": "Large"}]}
    assert pothole_zh["attributes"][0]["values"][1]["name"] == "大"


def test_where_names_the_department_for_each_category(client, city):
    response = client.get("/api/v1/where?lat=31.22&long=121.47", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    body = response.json
    assert body["inside_service_area"] is True
    by_category = {r["category"]: r for r in body["responsibilities"]}
    assert by_category["pothole"]["department"] == "roads"
    assert by_category["pothole"]["department_name"] == "City Roads Bureau"
    assert by_category["illegal_dumping"]["department"] == "sanitation"


def test_where_outside_the_service_area(client, city):
    body = client.get("/api/v1/where?lat=31.6&long=121.9").json
    assert body == {"inside_service_area": False, "responsibilities": []}


@pytest.mark.parametrize("query", ["lat=NaN&long=121.4", "lat=91&long=121.4", "lat=31&long=200", "lat=&long=121",
                                   "lat=abc&long=121", "long=121", "lat=inf&long=121"])
def test_where_refuses_invalid_coordinates(client, city, query):
    response = client.get(f"/api/v1/where?{query}")
    assert response.status_code == 422
    assert response.json["code"] in ("invalid_coordinate", "invalid_input")
