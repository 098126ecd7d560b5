"""Citizens: registration, the bot's channel login, tokens, the profile and data rights."""
from __future__ import annotations

import json
import math

from flask import Response
from flask_smorest import Blueprint

from backend.api import errors, limits
from backend.accounts import data_rights, service as accounts
from backend.accounts.models import Channel, Citizen
from backend.api.authentication import citizen_required, forget_citizen, presented_token, require_citizen
from backend.api.schemas import (ChannelLoginIn, CitizenIn, CitizenOut, CitizenPatch, NotificationPageOut, PageIn,
                                 ReportPageOut, TokenOut)
from backend.feedback import feed
from backend.disclosure import public_view

blp = Blueprint("Citizens", __name__, url_prefix="/api/v1", description="Citizens, tokens, my reports and notifications, data rights")
errors.register(blp)
limits.apply(blp)
BEARER = [{"bearer": []}]


def citizen_view(citizen: Citizen) -> dict:
    return {"id": citizen.id, "display_name": citizen.display_name, "language": citizen.language,
            "created_at": citizen.created_at}


@blp.post("/citizens")
@blp.arguments(CitizenIn)
@blp.response(201, TokenOut)
def register(data):
    """Register a citizen; answers a bearer token (shown once)."""
    citizen, token = accounts.register_citizen(data["display_name"], data.get("language"))
    return {"token": token, "citizen": citizen_view(citizen)}


@blp.post("/auth/channel-login")
@blp.arguments(ChannelLoginIn)
@blp.response(200, TokenOut)
def channel_login(data):
    """The bot logs one of its users in (creating the citizen on first contact)."""
    citizen, token = accounts.channel_login(data["channel_secret"], Channel(data["channel"]), data["external_id"],
                                            data["display_name"], data.get("language"))
    return {"token": token, "citizen": citizen_view(citizen)}


@blp.post("/auth/revoke")
@blp.response(204)
@blp.doc(security=BEARER)
@citizen_required
def revoke():
    """Revoke the presented token."""
    accounts.revoke_token(presented_token())


@blp.get("/me")
@blp.response(200, CitizenOut)
@blp.doc(security=BEARER)
@citizen_required
def me():
    """Who I am: my display name, language and since when."""
    return citizen_view(require_citizen())


@blp.patch("/me")
@blp.arguments(CitizenPatch)
@blp.response(200, CitizenOut)
@blp.doc(security=BEARER)
@citizen_required
def update_me(data):
    """Change my display name or language."""
    citizen = accounts.update_citizen(require_citizen(), display_name=data.get("display_name"),
                                      language=data.get("language"))
    return citizen_view(citizen)


@blp.delete("/me")
@blp.response(204)
@blp.doc(security=BEARER)
@citizen_required
def delete_me():
    """Erase my personal data; my reports stay, anonymized."""
    data_rights.erase(require_citizen())
    forget_citizen()


@blp.get("/me/export")
@blp.response(200)
@blp.doc(security=BEARER)
@citizen_required
def export_me():
    """Everything we hold about me, as a JSON download."""
    citizen = require_citizen()
    body = json.dumps(data_rights.export(citizen), ensure_ascii=False, indent=2, default=str)
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="crowdgov-export-{citizen.id}.json"'})


def page_answer(items: list, args: dict, total: int) -> dict:
    return {"items": items, "page": args["page"], "pages": max(1, math.ceil(total / args["page_size"])),
            "total": total}


@blp.get("/me/reports")
@blp.arguments(PageIn, location="query")
@blp.response(200, ReportPageOut)
@blp.doc(security=BEARER)
@citizen_required
def my_reports(args):
    """My reports, newest first, with their public status."""
    citizen = require_citizen()
    reports, total = public_view.reports_of(citizen, args["page"], args["page_size"])
    return page_answer([public_view.summary(r, citizen.language) for r in reports], args, total)


@blp.get("/me/notifications")
@blp.arguments(PageIn, location="query")
@blp.response(200, NotificationPageOut)
@blp.doc(security=BEARER)
@citizen_required
def my_notifications(args):
    """My notifications, newest first, in my language."""
    citizen = require_citizen()
    rows, total = feed.page(citizen, args["page"], args["page_size"])
    items = [{"id": n.id, "kind": n.kind, "report_id": n.report_id, "text": feed.render(n, citizen.language),
              "created_at": n.created_at, "state": n.state.value} for n in rows]
    return page_answer(items, args, total)
