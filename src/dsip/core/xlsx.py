"""Write-only XLSX sheets with a bold, frozen header row (exports and import reports)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def header_sheet(workbook: Any, *, title: str, headers: list[str], widths: Sequence[float] = ()) -> Any:
    """Create a sheet in a write-only workbook whose first row is ``headers`` in bold, frozen in place.

    Column widths go in here because a write-only sheet takes them only before its first row.
    """
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(title=title)
    sheet.freeze_panes = "A2"
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    cells = []
    for text in headers:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
    return sheet
