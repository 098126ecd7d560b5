"""The app's files: page, manifest, icons, service worker, translations (one catalogue per language)."""
import json
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from backend.config import translation_directories
from backend.webapp import STATIC, catalogue, shell_files
from tests.hardening.test_security_headers import assert_hardened



def _app_msgids() -> set[str]:
    return {message for _f, _l, message, _c, _ctx in extract_from_dir(str(STATIC / "js"), [("**.js", "javascript")],
                                                                          keywords={"t": None})}


def test_the_page_is_hardened_and_starts_the_app_from_its_own_files(client):
    page = client.get("/app/")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-cache"
    assert_hardened(page, "/app/")
    assert '<script type="module" src="/app/static/js/main.js">' in page.text
    assert 'href="/app/manifest.webmanifest"' in page.text and "/vendor/leaflet/leaflet.js" in page.text
    assert "http://" not in page.text and "https://" not in page.text  # no CDN
    assert client.get("/app").status_code == 301


def test_the_manifest_makes_it_installable_with_icons_that_exist(client):
    manifest = json.loads(client.get("/app/manifest.webmanifest", headers={"Accept-Language": "en"}).data)
    assert manifest["start_url"] == "/app/" and manifest["scope"] == "/app/" and manifest["display"] == "standalone"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512", "any"} <= sizes and any(i.get("purpose") == "maskable" for i in manifest["icons"])
    for icon in manifest["icons"]:
        answer = client.get(icon["src"])
        assert answer.status_code == 200 and answer.mimetype == icon["type"], icon


def test_the_service_worker_caches_every_file_the_app_needs_and_each_exists(client):
    worker = client.get("/app/sw.js")
    assert worker.status_code == 200 and worker.mimetype == "text/javascript"
    files = shell_files()
    assert json.dumps(files) in worker.text
    assert {"/app/", "/app/static/js/main.js", "/app/static/app.css", "/vendor/leaflet/leaflet.js",
            "/app/i18n/zh_Hans.json"} <= set(files)
    for name in files:  # one missing file would make the worker's install fail
        answer = client.get(name)
        assert answer.status_code == 200, name
        answer.close()


def test_every_word_of_the_app_has_its_chinese_translation(client):
    wanted = _app_msgids()
    assert len(wanted) > 100
    served = client.get("/app/i18n/zh_Hans.json").json
    assert served["language"] == "zh_Hans"
    missing = sorted(m for m in wanted if m not in served["messages"])
    assert not missing, missing
    assert served["messages"]["Report received"] == "报告已收到"
    english = client.get("/app/i18n/en.json").json
    assert english["language"] == "en" and isinstance(english["messages"], dict)  # English shows the msgids themselves
    assert client.get("/app/i18n/fr.json").status_code == 404


def test_placeholders_survive_translation():
    for msgid, text in catalogue("zh_Hans").items():
        for name in ("%(n)s", "%(ref)s", "%(department)s", "%(email)s", "%(area)s", "%(d)s", "%(distance)s"):
            assert (name in msgid) == (name in text), (msgid, text)


def _merged(directories: list[str]) -> dict[str, str]:
    """What Flask-Babel shows: every catalogue merged in BABEL_TRANSLATION_DIRECTORIES order, later ones winning."""
    merged: dict[str, str] = {}
    for directory in directories:
        po = Path(directory) / "zh_Hans" / "LC_MESSAGES" / "messages.po"
        if po.exists():
            merged.update({m.id: m.string for m in read_po(po.open("rb")) if isinstance(m.id, str) and m.id and m.string})
    return merged


def test_the_app_and_alerts_catalogues_never_change_another_areas_words():
    """Flask-Babel merges every area's catalogue into one: adding ours must not change a word elsewhere."""
    directories = translation_directories().split(";")
    ours = [d for d in directories if Path(d).parent.name in ("webapp", "alerts")]
    assert len(ours) == 2
    without = _merged([d for d in directories if d not in ours])
    with_ours = _merged(directories)
    changed = {m: (without[m], with_ours[m]) for m in without if with_ours[m] != without[m]}
    assert not changed, changed
