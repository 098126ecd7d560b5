"""The interfaces neither commit nor decide who may: read from their source with `ast`.

Requests, jobs and CLI commands are committed by backend/transaction.py; who may do what is the
areas' policies' (backend/<area>/policy.py). A module under one of the interface packages that
commits, or that tests a role itself, fails here with the line to look at. The inbox templates
are read too: they ask `may(...)`, never a role.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "backend"
INTERFACES = ("api", "inbox", "public", "open311", "cli")
# Names only a policy may use: who is a coordinator, who is an admin.
POLICY_ONLY = {"CITY_WIDE", "is_city_wide", "require_city_wide", "require_admin", "require_coordinator",
               "is_coordinator", "is_admin", "city_wide_only", "admins_only"}


def _modules() -> list[Path]:
    return sorted(p for package in INTERFACES for p in (ROOT / package).rglob("*.py"))


def _name(node: ast.AST) -> str:
    """`db.session.commit` for the callee of db.session.commit()."""
    if isinstance(node, ast.Attribute):
        return f"{_name(node.value)}.{node.attr}"
    if isinstance(node, ast.Name):
        return node.id
    return "?"


def _is_role(node: ast.AST) -> bool:
    """`x.role` or `StaffRole.X`."""
    return isinstance(node, ast.Attribute) and (node.attr == "role" or _name(node.value) == "StaffRole")


def offences(source: str) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "commit":
            found.append((node.lineno, f"commits: {_name(node.func)}()"))
        elif isinstance(node, ast.Compare) and any(_is_role(n) for n in ast.walk(node)):
            found.append((node.lineno, "tests a role"))
        elif isinstance(node, ast.Name) and node.id in POLICY_ONLY:
            found.append((node.lineno, f"uses {node.id}"))
        elif isinstance(node, (ast.Import, ast.ImportFrom)) and {a.name for a in node.names} & POLICY_ONLY:
            found.append((node.lineno, f"imports {', '.join(sorted({a.name for a in node.names} & POLICY_ONLY))}"))
    return sorted(found)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT.parent)))
def test_an_interface_module_neither_commits_nor_tests_a_role(path):
    assert offences(path.read_text(encoding="utf-8")) == []


def test_the_inbox_templates_ask_the_policies_not_the_role():
    role_test = re.compile(r"\.role\s*(==|!=|in\b)|city_wide|is_admin|is_coordinator")
    found = [f"{p.relative_to(ROOT)}:{n}" for p in sorted((ROOT / "inbox" / "templates").rglob("*.html"))
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if role_test.search(line)]
    assert found == []


@pytest.mark.parametrize("source, expected", [
    ("db.session.commit()", [(1, "commits: db.session.commit()")]),
    ("db.session.commit()", [(1, "commits: db.session.commit()")]),
    ("session = db.session\nsession.commit()", [(2, "commits: session.commit()")]),
    ("if staff.role == 'admin':\n    pass", [(1, "tests a role")]),
    ("ok = current_user.staff.role in (StaffRole.ADMIN,)", [(1, "tests a role")]),
    ("shown = x if staff.role != StaffRole.STAFF else y", [(1, "tests a role")]),
    ("from backend.policy import is_city_wide", [(1, "imports is_city_wide")]),
    ("if is_city_wide(staff):\n    pass", [(1, "uses is_city_wide")]),
    ("roles = list(StaffRole)\nlabel = ROLE_LABELS.get(staff.role)", []),
    ("require(may_hide_report(staff, report))\nsavepoint = db.session.begin_nested()", []),
])
def test_the_reader_sees_what_it_should(source, expected):
    """The check itself: it must catch what it is for, and let policy calls and labels through."""
    assert offences(source) == expected
