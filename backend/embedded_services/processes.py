"""What every embedded service shares: running a tool, reporting its failure, finding a free port."""
from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

ATTEMPTS = 5  # free ports tried before giving up (another process may take one between our pick and the bind)
WHAT_NEXT = ("To start over with an empty cluster: `crowdgov services down --purge`, then `crowdgov services up`. "
             "To use services of your own instead, set DATABASE_URL and REDIS_URL.")


class ServicesError(RuntimeError):
    """An embedded service could not be prepared, started or stopped; the message says why and what to do."""


def is_root() -> bool:
    return os.geteuid() == 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def log_since(path: Path, offset: int) -> str:
    try:
        with path.open(errors="replace") as f:
            f.seek(offset)
            return f.read()
    except OSError:
        return ""


def file_size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


def failure(what: str, result: subprocess.CompletedProcess | None = None, log: Path | None = None,
             since: int = 0, hint: str = WHAT_NEXT) -> ServicesError:
    """The error for `what`: the tool's own output, its log from offset `since` on (last lines), what to do."""
    parts = [what]
    if result is not None:
        argv = [str(a) for a in result.args]
        tool = Path(argv[4] if argv[0] == "runuser" else argv[0]).name
        said = "\n".join(s.strip() for s in (result.stderr, result.stdout) if s and s.strip())
        parts.append(f"{tool} exited with {result.returncode}:\n{said or '(no output)'}")
    logged = "\n".join(log_since(log, since).splitlines()[-20:]) if log is not None else ""
    if logged:
        parts.append(f"last lines of {log}:\n{logged}")
    parts.append(hint)
    return ServicesError("\n".join(parts))


def run(argv: list[str], cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True)
    except OSError as exc:  # the program itself is missing or cannot be executed
        raise ServicesError(f"Could not run {argv[0]}: {exc}") from None
