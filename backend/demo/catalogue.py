"""The demo city's departments and categories (Open311 services with attributes)."""


def _values(*pairs):
    return [{"key": k, "name_en": en, "name_zh": zh} for k, en, zh in pairs]


DEPARTMENTS = [
    # code, English, Chinese, e-mail, areas ("city" or a district code), categories
    ("city_roads", "City Roads Bureau", "市道路管理局", "roads@demo.crowdgov.org", ["city"],
     ["pothole", "damaged_sidewalk", "traffic_signal", "abandoned_vehicle"]),
    ("street_lighting", "Street Lighting Office", "市路灯管理所", "lighting@demo.crowdgov.org", ["city"],
     ["broken_streetlight"]),
    ("city_sanitation", "City Sanitation Bureau", "市容环境卫生局", "sanitation@demo.crowdgov.org", ["city"],
     ["illegal_dumping", "overflowing_bin", "graffiti", "noise_nuisance"]),
    ("huangpu_works", "Huangpu District Public Works", "黄浦区市政管理所", "works@huangpu.demo.crowdgov.org", ["huangpu"],
     # Only Huangpu has taken playgrounds onto the platform so far: elsewhere such reports
     # stay unrouted and wait in the coordinators' list.
     ["pothole", "damaged_sidewalk", "illegal_dumping", "overflowing_bin", "damaged_playground"]),
    ("parks_water", "Parks and Water Authority", "绿化和水务局", "parks@demo.crowdgov.org", ["city"],
     ["fallen_tree", "water_leak", "blocked_drain"]),
]

SIZE = {"code": "size", "datatype": "singlevaluelist", "required": True, "order": 1, "variable": True,
        "description_en": "How big is it?", "description_zh": "有多大？",
        "datatype_description": "", "values": _values(("small", "Smaller than a plate", "小于盘子"),
                                                      ("medium", "Up to a car tyre", "车轮大小"),
                                                      ("large", "Larger than a car tyre", "大于车轮"))}

CATEGORIES = [
    # code, English, Chinese, group, SLA hours, sensitive, attributes, description en / zh
    ("pothole", "Pothole", "路面坑洼", "roads", 72, False, [
        SIZE,
        {"code": "depth_cm", "datatype": "number", "required": False, "order": 2, "variable": True,
         "description_en": "Depth in centimetres (estimate)", "description_zh": "深度（厘米，估计）",
         "datatype_description": "A number, e.g. 5"}],
     "A hole in the road surface.", "道路路面出现坑洞。"),
    ("damaged_sidewalk", "Damaged sidewalk", "人行道破损", "roads", 120, False, [
        {"code": "hazard", "datatype": "singlevaluelist", "required": False, "order": 1, "variable": True,
         "description_en": "Is it a trip hazard?", "description_zh": "是否容易绊倒行人？", "datatype_description": "",
         "values": _values(("yes", "Yes", "是"), ("no", "No", "否"))}],
     "Broken, raised or missing paving.", "人行道砖块破损、翘起或缺失。"),
    ("traffic_signal", "Traffic signal fault", "交通信号灯故障", "roads", 12, False, [],
     "A traffic light that is dark, stuck or flashing.", "信号灯不亮、常亮或闪烁。"),
    ("abandoned_vehicle", "Abandoned vehicle", "废弃车辆", "roads", 240, False, [
        {"code": "vehicle_type", "datatype": "singlevaluelist", "required": True, "order": 1, "variable": True,
         "description_en": "What kind of vehicle?", "description_zh": "车辆类型？", "datatype_description": "",
         "values": _values(("car", "Car", "汽车"), ("bicycle", "Bicycle", "自行车"), ("scooter", "E-scooter", "电动车"))}],
     "A vehicle left for weeks, damaged or without plates.", "长期停放、损坏或无牌的车辆。"),
    ("broken_streetlight", "Broken streetlight", "路灯损坏", "lighting", 48, False, [
        {"code": "pole_number", "datatype": "string", "required": False, "order": 1, "variable": True,
         "description_en": "The number on the pole, if you can see it", "description_zh": "灯杆编号（如能看到）",
         "datatype_description": "e.g. HP-0231"},
        {"code": "fault", "datatype": "singlevaluelist", "required": True, "order": 2, "variable": True,
         "description_en": "What is wrong?", "description_zh": "什么问题？", "datatype_description": "",
         "values": _values(("off", "Not lit at night", "夜间不亮"), ("flickering", "Flickering", "闪烁"),
                           ("day", "On during the day", "白天常亮"), ("damaged", "Pole or lamp damaged", "灯杆或灯具损坏"))}],
     "A streetlight that is out, flickering or damaged.", "路灯不亮、闪烁或损坏。"),
    ("illegal_dumping", "Illegal dumping", "乱倒垃圾", "sanitation", 48, False, [
        {"code": "waste_type", "datatype": "multivaluelist", "required": True, "order": 1, "variable": True,
         "description_en": "What was dumped?", "description_zh": "倾倒了什么？", "datatype_description": "",
         "values": _values(("household", "Household waste", "生活垃圾"), ("construction", "Construction waste", "建筑垃圾"),
                           ("bulky", "Furniture or appliances", "大件垃圾"), ("hazardous", "Chemicals or batteries", "有害垃圾"))}],
     "Rubbish left where it should not be.", "在非指定地点倾倒垃圾。"),
    ("overflowing_bin", "Overflowing bin", "垃圾桶满溢", "sanitation", 24, False, [],
     "A public bin that is full or overflowing.", "公共垃圾桶已满或溢出。"),
    ("graffiti", "Graffiti", "乱涂乱画", "sanitation", 168, False, [
        {"code": "offensive", "datatype": "singlevaluelist", "required": False, "order": 1, "variable": True,
         "description_en": "Is it offensive?", "description_zh": "内容是否冒犯？", "datatype_description": "",
         "values": _values(("yes", "Yes", "是"), ("no", "No", "否"))}],
     "Paint or stickers on public property.", "公共设施上的涂鸦或小广告。"),
    ("noise_nuisance", "Noise nuisance", "噪声扰民", "sanitation", 72, True, [
        {"code": "hours", "datatype": "string", "required": False, "order": 1, "variable": True,
         "description_en": "When does it happen?", "description_zh": "什么时间发生？", "datatype_description": "e.g. 22:00-02:00"}],
     "Persistent noise from a building site or venue.", "工地或场所持续噪声扰民。"),
    ("fallen_tree", "Fallen tree or branch", "树木倒伏", "parks", 24, False, [
        {"code": "blocking", "datatype": "singlevaluelist", "required": True, "order": 1, "variable": True,
         "description_en": "What does it block?", "description_zh": "阻挡了什么？", "datatype_description": "",
         "values": _values(("road", "The road", "车行道"), ("sidewalk", "The sidewalk", "人行道"), ("nothing", "Nothing", "未阻挡"))}],
     "A tree or large branch that has fallen.", "树木或大树枝倒伏。"),
    ("water_leak", "Water main leak", "自来水管漏水", "water", 12, False, [],
     "Water running from the ground or a hydrant.", "地面或消防栓冒水。"),
    ("blocked_drain", "Blocked drain", "排水口堵塞", "water", 48, False, [],
     "A drain that is blocked or a street that floods.", "雨水口堵塞或路面积水。"),
    ("damaged_playground", "Damaged playground", "游乐设施损坏", "parks", 96, False, [
        {"code": "equipment", "datatype": "text", "required": False, "order": 1, "variable": True,
         "description_en": "Which equipment?", "description_zh": "哪项设施？", "datatype_description": ""}],
     "Broken or unsafe playground equipment.", "游乐设施损坏或存在安全隐患。"),
]

DESCRIPTIONS = {
    "pothole": [("路面有个大坑，电动车差点摔倒。", "Big hole in the road, a scooter nearly fell."),
                ("雨后坑里积水，看不清深浅。", "The hole fills with water after rain; you can't see how deep it is.")],
    "damaged_sidewalk": [("人行道砖块翘起，老人容易绊倒。", "Raised paving stones, elderly people trip here.")],
    "traffic_signal": [("路口红绿灯一直闪黄灯。", "The lights at the crossing keep flashing amber.")],
    "abandoned_vehicle": [("这辆车停了两个月没动过。", "This car has not moved for two months.")],
    "broken_streetlight": [("这一段路灯晚上不亮，很黑。", "The lights on this stretch are out at night; it is very dark."),
                           ("路灯一直闪烁。", "The streetlight keeps flickering.")],
    "illegal_dumping": [("有人在绿化带旁倒了装修垃圾。", "Someone dumped renovation rubble next to the green belt.")],
    "overflowing_bin": [("垃圾桶满了，垃圾掉在地上。", "The bin is full and rubbish is on the ground.")],
    "graffiti": [("墙上被贴满小广告。", "The wall is covered in stickers and ads.")],
    "noise_nuisance": [("工地夜里十一点后还在施工。", "The building site keeps working after 11 pm.")],
    "fallen_tree": [("台风后大树枝掉在路上。", "A big branch fell onto the road after the typhoon.")],
    "water_leak": [("路边一直在冒水。", "Water keeps bubbling up at the roadside.")],
    "blocked_drain": [("下雨后这里积水很深。", "The street floods deeply here whenever it rains.")],
    "damaged_playground": [("滑梯有裂缝，孩子容易受伤。", "The slide is cracked; children could get hurt.")],
}

RESOLUTION_NOTES = [
    ("已安排维修人员处理完毕。", "Our crew has fixed it."),
    ("已修复，感谢您的反馈。", "Repaired — thank you for reporting."),
    ("现场已清理。", "The site has been cleared."),
]
# The reasons staff pick when rejecting (backend/reports/event_texts.REJECT_REASONS), as a real year's mix.
REJECT_REASONS = [("not_a_problem", 4), ("already_fixed", 3), ("private_property", 2),
                  ("not_city_responsibility", 2), ("insufficient_information", 2)]

# Response templates the admins wrote, a few for each department's daily answers:
# code, use (backend/triage/models.TemplateUse), department code (whose staff use it), title en/zh, body en/zh.
TEMPLATES = [
    ("roads_pothole_filled", "resolve", "city_roads", "Pothole filled", "坑洼已填补",
     "Our road crew has filled the hole and levelled the surface. Thank you for telling us.",
     "道路养护人员已填补坑洞并整平路面，感谢您的反映。"),
    ("roads_paving_relaid", "resolve", "city_roads", "Paving relaid", "路面砖已重铺",
     "The broken paving has been taken up and relaid.", "破损的人行道砖已拆除并重新铺设。"),
    ("roads_crew_scheduled", "note", "city_roads", "Crew scheduled", "已安排施工",
     "A crew is scheduled for this spot; we will update you when the work is done.",
     "已安排施工队前往处理，完工后会通知您。"),
    ("lighting_lamp_replaced", "resolve", "street_lighting", "Lamp replaced", "灯具已更换",
     "The lamp has been replaced and the light works again at night.", "灯具已更换，夜间照明已恢复。"),
    ("lighting_cable_fault", "note", "street_lighting", "Cable fault found", "发现线路故障",
     "The fault is in the supply cable; the repair needs a few more days.", "故障出在供电线路，维修还需要几天时间。"),
    ("sanitation_site_cleared", "resolve", "city_sanitation", "Site cleared", "现场已清理",
     "The rubbish has been removed and the site cleaned.", "垃圾已清运，现场已打扫干净。"),
    ("sanitation_bin_emptied", "resolve", "city_sanitation", "Bin emptied", "垃圾桶已清运",
     "The bin has been emptied and added to a more frequent round.", "垃圾桶已清空，并已增加清运频次。"),
    ("works_repaired", "resolve", "huangpu_works", "Repaired by the district", "区市政已修复",
     "Huangpu Public Works has repaired it. Thank you for reporting.", "黄浦区市政管理所已完成修复，感谢您的反映。"),
    ("parks_tree_cleared", "resolve", "parks_water", "Tree cleared", "倒伏树木已清理",
     "The fallen tree or branch has been cut up and taken away.", "倒伏的树木或树枝已截断清运。"),
    ("water_leak_fixed", "resolve", "parks_water", "Leak fixed", "漏水已修复",
     "The pipe has been repaired and the water is off the street.", "水管已修复，路面已无积水。"),
    ("inspected_no_problem", "reject", None, "Inspected, no problem", "经核查无问题",
     "We inspected the site and found nothing to fix.", "经现场核查，未发现需要处理的问题。"),
]

# Crowd campaigns the coordinators ran: code-free rows, told apart by their English title.
# title en/zh, question en/zh, district code (the area), days ago it started, days it lasts,
# tasks, answers each, reward multiplier.
CAMPAIGNS = [
    ("Dark corners before winter", "入冬前查找照明死角",
     "Is this spot too dark to walk safely at night?", "这里夜间是否太暗、行走不安全？",
     "jingan", 120, 21, 10, 3, 1.5),
    ("Blocked drains before the plum rains", "梅雨季前排查排水口",
     "Is the drain here blocked by leaves or rubbish?", "这里的雨水口是否被落叶或垃圾堵塞？",
     "huangpu", 200, 14, 10, 3, 2.0),
    ("Shared bikes on the pavement", "人行道共享单车乱停放",
     "Are shared bikes blocking the pavement here?", "这里的共享单车是否挡住了人行道？",
     "hongkou", 5, 21, 10, 3, 1.0),
]

# What citizens call these problems, in both languages: a city's first classifier learns from
# these, the names and the descriptions before it has any history (backend/intake/examples.py).
KEYWORDS = {
    "pothole": "坑, 坑洼, 路面塌陷, 路面破损, 沥青, pothole, hole in the road, road surface, asphalt, crater",
    "damaged_sidewalk": "人行道, 地砖, 盲道, 步行道, 路沿石, sidewalk, pavement, footpath, paving slab, kerb, tactile paving",
    "traffic_signal": "红绿灯, 信号灯, 交通灯, 行人灯, 倒计时, traffic light, signal, pedestrian crossing, green man, red light",
    "abandoned_vehicle": "僵尸车, 废弃车辆, 无牌车, 废弃自行车, 共享单车, abandoned car, no plates, wreck, dumped bike, scooter",
    "broken_streetlight": "路灯, 街灯, 灯杆, 不亮, 太黑, streetlight, street lamp, lamp post, light out, dark at night",
    "illegal_dumping": "乱倒垃圾, 建筑垃圾, 装修垃圾, 渣土, 大件垃圾, fly-tipping, dumped rubbish, rubble, sofa, mattress",
    "overflowing_bin": "垃圾桶, 垃圾箱, 满溢, 没人清运, bin, litter bin, overflowing, full bin, not emptied, trash can",
    "graffiti": "涂鸦, 小广告, 喷漆, 乱涂乱画, graffiti, spray paint, stickers, flyers, tagging, vandalism",
    "noise_nuisance": "噪音, 噪声, 扰民, 夜间施工, 太吵, noise, loud music, construction at night, too loud, can't sleep",
    "fallen_tree": "树, 倒树, 树枝, 断枝, 台风, fallen tree, branch, tree down, uprooted, storm",
    "water_leak": "漏水, 水管, 爆管, 消防栓, 冒水, water leak, burst pipe, water main, hydrant, leaking",
    "blocked_drain": "下水道, 排水, 积水, 雨水口, 淹水, blocked drain, flooding, sewer, gutter, standing water",
    "damaged_playground": "游乐场, 秋千, 滑梯, 儿童设施, 跷跷板, playground, swing, slide, climbing frame, children",
}
