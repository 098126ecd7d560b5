"""The embedded default: a private PostgreSQL+PostGIS cluster and a private Redis per checkout.

Started from the system's binaries on free ports of 127.0.0.1; the URLs and where the files
live are recorded in var/services.json, where `backend.config` and every later command find them.

PostgreSQL refuses to run as root, so when we are root the cluster belongs to the unprivileged
`postgres` user that Debian's package creates. That user must reach the data directory, and a
checkout may sit where it cannot (root's own home is 0700 on Debian). So as root the cluster
lives in /var/lib/crowdgov/<checkout>-<hash of the var directory>: a place only root can create
entries in (no other local user can plant a directory there, as they could in /tmp), kept across
reboots, one per var directory so two checkouts never share a cluster. Its `checkout` file names
the var directory it belongs to; a record copied along with a checkout is not believed.
As any other user the cluster lives under var/postgres, owned by that user.

Every failure says what the tool itself said (its stderr and the tail of its log) and what to do.
"""
from __future__ import annotations

import glob
import hashlib
import json
import os
import pwd
import re
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
SYSTEM_CLUSTERS = Path("/var/lib/crowdgov")
_ATTEMPTS = 5  # free ports tried before giving up (another process may take one between our pick and the bind)
_WHAT_NEXT = ("To start over with an empty cluster: `crowdgov services down --purge`, then `crowdgov services up`. "
              "To use services of your own instead, set DATABASE_URL and REDIS_URL.")


class ServicesError(RuntimeError):
    """An embedded service could not be prepared, started or stopped; the message says why and what to do."""


def _is_root() -> bool:
    return os.geteuid() == 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _log_since(path: Path, offset: int) -> str:
    try:
        with path.open(errors="replace") as f:
            f.seek(offset)
            return f.read()
    except OSError:
        return ""


def _size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


def _failure(what: str, result: subprocess.CompletedProcess | None = None, log: Path | None = None,
             since: int = 0, hint: str = _WHAT_NEXT) -> ServicesError:
    """The error for `what`: the tool's own output, its log from offset `since` on (last lines), what to do."""
    parts = [what]
    if result is not None:
        argv = [str(a) for a in result.args]
        tool = Path(argv[4] if argv[0] == "runuser" else argv[0]).name
        said = "\n".join(s.strip() for s in (result.stderr, result.stdout) if s and s.strip())
        parts.append(f"{tool} exited with {result.returncode}:\n{said or '(no output)'}")
    logged = "\n".join(_log_since(log, since).splitlines()[-20:]) if log is not None else ""
    if logged:
        parts.append(f"last lines of {log}:\n{logged}")
    parts.append(hint)
    return ServicesError("\n".join(parts))


def _run(argv: list[str], cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True)
    except OSError as exc:  # the program itself is missing or cannot be executed
        raise ServicesError(f"Could not run {argv[0]}: {exc}") from None


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
    for argv in (["apt-get", "update", "-qq"], command.split() + ["-qq"]):
        # policy-rc.d keeps Debian from starting a system-wide cluster; that message is harmless.
        result = _run(argv, env=env)
        if result.returncode != 0:
            raise _failure(f"Installing the system packages failed ({' '.join(argv)}).", result,
                           hint=f"Fix what apt-get says, then run `crowdgov services up` again, or install "
                                f"them yourself:\n  {command}")


# --- PostgreSQL -------------------------------------------------------------------------------

def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.")[:40] or "checkout"


def default_cluster_root(var: Path) -> Path:
    """Where a new cluster of the var directory `var` goes (see the module's docstring)."""
    if not _is_root():
        return var / "postgres"
    digest = hashlib.sha256(str(var).encode()).hexdigest()[:12]
    return SYSTEM_CLUSTERS / f"{_slug(var.parent.name)}-{digest}"


def _belongs_to(root: Path, var: Path) -> bool:
    """Whether the cluster at root is this var directory's: inside it, or marked as its own."""
    if root.is_relative_to(var):
        return True
    try:
        return (root / "checkout").read_text().strip() == str(var)
    except OSError:
        return False


def cluster_root(var: Path, record: dict) -> Path:
    """The recorded cluster when it is this var directory's own, else where a new one goes."""
    recorded = record.get("postgres_root")
    if recorded is None and record.get("postgres_data"):  # records written before postgres_root existed
        recorded = str(Path(record["postgres_data"]).parent)
    if recorded and _belongs_to(Path(recorded), var):
        return Path(recorded)
    return default_cluster_root(var)


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
    def log(self) -> Path:
        return self.run / "postgres.log"

    @property
    def owner(self) -> str:
        return "postgres" if _is_root() else pwd.getpwuid(os.geteuid()).pw_name

    def cmd(self, *args: str) -> subprocess.CompletedProcess:
        argv = [str(self.bindir / args[0]), *args[1:]]
        if _is_root():
            argv = ["runuser", "-u", self.owner, "--", *argv]
        # cwd must be readable by the cluster's owner.
        return _run(argv, cwd=self.root)

    def running(self) -> bool:
        return (self.data / "PG_VERSION").exists() and self.cmd("pg_ctl", "status", "-D", str(self.data)).returncode == 0

    def port(self) -> int | None:
        """The port of the running server, from its postmaster.pid (4th line)."""
        try:
            return int((self.data / "postmaster.pid").read_text().splitlines()[3])
        except (OSError, IndexError, ValueError):
            return None

    def prepare_dirs(self, var: Path) -> None:
        try:
            if _is_root() and not self.root.is_relative_to(var):
                self._prepare_system_parent()
            self.root.mkdir(parents=True, exist_ok=True)
            for d in (self.data, self.run):
                d.mkdir(exist_ok=True)
            if _is_root():
                for d in (self.root, self.data, self.run):
                    shutil.chown(d, self.owner, self.owner)
                (self.root / "checkout").write_text(f"{var}\n")
            self.root.chmod(0o700 if _is_root() and not self.root.is_relative_to(var) else 0o755)
            self.data.chmod(0o700)
        except (OSError, LookupError) as exc:
            raise ServicesError(f"Could not prepare the PostgreSQL directory {self.root}: {exc}\n{_WHAT_NEXT}") from None

    @staticmethod
    def _prepare_system_parent() -> None:
        SYSTEM_CLUSTERS.mkdir(mode=0o755, parents=True, exist_ok=True)
        st = SYSTEM_CLUSTERS.stat()
        # Only root may create entries there, or another user could prepare a cluster for us.
        if st.st_uid != 0 or st.st_mode & 0o022:
            raise ServicesError(f"{SYSTEM_CLUSTERS} must belong to root and be writable by root only "
                                f"(chown root: {SYSTEM_CLUSTERS} && chmod 755 {SYSTEM_CLUSTERS}).")

    def initdb(self) -> None:
        if (self.data / "PG_VERSION").exists():
            return
        result = self.cmd("initdb", "-D", str(self.data), "-E", "UTF8", "--locale=C.UTF-8",
                          "-U", DB_USER, "--auth=trust")
        if result.returncode != 0:
            raise _failure(f"Creating the PostgreSQL cluster in {self.data} (as user {self.owner}) failed.", result)

    def start(self, port: int) -> bool:
        """Start on port; False when the port was taken meanwhile (try another), a ServicesError otherwise."""
        opts = f"-p {port} -k {self.run} -c listen_addresses=127.0.0.1 -c max_connections=200"
        size = _size(self.log)
        result = self.cmd("pg_ctl", "-D", str(self.data), "-w", "-t", "30", "-l", str(self.log), "-o", opts, "start")
        if result.returncode == 0:
            return True
        if "Address already in use" in _log_since(self.log, size):
            return False
        raise _failure(f"PostgreSQL did not start on port {port}.", result, self.log, since=size)

    def stop(self) -> None:
        if self.running():
            size = _size(self.log)
            result = self.cmd("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
            if result.returncode != 0:
                raise _failure("PostgreSQL did not stop.", result, self.log, since=size,
                               hint=f"Its processes belong to {self.owner}; stop them with "
                                    f"`pg_ctl -D {self.data} -m immediate stop` as that user.")


def _pg_url(port: int, database: str = DB_NAME) -> str:
    return f"postgresql+psycopg://{DB_USER}@127.0.0.1:{port}/{database}"


def ensure_database(admin_url: str, name: str) -> None:
    """Create database `name` on the server behind admin_url if it is missing."""
    url = admin_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def _postgres_up(pg: _Pg, var: Path) -> int:
    pg.prepare_dirs(var)
    pg.initdb()
    port = pg.port() if pg.running() else None
    for _attempt in range(_ATTEMPTS):
        if port is not None:
            break
        candidate = free_port()
        if pg.start(candidate):
            port = candidate
    if port is None:
        raise _failure(f"PostgreSQL found no free port in {_ATTEMPTS} attempts.", log=pg.log)
    try:
        ensure_database(_pg_url(port, "postgres"), DB_NAME)
    except psycopg.Error as exc:
        raise _failure(f"PostgreSQL runs on port {port} but the database {DB_NAME} could not be created: {exc}",
                       log=pg.log) from None
    return port


# --- Redis ------------------------------------------------------------------------------------

def _client(port: int) -> redis.Redis:
    return redis.Redis(host="127.0.0.1", port=port, socket_timeout=1, retry=Retry(NoBackoff(), 0))


def _redis_alive(port: int) -> bool:
    try:
        return bool(_client(port).ping())
    except redis.RedisError:
        return False


def _redis_serves(port: int | None, directory: Path) -> bool:
    """Whether our own redis-server (the one working in `directory`) answers on port."""
    if not port:
        return False
    try:
        return Path(_client(port).config_get("dir").get("dir", "")).resolve() == directory.resolve()
    except redis.RedisError:
        return False


class RedisPortTaken(ServicesError):
    def __init__(self, port: int):
        super().__init__(f"Port {port} is taken.")


def start_redis(directory: Path, port: int) -> None:
    """Start a redis-server working in directory on port; RedisPortTaken when another process has the port."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ServicesError(f"Could not prepare Redis's directory {directory}: {exc}\n{_WHAT_NEXT}") from None
    log = directory / "redis.log"
    size = _size(log)
    result = _run(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                   "--daemonize", "yes", "--dir", str(directory), "--pidfile", str(directory / "redis.pid"),
                   "--logfile", str(log)])
    if result.returncode != 0:
        raise _failure(f"Redis did not start on port {port}.", result, log, since=size)
    # It daemonizes before it binds: a taken port shows only in its log (and another server may answer there).
    for _ in range(100):
        if _redis_serves(port, directory):
            return
        if "Address already in use" in _log_since(log, size):
            raise RedisPortTaken(port)
        time.sleep(0.05)
    raise _failure(f"Redis did not answer on port {port}.", log=log, since=size)


def stop_redis(directory: Path, port: int | None) -> None:
    if port and _redis_alive(port):
        try:
            _client(port).shutdown(nosave=True)
        except redis.ConnectionError:
            pass  # the server closes the connection as it goes


def _redis_up(directory: Path, recorded_port: int | None) -> int:
    if _redis_serves(recorded_port, directory):
        return recorded_port
    for _attempt in range(_ATTEMPTS):
        port = free_port()
        try:
            start_redis(directory, port)
            return port
        except RedisPortTaken:
            continue
    raise _failure(f"Redis found no free port in {_ATTEMPTS} attempts.", log=directory / "redis.log")


# --- The checkout's services ------------------------------------------------------------------

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
    pg = _Pg(_pg_bindir(), cluster_root(var, record))
    pg_port = _postgres_up(pg, var)
    redis_dir = var / "redis"
    redis_port = _redis_up(redis_dir, record.get("redis_port"))
    record = {
        "database_url": _pg_url(pg_port),
        "redis_url": f"redis://127.0.0.1:{redis_port}/0",
        "postgres_port": pg_port,
        "redis_port": redis_port,
        "postgres_root": str(pg.root),
        "postgres_data": str(pg.data),
        "postgres_log": str(pg.log),
        "redis_dir": str(redis_dir),
    }
    _write_record(record)
    echo(f"PostgreSQL+PostGIS  {record['database_url']}  (files in {pg.root})")
    echo(f"Redis               {record['redis_url']}")
    return record


def _recorded_cluster() -> _Pg | None:
    bindir = _pg_bindir()
    if bindir is None:
        return None
    var = config.var_dir()
    return _Pg(bindir, cluster_root(var, config.recorded_services()))


def down(echo=print, purge: bool = False) -> None:
    """Stop the private services; with purge also delete their files (the database is lost)."""
    record = config.recorded_services()
    var = config.var_dir()
    pg = _recorded_cluster()
    if pg is not None:
        pg.stop()
    redis_dir = var / "redis"
    if _redis_serves(record.get("redis_port"), redis_dir):
        stop_redis(redis_dir, record.get("redis_port"))
    echo("Embedded PostgreSQL and Redis stopped.")
    if purge:
        for path in ([pg.root] if pg is not None and _belongs_to(pg.root, var) else []) + [redis_dir]:
            shutil.rmtree(path, ignore_errors=True)
        config.services_file().unlink(missing_ok=True)
        echo(f"Their files are deleted{f' ({pg.root})' if pg is not None else ''}.")


def status() -> dict[str, str]:
    """What runs where, as human-readable lines per service."""
    if _using_external():
        return {"postgres": f"external: {os.environ['DATABASE_URL']}", "redis": f"external: {os.environ['REDIS_URL']}"}
    record = config.recorded_services()
    pg = _recorded_cluster()
    port = pg.port() if pg is not None and pg.running() else None
    result = {"postgres": f"running at {_pg_url(port)}  (files in {pg.root})" if port else "stopped"}
    redis_port = record.get("redis_port")
    result["redis"] = (f"running at {record.get('redis_url')}" if _redis_serves(redis_port, config.var_dir() / "redis")
                       else "stopped")
    return result


def ensure_up_if_embedded(echo=print) -> None:
    """Used by CLI commands so that `crowdgov web` etc. work without a prior `services up`."""
    if _using_external():
        return
    st = status()
    if any(v == "stopped" for v in st.values()):
        up(echo)
