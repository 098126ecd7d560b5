"""The Debian packages the embedded services run from, and installing them when we may."""
from __future__ import annotations

import glob
import os
import shutil
from pathlib import Path

from backend.embedded_services.processes import ServicesError, failure, is_root, run


def pg_bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(found[-1]).parent if found else None


def _postgis_installed(bindir: Path) -> bool:
    major = bindir.parent.name
    return Path(f"/usr/share/postgresql/{major}/extension/postgis.control").exists()


def missing_packages() -> list[str]:
    """Debian packages still needed for the embedded services."""
    missing = []
    bindir = pg_bindir()
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
    if not is_root() or shutil.which("apt-get") is None:
        raise ServicesError(
            f"Missing system packages: {', '.join(packages)}. Install them with:\n  sudo {command}"
        )
    echo(f"Installing {' '.join(packages)} with apt-get …")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for argv in (["apt-get", "update", "-qq"], command.split() + ["-qq"]):
        # policy-rc.d keeps Debian from starting a system-wide cluster; that message is harmless.
        result = run(argv, env=env)
        if result.returncode != 0:
            raise failure(f"Installing the system packages failed ({' '.join(argv)}).", result,
                           hint=f"Fix what apt-get says, then run `crowdgov services up` again, or install "
                                f"them yourself:\n  {command}")
