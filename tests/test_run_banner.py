"""What `make run` prints once web and worker answer: the addresses, how to stop, and every demo login
(role, e-mail, password, department) last, so that the logins are what stays on screen."""
from __future__ import annotations

from urllib.parse import urlsplit

from backend.cli.banner import banner_command
from backend.demo import _seed_map, _seed_staff
from backend.demo.logins import demo_logins
from backend.jobqueue import redis_connection
from backend.worker import make_worker


def test_the_banner_waits_for_web_and_worker_then_ends_with_every_demo_login(app, live_server):
    _seed_staff(_seed_map())
    port = urlsplit(live_server).port
    runner = app.test_cli_runner()
    early = runner.invoke(banner_command, ["--port", str(port), "--wait", "1"])
    assert "did not answer" in early.output and "demo-admin" not in early.output  # no worker yet

    worker = make_worker(app, redis_connection(), simple=True)
    worker.register_birth()
    try:
        shown = runner.invoke(banner_command, ["--port", str(port), "--wait", "30"])
    finally:
        worker.register_death()
    assert shown.exit_code == 0, shown.output
    lines = [line for line in shown.output.splitlines() if line.strip()]
    logins = demo_logins()
    assert len(logins) == 7
    assert [line.split()[1] for line in lines[-len(logins):]] == [login.email for login in logins]
    tail = "\n".join(lines[-len(logins):])
    for needle in ("admin", "coordinator", "staff", "demo-coordinator", "City Roads Bureau 市道路管理局",
                   "Street Lighting Office 市路灯管理所", "Parks and Water Authority 绿化和水务局", "all departments"):
        assert needle in tail, needle
    assert any(f"{live_server}/inbox/" in line for line in lines[:-len(logins)])
    assert any("make services-down" in line for line in lines[:-len(logins)])
