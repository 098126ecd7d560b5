"""Texts shared by several handlers (status names, a report's status card)."""
from __future__ import annotations

from typing import Callable


def status_name(_: Callable[[str], str], status: str) -> str:
    names = {
        "submitted": _("received"), "open": _("open"), "acknowledged": _("acknowledged"),
        "in_progress": _("in progress"), "resolved": _("resolved"), "closed": _("closed"),
        "rejected": _("rejected"), "duplicate": _("merged into another report"),
    }
    return names.get(status, status)


def status_card(_: Callable[[str], str], report: dict) -> str:
    lines = [f"{report['reference']} · {report.get('category_name', '')}",
             _("Status: %(status)s") % {"status": status_name(_, report["status"])}]
    if report.get("department_name"):
        lines.append(_("Handled by: %(department)s") % {"department": report["department_name"]})
    if report.get("supporters"):
        lines.append(_("Supporters: %(n)s") % {"n": report["supporters"]})
    history = [h for h in report.get("history", []) if h.get("note") or h.get("status")][-3:]
    if history:
        lines.append(_("Latest updates:"))
        for h in history:
            label = status_name(_, h["status"]) if h.get("status") else ""
            lines.append("• " + " — ".join(x for x in (str(h.get("at", ""))[:10], label, h.get("note") or "") if x))
    lines.append(report["public_url"])
    return "\n".join(lines)
