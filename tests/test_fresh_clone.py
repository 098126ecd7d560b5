"""A fresh clone in a directory only its owner may enter (root's 0700 home on Debian) brings its own
embedded PostgreSQL+PostGIS and Redis up, migrates, answers /healthz, and brings them down again.

The clone runs on this virtualenv's packages with its own code (PYTHONPATH), the way `make setup` would
run it there, minus the pip install. A failing service says what its tool said, never a traceback."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from backend import config

pytestmark = pytest.mark.slow
PROGRAM = "import sys; from backend.cli import main; sys.argv[0] = 'crowdgov'; main()"
HEALTH = ("import json; from backend import create_app; r = create_app().test_client().get('/healthz'); "
          "print(json.dumps({'code': r.status_code, 'body': r.json}))")


class Checkout:
    def __init__(self, root: Path):
        self.root = root
        self.env = {k: v for k, v in os.environ.items()
                    if k not in ("DATABASE_URL", "REDIS_URL", "CROWDGOV_VAR_DIR", "SECRET_KEY", "BOT_CHANNEL_SECRET")}
        self.env["PYTHONPATH"] = str(root)

    def run(self, *args: str, code: str = PROGRAM) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-c", code, *args], cwd=self.root, env=self.env, capture_output=True,
                              text=True, timeout=120)

    def crowdgov(self, *args: str) -> subprocess.CompletedProcess:
        done = self.run(*args)
        assert done.returncode == 0, f"crowdgov {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
        return done

    @property
    def record(self) -> dict:
        return json.loads((self.root / "var" / "services.json").read_text())


@pytest.fixture
def private_dir():
    if os.geteuid() != 0:
        pytest.fail("this test proves a root-only checkout: run it as root (CI does)")
    home = Path(tempfile.mkdtemp(prefix="crowdgov-home-"))  # 0700, owned by root
    clones: list[Checkout] = []
    yield home, clones
    for clone in clones:
        clone.run("services", "down", "--purge")
    shutil.rmtree(home, ignore_errors=True)


def _clone(home: Path, name: str, clones: list) -> Checkout:
    subprocess.run(["git", "clone", "--quiet", str(config.PROJECT_ROOT), str(home / name)], check=True, timeout=120)
    clones.append(Checkout(home / name))
    return clones[-1]


def test_a_fresh_clone_in_a_root_only_directory_runs_its_own_services(private_dir):
    home, clones = private_dir
    assert home.stat().st_mode & 0o777 == 0o700
    clone = _clone(home, "crowdgov", clones)
    assert subprocess.run(["runuser", "-u", "postgres", "--", "test", "-x", str(clone.root)]).returncode != 0, \
        "the postgres user can reach the checkout: this test would prove nothing"
    imported = clone.run(code="import backend; print(backend.__file__)")
    assert imported.stdout.strip() == str(clone.root / "backend" / "__init__.py")

    clone.crowdgov("services", "up")
    record = clone.record
    cluster = Path(record["postgres_root"])
    assert not cluster.is_relative_to(clone.root) and (cluster / "data" / "PG_VERSION").exists()
    clone.crowdgov("db", "upgrade")
    health = json.loads(clone.run(code=HEALTH).stdout)
    assert health == {"code": 200, "body": {"status": "ok", "database": {"ok": True}, "redis": {"ok": True}}}
    status = clone.crowdgov("services", "status").stdout
    assert f"running at postgresql+psycopg://crowdgov@127.0.0.1:{record['postgres_port']}/crowdgov" in status
    assert record["redis_url"] in status

    # A copy of the checkout, var/services.json included, gets services of its own.
    copy = _clone(home, "copy", clones)
    (copy.root / "var").mkdir()
    shutil.copy(clone.root / "var" / "services.json", copy.root / "var" / "services.json")
    copy.crowdgov("services", "up")
    assert copy.record["postgres_root"] != str(cluster)
    assert copy.record["postgres_port"] != record["postgres_port"] and copy.record["redis_port"] != record["redis_port"]
    copy.crowdgov("services", "down")
    assert "running" in clone.crowdgov("services", "status").stdout  # the first one's are untouched

    clone.crowdgov("services", "down")
    assert clone.crowdgov("services", "status").stdout.split() == ["postgres", "stopped", "redis", "stopped"]
    clone.crowdgov("services", "down", "--purge")
    assert not cluster.exists()


def test_a_service_that_cannot_start_says_what_its_tool_said_and_what_to_do(private_dir):
    home, clones = private_dir
    clone = _clone(home, "crowdgov", clones)
    clone.crowdgov("services", "up")
    clone.crowdgov("services", "down")
    conf = Path(clone.record["postgres_data"]) / "postgresql.conf"
    conf.write_text(conf.read_text() + "\nno_such_setting = 1\n")
    failed = clone.run("db", "upgrade")
    assert failed.returncode == 1
    assert "Traceback" not in failed.stderr
    assert 'unrecognized configuration parameter "no_such_setting"' in failed.stderr  # PostgreSQL's own words
    assert "crowdgov services down --purge" in failed.stderr

    redis_log = clone.root / "var" / "redis" / "redis.log"
    redis_log.unlink()
    redis_log.mkdir()  # redis-server cannot open its log file
    conf.write_text(conf.read_text().replace("\nno_such_setting = 1\n", "\n"))
    failed = clone.run("services", "up")
    assert failed.returncode == 1 and "Traceback" not in failed.stderr
    assert "Can't open the log file" in failed.stderr  # redis-server's own words
