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
