"""The private PostgreSQL+PostGIS cluster: where it lives, starting and stopping it, its database.

PostgreSQL refuses to run as root, so when we are root the cluster belongs to the unprivileged
`postgres` user that Debian's package creates. That user must reach the data directory, and a
checkout may sit where it cannot (root's own home is 0700 on Debian). So as root the cluster
lives in /var/lib/crowdgov/<checkout>-<hash of the var directory>: a place only root can create
entries in (no other local user can plant a directory there, as they could in /tmp), kept across
reboots, one per var directory so two checkouts never share a cluster. Its `checkout` file names
the var directory it belongs to; a record copied along with a checkout is not believed.
As any other user the cluster lives under var/postgres, owned by that user.
"""
from __future__ import annotations

import hashlib
import os
import pwd
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import psycopg

from backend.embedded_services.processes import (ATTEMPTS, WHAT_NEXT, ServicesError, failure, free_port, is_root,
                                                   log_since, run, file_size)

DB_NAME = "crowdgov"
DB_USER = "crowdgov"
SYSTEM_CLUSTERS = Path("/var/lib/crowdgov")


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.")[:40] or "checkout"


def default_cluster_root(var: Path) -> Path:
    """Where a new cluster of the var directory `var` goes (see the module's docstring)."""
    if not is_root():
        return var / "postgres"
    digest = hashlib.sha256(str(var).encode()).hexdigest()[:12]
    return SYSTEM_CLUSTERS / f"{_slug(var.parent.name)}-{digest}"


def belongs_to(root: Path, var: Path) -> bool:
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
    if recorded and belongs_to(Path(recorded), var):
        return Path(recorded)
    return default_cluster_root(var)


@dataclass
class Cluster:
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
        return "postgres" if is_root() else pwd.getpwuid(os.geteuid()).pw_name

    def cmd(self, *args: str) -> subprocess.CompletedProcess:
        argv = [str(self.bindir / args[0]), *args[1:]]
        if is_root():
            argv = ["runuser", "-u", self.owner, "--", *argv]
        # cwd must be readable by the cluster's owner.
        return run(argv, cwd=self.root)

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
            if is_root() and not self.root.is_relative_to(var):
                self._prepare_system_parent()
            self.root.mkdir(parents=True, exist_ok=True)
            for d in (self.data, self.run):
                d.mkdir(exist_ok=True)
            if is_root():
                for d in (self.root, self.data, self.run):
                    shutil.chown(d, self.owner, self.owner)
                (self.root / "checkout").write_text(f"{var}\n")
            self.root.chmod(0o700 if is_root() and not self.root.is_relative_to(var) else 0o755)
            self.data.chmod(0o700)
        except (OSError, LookupError) as exc:
            raise ServicesError(f"Could not prepare the PostgreSQL directory {self.root}: {exc}\n{WHAT_NEXT}") from None

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
            raise failure(f"Creating the PostgreSQL cluster in {self.data} (as user {self.owner}) failed.", result)

    def start(self, port: int) -> bool:
        """Start on port; False when the port was taken meanwhile (try another), a ServicesError otherwise."""
        opts = f"-p {port} -k {self.run} -c listen_addresses=127.0.0.1 -c max_connections=200"
        offset = file_size(self.log)
        result = self.cmd("pg_ctl", "-D", str(self.data), "-w", "-t", "30", "-l", str(self.log), "-o", opts, "start")
        if result.returncode == 0:
            return True
        if "Address already in use" in log_since(self.log, offset):
            return False
        raise failure(f"PostgreSQL did not start on port {port}.", result, self.log, since=offset)

    def stop(self) -> None:
        if self.running():
            offset = file_size(self.log)
            result = self.cmd("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
            if result.returncode != 0:
                raise failure("PostgreSQL did not stop.", result, self.log, since=offset,
                               hint=f"Its processes belong to {self.owner}; stop them with "
                                    f"`pg_ctl -D {self.data} -m immediate stop` as that user.")


def pg_url(port: int, database: str = DB_NAME) -> str:
    return f"postgresql+psycopg://{DB_USER}@127.0.0.1:{port}/{database}"


def ensure_database(admin_url: str, name: str) -> None:
    """Create database `name` on the server behind admin_url if it is missing."""
    url = admin_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def postgres_up(pg: Cluster, var: Path) -> int:
    pg.prepare_dirs(var)
    pg.initdb()
    port = pg.port() if pg.running() else None
    for _attempt in range(ATTEMPTS):
        if port is not None:
            break
        candidate = free_port()
        if pg.start(candidate):
            port = candidate
    if port is None:
        raise failure(f"PostgreSQL found no free port in {ATTEMPTS} attempts.", log=pg.log)
    try:
        ensure_database(pg_url(port, "postgres"), DB_NAME)
    except psycopg.Error as exc:
        raise failure(f"PostgreSQL runs on port {port} but the database {DB_NAME} could not be created: {exc}",
                       log=pg.log) from None
    return port
