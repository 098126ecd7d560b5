"""The embedded default: a private PostgreSQL+PostGIS cluster and a private Redis under ./var.

Started from the system's binaries on free ports of 127.0.0.1. PostgreSQL refuses to
run as root, so when we are root the cluster belongs to the unprivileged `postgres`
system user that Debian's package creates. The URLs are recorded in
var/services.json, where `backend.config` finds them.
"""
from __future__ import annotations

import glob
import json
import os
import pwd
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from backend import config

DB_NAME = "crowdgov"
DB_USER = "crowdgov"


class ServicesError(RuntimeError):
    pass


def _is_root() -> bool:
    return os.geteuid() == 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pg_bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(found[-1]).parent if found else None


def _postgis_installed(bindir: Path) -> bool:
    major = bindir.parent.name
    return Path(f"/usr/share/postgresql/{major}/extension/postgis.control").exists()


def missing_packages() -> list[str]:
    """Debian packages still needed for the embedded services."""
    missing = []
    bindir = _pg_bindir()
    if bindir is None:
        missing += ["postgresql", "postgresql-postgis"]
    elif not _postgis_installed(bindir):
        missing.append(f"postgresql-{bindir.parent.name}-postgis-3")
    if shutil.which("redis-server") is None:
        missing.append("redis-server")
    return missing


def install_packages(packages: list[str], echo=print) -> None:
    if not packages:
        return
    command = "apt-get install -y --no-install-recommends " + " ".join(packages)
    if not _is_root() or shutil.which("apt-get") is None:
        raise ServicesError(
            f"Missing system packages: {', '.join(packages)}. Install them with:\n  sudo {command}"
        )
    echo(f"Installing {' '.join(packages)} with apt-get …")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    # policy-rc.d keeps Debian from starting a system-wide cluster; that message is harmless.
    subprocess.run(command.split() + ["-qq"], check=True, env=env)


@dataclass
class _Pg:
    bindir: Path
    root: Path

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def run(self) -> Path:
        return self.root / "run"

    @property
    def owner(self) -> str:
        return "postgres" if _is_root() else pwd.getpwuid(os.geteuid()).pw_name

    def cmd(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        argv = [str(self.bindir / args[0]), *args[1:]]
        if _is_root():
            argv = ["runuser", "-u", self.owner, "--", *argv]
        # cwd must be readable by the cluster's owner.
        return subprocess.run(argv, cwd=self.root, check=check, capture_output=True, text=True)

    def running(self) -> bool:
        return self.data.exists() and self.cmd("pg_ctl", "status", "-D", str(self.data), check=False).returncode == 0

    def prepare_dirs(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self.root.chmod(0o755)
        for d in (self.data, self.run):
            d.mkdir(exist_ok=True)
            if _is_root():
                shutil.chown(d, self.owner, self.owner)
        self.data.chmod(0o700)

    def initdb(self) -> None:
        if (self.data / "PG_VERSION").exists():
            return
        self.cmd("initdb", "-D", str(self.data), "-E", "UTF8", "--locale=C.UTF-8",
                 "-U", DB_USER, "--auth=trust")

    def start(self, port: int) -> None:
        opts = f"-p {port} -k {self.run} -c listen_addresses=127.0.0.1 -c max_connections=200"
        # The log lives in a directory the cluster's owner may write.
        logfile = self.run / "postgres.log"
        result = self.cmd("pg_ctl", "-D", str(self.data), "-w", "-t", "30", "-l", str(logfile),
                          "-o", opts, "start", check=False)
        if result.returncode != 0:
            log = logfile.read_text(errors="replace")[-2000:] if logfile.exists() else ""
            raise ServicesError(f"PostgreSQL did not start on port {port}:\n{result.stderr}\n{log}")

    def stop(self) -> None:
        if self.running():
            self.cmd("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")


def _pg_url(port: int, database: str = DB_NAME) -> str:
    return f"postgresql+psycopg://{DB_USER}@127.0.0.1:{port}/{database}"


def ensure_database(admin_url: str, name: str) -> None:
    """Create database `name` on the server behind admin_url if it is missing."""
    url = admin_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def _client(port: int) -> redis.Redis:
    return redis.Redis(host="127.0.0.1", port=port, socket_timeout=1, retry=Retry(NoBackoff(), 0))


def _redis_alive(port: int) -> bool:
    try:
        return bool(_client(port).ping())
    except redis.RedisError:
        return False


def start_redis(directory: Path, port: int) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--daemonize", "yes", "--dir", str(directory), "--pidfile", str(directory / "redis.pid"),
         "--logfile", str(directory / "redis.log")],
        check=True, capture_output=True,
    )
    for _ in range(100):
        if _redis_alive(port):
            return
        time.sleep(0.05)
    raise ServicesError(f"Redis did not answer on port {port}; see {directory / 'redis.log'}")


def stop_redis(directory: Path, port: int | None) -> None:
    if port and _redis_alive(port):
        try:
            _client(port).shutdown(nosave=True)
        except redis.ConnectionError:
            pass  # the server closes the connection as it goes


def _using_external() -> bool:
    return bool(os.environ.get("DATABASE_URL")) and bool(os.environ.get("REDIS_URL"))


def _write_record(record: dict) -> None:
    path = config.services_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=2))


def up(echo=print) -> dict:
    """Start (or find running) the private services; return the recorded URLs. Idempotent."""
    if _using_external():
        echo("DATABASE_URL and REDIS_URL are set: using those services, nothing to start.")
        return {"database_url": os.environ["DATABASE_URL"], "redis_url": os.environ["REDIS_URL"]}
    install_packages(missing_packages(), echo)
    record = config.recorded_services()
    var = config.var_dir()

    pg = _Pg(_pg_bindir(), var / "postgres")
    pg.prepare_dirs()
    pg.initdb()
    pg_port = record.get("postgres_port")
    if not (pg.running() and pg_port):
        pg.stop()
        for attempt in range(5):
            pg_port = free_port()
            try:
                pg.start(pg_port)
                break
            except ServicesError:
                if attempt == 4:
                    raise
    ensure_database(_pg_url(pg_port, "postgres"), DB_NAME)

    redis_dir = var / "redis"
    redis_port = record.get("redis_port")
    if not (redis_port and _redis_alive(redis_port)):
        for attempt in range(5):
            redis_port = free_port()
            try:
                start_redis(redis_dir, redis_port)
                break
            except (ServicesError, subprocess.CalledProcessError):
                if attempt == 4:
                    raise

    record = {
        "database_url": _pg_url(pg_port),
        "redis_url": f"redis://127.0.0.1:{redis_port}/0",
        "postgres_port": pg_port,
        "redis_port": redis_port,
        "postgres_data": str(pg.data),
        "redis_dir": str(redis_dir),
    }
    _write_record(record)
    echo(f"PostgreSQL+PostGIS  {record['database_url']}")
    echo(f"Redis               {record['redis_url']}")
    return record


def down(echo=print) -> None:
    record = config.recorded_services()
    var = config.var_dir()
    bindir = _pg_bindir()
    if bindir:
        _Pg(bindir, var / "postgres").stop()
    stop_redis(var / "redis", record.get("redis_port"))
    echo("Embedded PostgreSQL and Redis stopped.")


def status() -> dict[str, str]:
    """What runs where, as human-readable lines per service."""
    if _using_external():
        return {"postgres": f"external: {os.environ['DATABASE_URL']}", "redis": f"external: {os.environ['REDIS_URL']}"}
    record = config.recorded_services()
    result = {}
    bindir = _pg_bindir()
    pg_running = bool(bindir) and _Pg(bindir, config.var_dir() / "postgres").running()
    result["postgres"] = (f"running at {record.get('database_url')}" if pg_running and record
                          else "stopped")
    port = record.get("redis_port")
    result["redis"] = f"running at {record.get('redis_url')}" if port and _redis_alive(port) else "stopped"
    return result


def ensure_up_if_embedded(echo=print) -> None:
    """Used by CLI commands so that `crowdgov web` etc. work without a prior `services up`."""
    if _using_external():
        return
    st = status()
    if any(v == "stopped" for v in st.values()):
        up(echo)
