"""Tables behind the charts, written as CSV (UTF-8 with BOM, so spreadsheets read Chinese) or XLSX.

Text that a spreadsheet would run as a formula (starting with =, +, -, @) is prefixed with an
apostrophe: organisation names are typed by users.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Font

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Table:
    name: str
    title: str
    headers: Sequence[str]
    rows: Sequence[Sequence[object]]


def safe(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def to_csv(table: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe(str(h)) for h in table.headers])
    for row in table.rows:
        writer.writerow(["" if v is None else safe(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")


def sheet_title(text: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", " ", text).strip()[:28] or "Sheet"
    title, n = base, 2
    while title in used:
        title, n = f"{base[:26]} {n}", n + 1
    used.add(title)
    return title


def to_xlsx(tables: Sequence[Table]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    for table in tables:
        sheet = workbook.create_sheet(sheet_title(str(table.title), used))
        sheet.append([safe(str(h)) for h in table.headers])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([safe(v) if not hasattr(v, "quantize") else float(v) for v in row])
        for i, header in enumerate(table.headers, start=1):
            sheet.column_dimensions[sheet.cell(1, i).column_letter].width = max(12, min(60, len(str(header)) + 4))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
