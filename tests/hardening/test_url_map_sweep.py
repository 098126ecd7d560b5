"""Every route in Flask's URL map, fed a catalogue of hostile values in every GET parameter and
form field it reads, and in every free path segment, answers below 500.

The parameters a route reads are found by watching it: the request's `args` and `form` record
every name a view (or webargs, or a service it calls) asks for, first with no parameters, then
with plausible values for those names, so parameters read only once others are valid are found
too. A new parameter on any route is swept without touching this file.
"""
from __future__ import annotations

import io
from urllib.parse import quote

import pytest
from flask import Request
from werkzeug.datastructures import ImmutableMultiDict

from backend.api.limits import limiter
from backend.extensions import db
from tests import factories as f
from tests.staff_city import StaffClient

# Values that each broke some door once: numbers that do not fit, dates at the edges, text the
# database cannot hold, structures where a scalar is expected.
HOSTILE = [
    "9" * 400, "-" + "9" * 400, "1e400", "-1e400", "1e-400", "2147483648", "-2147483649", "9223372036854775808",
    "²", "①", "٣", "१२", "0x1f", "1_000", "nan", "inf", "-inf", "", " ", "-1", "0", "1.5",
    "0001-01-01", "9999-12-31", "0000-00-00", "9999-12-31T23:59:59+14:00", "0001-01-01T00:00:00-14:00",
    "2026-02-30", "99999-01-01", "1-1-1", "2026-13-45T99:99",
    "\x00", "a\x00b", "\x01\x02\x1b\x7f", "\u202e\u200b", "x" * 20000,
    "[" * 5000, "{" * 5000, '{"a":' * 3000 + "1" + "}" * 3000, "[]", "{}", "null", "true",
    "a,b,,c", ",,,", "1,2,3,4,5", "-200,-100,200,100", "121.4,31.1,121.5,31.3,9",
    "../../etc/passwd", "%00", "%ff", "<script>alert(1)</script>", "' OR 1=1 --",
]

# Plausible values, used to reach the parameters read only after others passed.
PLAUSIBLE = {
    "lat": "31.20", "long": "121.42", "radius_m": "100", "bbox": "121.40,31.15,121.55,31.30", "zoom": "12",
    "service_code": "pothole", "category": "pothole", "period": "week", "limit": "10", "status": "open",
    "start_date": "2026-01-01T00:00:00Z", "end_date": "2026-02-01T00:00:00Z", "from": "2026-01-01",
    "to": "2026-02-01", "page": "1", "cursor": "", "sort": "newest", "q": "road", "language": "en",
    "description": "a hole", "email": "nobody@city.example", "password": "wrong password",
}

PATH_SAMPLES = {"fmt": "json", "code": "pothole", "table": "departments", "package": "leaflet",
                "filename": "leaflet.js", "name": "swagger-ui.css", "token": "abc", "request_id": "1",
                "path": "x", "anything": "x"}

# Routes that end the sweep's own session or account; each is exercised elsewhere.
SKIPPED = {("/inbox/logout", "POST"), ("/api/v1/me", "DELETE"), ("/api/v1/auth/revoke", "POST")}

_read: set[str] = set()


class _Recording(ImmutableMultiDict):
    def get(self, key, default=None, type=None):  # noqa: A002  (werkzeug's signature)
        _read.add(key)
        return super().get(key, default, type)

    def __getitem__(self, key):
        _read.add(key)
        return super().__getitem__(key)

    def getlist(self, key, type=None):  # noqa: A002
        _read.add(key)
        return super().getlist(key, type)

    def __contains__(self, key):
        _read.add(key)
        return super().__contains__(key)


class RecordingRequest(Request):
    parameter_storage_class = _Recording


def _path_values(rule) -> dict[str, str]:
    values = {}
    for name, converter in rule._converters.items():
        kind = type(converter).__name__
        if kind in ("DatabaseIdConverter", "IntegerConverter"):
            values[name] = "1"
        elif kind == "AnyConverter":
            values[name] = sorted(converter.items)[0] if hasattr(converter, "items") else \
                converter.regex.strip("()").split("|")[0]
        else:
            values[name] = PATH_SAMPLES.get(name, "x")
    return values


def _url(rule, values: dict[str, str]) -> str:
    url = rule.rule
    for name, value in values.items():
        url = url.replace(f"<{name}>", value)
        for kind in ("int", "string", "path", "any", "float"):
            start = url.find(f"<{kind}")
            while start != -1 and f":{name}>" in url[start:start + 200]:
                end = url.index(">", start)
                if url[start:end + 1].endswith(f":{name}>"):
                    url = url[:start] + value + url[end + 1:]
                    break
                start = url.find(f"<{kind}", end)
    return url


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.rule.startswith("/api/v1/docs/assets"):
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            if (rule.rule, method) not in SKIPPED:
                yield rule, method


@pytest.fixture
def sweep_city(app, town):
    token = f.api_token(town["reporter"])
    key = f.api_key("Sweep")
    db.session.commit()
    return {"token": token, "api_key": key, **town}


def test_no_route_answers_5xx_to_hostile_parameters(app, sweep_city, monkeypatch):
    staff = StaffClient(app, sweep_city["admin"].email)
    monkeypatch.setattr(app, "request_class", RecordingRequest)
    monkeypatch.setattr(limiter, "enabled", False)
    headers = {"Authorization": f"Bearer {sweep_city['token']}", "Accept-Language": "en"}
    base_form = {"api_key": sweep_city["api_key"], "csrf_token": staff.token}
    failures: list[str] = []

    def send(method: str, url: str, params: dict[str, str], hostile: str = "") -> int:
        # TESTING propagates a view's exception instead of answering 500: both count as a crash.
        try:
            with app.app_context():
                if method == "GET":
                    response = staff.client.open(url, method=method, query_string=params, headers=headers)
                else:
                    response = staff.client.open(url, method=method, data={**base_form, **params}, headers=headers)
        except Exception as exc:  # noqa: BLE001
            db.session.remove()
            failures.append(f"{method} {url} {hostile} -> {type(exc).__name__}: {str(exc).splitlines()[0][:100]}")
            return 500
        if response.status_code >= 500:
            failures.append(f"{method} {url} {hostile} -> {response.status_code}")
        return response.status_code

    for rule, method in _routes(app):
        path_values = _path_values(rule)
        url = _url(rule, path_values)
        _read.clear()
        send(method, url, {})
        names = set(_read)
        _read.clear()
        send(method, url, {n: PLAUSIBLE.get(n, "1") for n in names})
        names |= _read
        names -= {"csrf_token"}
        for name in sorted(names):
            for value in HOSTILE:
                send(method, url, {**{n: PLAUSIBLE.get(n, "1") for n in names if n != name}, name: value},
                     f"{name}={value!r:.40}")
        for name, converter in rule._converters.items():
            if type(converter).__name__ in ("UnicodeConverter", "PathConverter"):
                for value in HOSTILE:
                    send(method, _url(rule, {**path_values, name: quote(value, safe="") or "%20"}), {},
                         f"<{name}>={value!r:.40}")

    assert not failures, "\n".join(failures[:300]) + f"\n({len(failures)} in all)"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-32", "utf-32-be"])
def test_nul_inside_a_json_body_in_any_unicode_encoding_is_refused(client, sweep_city, encoding):
    body = '{"category": "pothole", "lat": 31.2, "long": 121.42, "description": "a\\u0000b\x00c"}'
    response = client.post("/api/v1/reports", data=body.encode(encoding), content_type="application/json",
                           headers={"Authorization": f"Bearer {sweep_city['token']}"})
    assert 400 <= response.status_code < 500, response.data[:200]
    assert response.get_json()["code"] in ("invalid_text", "invalid_json", "invalid_input")


@pytest.mark.parametrize("description", ["\ud800 lone high", "lone low \udfff", "\x00", "tab\tand\nnewline ok\x07"])
def test_text_the_database_cannot_hold_is_refused_or_cleaned_at_intake(client, sweep_city, description):
    response = client.post("/api/v1/reports", json={"category": "pothole", "lat": 31.2, "long": 121.42,
                                                     "description": description},
                           headers={"Authorization": f"Bearer {sweep_city['token']}"})
    assert response.status_code < 500, response.data[:200]
    if response.status_code == 201:
        from backend.reports.models import Report
        stored = db.session.get(Report, response.get_json()["id"]).description
        assert not any(ord(c) < 32 and c not in "\t\n" for c in stored)
        assert not any(0xD800 <= ord(c) <= 0xDFFF for c in stored)


def test_a_json_field_inside_multipart_holding_nul_or_deep_nesting_is_refused(client, sweep_city):
    for attributes in ('{"depth": "a\\u0000b"}', '{"a":' * 5000 + "1" + "}" * 5000, "[" * 100000):
        response = client.post("/api/v1/reports", data={"category": "pothole", "lat": "31.2", "long": "121.42",
                                                         "attributes": attributes,
                                                         "photos": (io.BytesIO(f.jpeg()), "a.jpg")},
                               content_type="multipart/form-data",
                               headers={"Authorization": f"Bearer {sweep_city['token']}"})
        assert 400 <= response.status_code < 500, (attributes[:30], response.status_code, response.data[:200])
