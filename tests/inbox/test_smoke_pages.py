"""Every staff page renders for the roles that may open it."""


def test_pages_render_for_admin(town, sign_in):
    admin = sign_in(town["admin"])
    for url in ["/inbox/", f"/inbox/reports/{town['road_report'].id}", "/inbox/escalations", "/inbox/admin/departments",
                "/inbox/admin/areas", "/inbox/admin/areas/new", f"/inbox/admin/areas/{town['west'].id}",
                "/inbox/admin/categories", f"/inbox/admin/categories/{town['pothole'].id}", "/inbox/admin/staff",
                f"/inbox/admin/staff/{town['roads_staff'].id}", "/inbox/admin/api-keys", "/inbox/admin/templates",
                "/inbox/admin/audit", "/inbox/?lang=en", "/inbox/?status=all&sort=supported"]:
        response = admin.get(url)
        assert response.status_code == 200, (url, response.text[:2000])
