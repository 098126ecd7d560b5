"""The bot's client of /api/v1 (httpx, async). One instance per process."""
from __future__ import annotations

import json
from typing import Any

import httpx


class ApiError(Exception):
    """The API answered 4xx/5xx: `code` is its stable error code, `message` is for people."""

    def __init__(self, status: int, code: str, message: str, fields: dict | None = None):
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message, self.fields = status, code, message, fields or {}


class ApiClient:
    def __init__(self, base_url: str, channel_secret: str, *, timeout: float = 20.0,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.channel_secret = channel_secret
        self._http = httpx.AsyncClient(base_url=base_url.rstrip("/") + "/api/v1", timeout=timeout,
                                       transport=transport)

    async def close(self) -> None:
        await self._http.aclose()

    async def _call(self, method: str, path: str, *, token: str | None = None, language: str = "zh_Hans",
                    raw: bool = False, headers: dict | None = None, **kwargs: Any) -> Any:
        h = {"Accept-Language": language.replace("_", "-"), **(headers or {})}
        if token:
            h["Authorization"] = f"Bearer {token}"
        response = await self._http.request(method, path, headers=h, **kwargs)
        if response.status_code >= 400:
            try:
                body = response.json()
            except ValueError:
                body = {}
            raise ApiError(response.status_code, body.get("code", "http_error"),
                           body.get("message", response.reason_phrase), body.get("fields"))
        if raw:
            return response.content
        return response.json() if response.content else None

    async def channel_login(self, external_id: int | str, display_name: str, language: str) -> dict:
        return await self._call("POST", "/auth/channel-login", language=language, json={
            "channel": "telegram", "channel_secret": self.channel_secret, "external_id": str(external_id),
            "display_name": display_name[:80] or "Telegram user", "language": language})

    async def link(self, token: str, code: str, language: str) -> dict:
        """Attach this Telegram user to the app account that showed the code."""
        return await self._call("POST", "/auth/link", token=token, language=language, json={"code": code})

    async def revoke(self, token: str) -> None:
        await self._call("POST", "/auth/revoke", token=token)

    async def update_me(self, token: str, **fields: Any) -> dict:
        return await self._call("PATCH", "/me", token=token, json=fields)

    async def categories(self, language: str) -> list[dict]:
        return await self._call("GET", "/categories", language=language)

    async def where(self, lat: float, long: float, language: str) -> dict:
        return await self._call("GET", "/where", language=language, params={"lat": lat, "long": long})

    async def nearby(self, lat: float, long: float, category: str | None, language: str, description: str = "") -> list[dict]:
        params = {"lat": lat, "long": long, "description": description}
        if category:
            params["category"] = category
        return await self._call("GET", "/reports/nearby", language=language, params=params)

    async def suggest(self, description: str, lat: float, long: float, language: str) -> dict:
        return await self._call("POST", "/reports/suggest", language=language,
                                json={"description": description, "lat": lat, "long": long})

    async def submit(self, token: str, language: str, fields: dict, photos: list[bytes], idempotency_key: str) -> dict:
        if not photos:
            body = {"category": fields["category"], "lat": fields["lat"], "long": fields["long"],
                    "description": fields.get("description") or "", "attributes": fields.get("attributes") or {}}
            if fields.get("address"):
                body["address"] = fields["address"]
            return await self._call("POST", "/reports", token=token, language=language, json=body,
                                    headers={"Idempotency-Key": idempotency_key})
        data = {"category": fields["category"], "lat": str(fields["lat"]), "long": str(fields["long"]),
                "description": fields.get("description") or "", "attributes": json.dumps(fields.get("attributes") or {})}
        if fields.get("address"):
            data["address"] = fields["address"]
        files = [("photos", (f"photo{i + 1}.jpg", content, "image/jpeg")) for i, content in enumerate(photos)]
        return await self._call("POST", "/reports", token=token, language=language, data=data,
                                files=files, headers={"Idempotency-Key": idempotency_key})

    async def support(self, token: str, report_id: int, language: str) -> dict:
        return await self._call("POST", f"/reports/{report_id}/support", token=token, language=language)

    async def report(self, report_id: int, language: str) -> dict:
        return await self._call("GET", f"/reports/{report_id}", language=language)

    async def my_reports(self, token: str, page: int, page_size: int, language: str) -> dict:
        return await self._call("GET", "/me/reports", token=token, language=language,
                                params={"page": page, "page_size": page_size})

    async def export(self, token: str, language: str) -> bytes:
        return await self._call("GET", "/me/export", token=token, language=language, raw=True)

    async def delete_me(self, token: str, language: str) -> None:
        await self._call("DELETE", "/me", token=token, language=language)

    # --- micro-tasks and points ----------------------------------------------------------
    async def tasks_nearby(self, token: str, lat: float, long: float, language: str) -> list[dict]:
        return await self._call("GET", "/tasks/nearby", token=token, language=language,
                                params={"lat": lat, "long": long})

    async def claimed_task(self, token: str, language: str) -> dict | None:
        """The live claim, or None when the citizen holds no task."""
        try:
            return await self._call("GET", "/tasks/claimed", token=token, language=language)
        except ApiError as exc:
            if exc.status == 404:
                return None
            raise

    async def claim(self, token: str, task_id: int, language: str) -> dict:
        return await self._call("POST", f"/tasks/{task_id}/claim", token=token, language=language)

    async def release(self, token: str, task_id: int, language: str) -> dict:
        return await self._call("POST", f"/tasks/{task_id}/release", token=token, language=language)

    async def answer_task(self, token: str, task_id: int, language: str, verdict: str, lat: float | None,
                          long: float | None, photo: bytes | None = None) -> dict:
        fields = {"verdict": verdict, "lat": lat, "long": long}
        if photo is None:
            return await self._call("POST", f"/tasks/{task_id}/answer", token=token, language=language, json=fields)
        data = {k: str(v) for k, v in fields.items() if v is not None}
        return await self._call("POST", f"/tasks/{task_id}/answer", token=token, language=language, data=data,
                                files=[("photo", ("answer.jpg", photo, "image/jpeg"))])

    async def my_points(self, token: str, language: str) -> dict:
        return await self._call("GET", "/me/points", token=token, language=language)
