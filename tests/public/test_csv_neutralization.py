"""Every CSV we publish neutralizes cells a spreadsheet would run as a formula (one function: csv_cells.safe_cell)."""
import csv
import io

import pytest

from backend.csv_cells import safe_cell
from backend.extensions import db
from tests import factories as f

FORMULAS = ["=HYPERLINK(\"http://evil.example\",\"click\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)",
            "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("text", FORMULAS)
def test_a_cell_that_starts_a_formula_is_text(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["plain words", "a=b", "中文 =1", "", 12, -121.47, None, True])
def test_other_cells_and_numbers_are_left_alone(value):
    assert safe_cell(value) == value


def _rows(client, url):
    return list(csv.DictReader(io.StringIO(client.get(url).get_data(as_text=True), newline="")))


def test_the_open_data_csv_and_the_dashboards_csvs_are_neutralized(client):
    roads = f.department("roads", name_en="=cmd|' /C calc'!A0", name_zh="=部门")
    f.area(roads, (121.40, 31.15, 121.55, 31.30))
    pothole = f.category("pothole", [roads], name_en="@pothole", name_zh="+坑洼")
    reports = [f.report_at(pothole, 31.2, 121.45, department=roads, description=text, address=text)
               for text in FORMULAS]
    db.session.commit()
    exported = {int(r["service_request_id"]): r for r in _rows(client, "/open-data/reports.csv")}
    for report, text in zip(reports, FORMULAS):
        row = exported[report.id]
        assert row["description"] == "'" + text and row["address"] == "'" + text
        assert row["service_name"] == "'@pothole"
        assert float(row["long"]) == pytest.approx(121.45)  # numbers stay numbers
    departments = _rows(client, "/stats/departments.csv?lang=en")
    assert [d["name"] for d in departments] == ["'=cmd|' /C calc'!A0"]
    categories = _rows(client, "/stats/categories.csv?lang=zh_Hans")
    assert [c["name"] for c in categories] == ["'+坑洼"]
