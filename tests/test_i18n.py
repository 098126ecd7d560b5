import pytest

from backend.errors import ValidationFailed
from backend.reports import service as reports


@pytest.mark.parametrize("language, expected", [("zh-CN,zh;q=0.9", "纬度和经度似乎颠倒了。"),
                                                ("en-GB,en;q=0.8", "Latitude and longitude look swapped.")])
def test_service_errors_speak_the_requests_language(app, language, expected):
    with app.test_request_context(headers={"Accept-Language": language}):
        from tests import factories as f
        roads = f.department()
        f.area(roads, (121.40, 31.15, 121.55, 31.30))
        f.category("pothole", [roads])
        with pytest.raises(ValidationFailed) as err:
            reports.submit(category="pothole", lat=121.47, long=31.22)
    assert err.value.code == "swapped_coordinates"
    assert err.value.message == expected


def test_attribute_questions_and_answers_read_in_the_readers_language():
    from backend.city.attributes import attribute_label, attribute_value

    definition = {"code": "size", "description_en": "How big is it?", "description_zh": "有多大？",
                  "values": [{"key": "small", "name_en": "Smaller than a plate", "name_zh": "小于盘子"},
                             {"key": "large", "name_en": "Larger than a car wheel", "name_zh": "大于车轮"}]}
    assert attribute_label(definition, "zh_Hans") == "有多大？"
    assert attribute_label(definition, "en") == "How big is it?"
    assert attribute_value(definition, ["small", "large"], "zh_Hans") == "小于盘子, 大于车轮"
    assert attribute_value(definition, "small", "en") == "Smaller than a plate"
    # A hand-made definition with one text serves both languages; an unknown stored key shows as stored.
    assert attribute_label({"code": "depth", "description": "Depth (cm)"}, "zh_Hans") == "Depth (cm)"
    assert attribute_value(definition, "huge", "en") == "huge"
