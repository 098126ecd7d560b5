"""The demo city's shape: four central Shanghai districts drawn around People's Square.

The outlines are simplified, not surveyed; they only need to look like a city.
Coordinates are (longitude, latitude).
"""
from shapely.geometry import MultiPolygon, Polygon

CENTRE = (121.4737, 31.2304)  # People's Square

DISTRICTS = [
    # code, English, Chinese, outline
    ("jingan", "Jing'an", "静安区", [
        (121.405, 31.232), (121.418, 31.262), (121.445, 31.283), (121.471, 31.279),
        (121.4737, 31.2304), (121.452, 31.228), (121.405, 31.232)]),
    ("hongkou", "Hongkou", "虹口区", [
        (121.4737, 31.2304), (121.471, 31.279), (121.497, 31.290), (121.523, 31.272),
        (121.512, 31.246), (121.495, 31.236), (121.4737, 31.2304)]),
    ("xuhui", "Xuhui", "徐汇区", [
        (121.405, 31.232), (121.452, 31.228), (121.4737, 31.2304), (121.470, 31.195),
        (121.458, 31.168), (121.420, 31.170), (121.398, 31.200), (121.405, 31.232)]),
    ("huangpu", "Huangpu", "黄浦区", [
        (121.4737, 31.2304), (121.495, 31.236), (121.512, 31.246), (121.508, 31.212),
        (121.496, 31.188), (121.470, 31.195), (121.4737, 31.2304)]),
]


def district_shapes() -> dict[str, MultiPolygon]:
    return {code: MultiPolygon([Polygon(ring)]) for code, _en, _zh, ring in DISTRICTS}


def city_shape() -> MultiPolygon:
    from shapely.ops import unary_union

    union = unary_union(list(district_shapes().values())).buffer(0.002)
    return union if isinstance(union, MultiPolygon) else MultiPolygon([union])


# Streets by district, each name in both languages: an address names a street of the district its point lies in.
STREETS = {
    "huangpu": [("南京东路", "East Nanjing Road"), ("西藏中路", "Middle Xizang Road"), ("人民大道", "People's Avenue"),
                ("中山东一路", "East Zhongshan No.1 Road"), ("复兴中路", "Middle Fuxing Road"),
                ("淮海中路", "Middle Huaihai Road"), ("河南中路", "Middle Henan Road")],
    "jingan": [("北京西路", "West Beijing Road"), ("南京西路", "West Nanjing Road"), ("延安中路", "Middle Yan'an Road"),
               ("愚园路", "Yuyuan Road"), ("江宁路", "Jiangning Road"), ("常德路", "Changde Road")],
    "xuhui": [("衡山路", "Hengshan Road"), ("肇嘉浜路", "Zhaojiabang Road"), ("武康路", "Wukang Road"),
              ("漕溪北路", "North Caoxi Road"), ("天钥桥路", "Tianyaoqiao Road"), ("宛平南路", "South Wanping Road")],
    "hongkou": [("四川北路", "North Sichuan Road"), ("曲阳路", "Quyang Road"), ("多伦路", "Duolun Road"),
                ("东大名路", "East Daming Road"), ("西江湾路", "West Jiangwan Road"), ("大连西路", "West Dalian Road")],
}
