def test_healthz_reports_both_services_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["database"]["ok"] and response.json["redis"]["ok"]


def test_healthz_says_when_redis_is_down(client, redis_server):
    redis_server.stop()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["redis"]["ok"] is False
    assert response.json["database"]["ok"] is True
