"""POST /api/v1/reports/suggest: the three likeliest categories, in either language, for any client."""
import pytest

from tests.intake.conftest import HUANGPU, XUHUI


def suggest(client, body, language="en"):
    return client.post("/api/v1/reports/suggest", json=body, headers={"Accept-Language": language})


@pytest.mark.parametrize("description, expected", [
    ("晚上这段路很黑，什么都看不见", "broken_streetlight"),
    ("The street lamp outside my building has been out for days", "broken_streetlight"),
    ("马路中间有个大坑，开车经过很颠", "pothole"),
    ("Someone dumped an old sofa and a mattress by the river", "illegal_dumping"),
    ("消防栓漏水，地上全湿了", "water_leak"),
])
def test_a_description_in_either_language_suggests_its_category_first(client, trained, description, expected):
    response = suggest(client, {"description": description})
    assert response.status_code == 200
    body = response.json
    assert body["understood"] is True and body["model_version"] == trained.version
    assert body["suggestions"][0]["category"] == expected
    assert len(body["suggestions"]) == 3
    confidences = [s["confidence"] for s in body["suggestions"]]
    assert confidences == sorted(confidences, reverse=True) and 0 < confidences[0] <= 1


def test_names_are_in_the_requests_language(client, trained):
    body = suggest(client, {"description": "路灯坏了"}, language="zh-CN").json
    assert body["suggestions"][0]["name"] == "路灯损坏"
    assert body["message"] == "根据您的描述推荐，请确认后选择。"


@pytest.mark.parametrize("description", ["", "   ", "asdfgh qwerty zxcv", "啊啊啊啊啊", "12345 !!!"])
def test_gibberish_or_nothing_answers_clearly_with_low_confidence(client, trained, description):
    body = suggest(client, {"description": description}).json
    assert body["understood"] is False and body["low_confidence"] is True
    assert all(s["confidence"] < 0.3 for s in body["suggestions"])
    assert "Please choose a category" in body["message"]


def test_only_categories_handled_at_the_place_are_suggested(client, trained):
    text = {"description": "The swing chain in the playground is broken"}
    assert suggest(client, {**text, "lat": HUANGPU[0], "long": HUANGPU[1]}).json["suggestions"][0]["category"] \
        == "damaged_playground"
    elsewhere = suggest(client, {**text, "lat": XUHUI[0], "long": XUHUI[1]}).json
    assert "damaged_playground" not in [s["category"] for s in elsewhere["suggestions"]]
    # None of the categories handled there fits: the answer says it is unsure.
    assert elsewhere["low_confidence"] is True


@pytest.mark.parametrize("body, code", [({"description": "hole", "lat": 31.2}, "invalid_coordinate"),
                                        ({"description": "hole", "lat": 45.0, "long": 10.0}, "outside_service_area"),
                                        ({"description": "hole", "lat": "NaN", "long": 121.4}, "invalid_coordinate"),
                                        ({"description": "x" * 4001}, "description_too_long")])
def test_bad_input_is_a_clear_422(client, trained, body, code):
    response = suggest(client, body)
    assert response.status_code == 422 and response.json["code"] == code


def test_before_any_training_the_answer_says_so(client, catalogue_city):
    body = suggest(client, {"description": "路灯坏了"}).json
    assert body == {"suggestions": [], "understood": False, "low_confidence": True, "model_version": None,
                    "message": "Suggestions are not available yet. Please choose a category."}


def test_the_endpoint_is_documented(client):
    spec = client.get("/api/v1/openapi.json").json
    operation = spec["paths"]["/api/v1/reports/suggest"]["post"]
    assert "200" in operation["responses"] and "requestBody" in operation
    nearby = spec["paths"]["/api/v1/reports/nearby"]["get"]
    assert {"category", "description"} <= {p["name"] for p in nearby["parameters"]}
