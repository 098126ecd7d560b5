"""A small city shared by the API and Open311 tests: two departments, three categories, one district."""
from __future__ import annotations

import pytest
from shapely.geometry import MultiPolygon, box

from backend.city.models import District
from backend.city.service import set_area_geometry
from backend.extensions import db
from tests import factories as f

CITY = (121.40, 31.15, 121.55, 31.30)
INSIDE = (31.22, 121.47)  # lat, long
OUTSIDE = (31.60, 121.90)

SIZE = {"code": "size", "datatype": "singlevaluelist", "required": True, "order": 1, "variable": True,
        "description_en": "How big is it?", "description_zh": "有多大？", "datatype_description": "",
        "values": [{"key": "small", "name_en": "Small", "name_zh": "小"},
                   {"key": "large", "name_en": "Large", "name_zh": "大"}]}
DEPTH = {"code": "depth_cm", "datatype": "number", "required": False, "order": 2, "variable": True,
         "description_en": "Depth in cm", "description_zh": "深度（厘米）", "datatype_description": "A number"}
WASTE = {"code": "waste", "datatype": "multivaluelist", "required": False, "order": 1, "variable": True,
         "description_en": "What waste?", "description_zh": "什么垃圾？", "datatype_description": "",
         "values": [{"key": "bags", "name_en": "Bags", "name_zh": "袋装"},
                    {"key": "furniture", "name_en": "Furniture", "name_zh": "家具"}]}


@pytest.fixture
def city():
    roads = f.department("roads", name_en="City Roads Bureau", name_zh="市道路管理局")
    sanitation = f.department("sanitation", name_en="Sanitation Bureau", name_zh="市容环境卫生局")
    f.area(roads, CITY)
    f.area(sanitation, CITY)
    pothole = f.category("pothole", [roads], name_en="Pothole", name_zh="路面坑洼", attributes=[SIZE, DEPTH])
    dumping = f.category("illegal_dumping", [sanitation], name_en="Illegal dumping", name_zh="乱倒垃圾",
                         attributes=[WASTE])
    noise = f.category("noise_nuisance", [sanitation], name_en="Noise", name_zh="噪音扰民")
    noise.sensitive = True
    district = District(code="huangpu", name_en="Huangpu", name_zh="黄浦区",
                        geom=None)
    set_area_geometry(district, MultiPolygon([box(121.45, 31.20, 121.50, 31.25)]))
    db.session.add(district)
    db.session.commit()
    return {"roads": roads, "sanitation": sanitation, "pothole": pothole, "dumping": dumping, "noise": noise,
            "district": district}
