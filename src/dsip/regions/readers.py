"""Reading an official statistical division list (CSV or XLSX) as a stream of rows.

Files come from provincial statistics bureaus and from people's own Excel
exports, so the reader accepts UTF-8 (with or without BOM) and GB18030/GBK CSV,
comma or tab separated, and XLSX/XLS/ODS through python-calamine. It finds the
header row among the first rows (title rows above it are common) and maps
Chinese or English column names. See docs/data-formats.md "Division list".
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from dsip.core.errors import DomainError, ErrorCode, FieldError

HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "code": ("code", "统计用区划代码", "区划代码", "代码", "division_code"),
    "name": ("name", "名称", "区划名称"),
    "urban_rural": ("urban_rural", "urban-rural", "城乡分类代码", "城乡分类", "urban_rural_class"),
}
HEADER_SEARCH_ROWS = 5
ENCODINGS = ("auto", "utf-8", "gb18030")
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
_CHUNK = 1 << 20


@dataclass(frozen=True)
class SourceRow:
    line: int  # 1-based line (CSV) or sheet row (spreadsheet) as the user sees it
    code: object
    name: str
    urban_rural: str


def _file_error(message: str) -> DomainError:
    return DomainError(code=ErrorCode.INVALID, message=message, errors=[FieldError("file", "unreadable", message)])


def _check_decodes(path: Path, encoding: str) -> tuple[bool, int]:
    """Decode the whole file strictly, in chunks; return (ok, line of the first bad byte)."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    lines_before = 1
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                return False, lines_before + chunk[: exc.start].count(b"\n")
            lines_before += chunk.count(b"\n")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False, lines_before
    return True, 0


def detect_encoding(path: Path, requested: str = "auto") -> str:
    """``utf-8-sig`` when the file is strict UTF-8 (BOM or not), else ``gb18030``; clear error otherwise."""
    if requested not in ENCODINGS:
        raise _file_error(_("Unknown encoding %(enc)s; use one of: %(all)s.") % {"enc": requested, "all": ", ".join(ENCODINGS)})
    if requested in ("auto", "utf-8"):
        ok, bad_line = _check_decodes(path, "utf-8-sig")
        if ok:
            return "utf-8-sig"
        if requested == "utf-8":
            hint = _(" It decodes as GB18030/GBK: run again without --encoding (auto).") if _check_decodes(path, "gb18030")[0] else ""
            raise _file_error(_("The file is not valid UTF-8 (first bad byte on line %(line)d).") % {"line": bad_line} + hint)
    ok, bad_line = _check_decodes(path, "gb18030")
    if ok:
        return "gb18030"
    raise _file_error(
        _("The file is neither UTF-8 nor GB18030 (first bad byte on line %(line)d); save it as UTF-8 CSV or XLSX.")
        % {"line": bad_line}
    )


def _header_key(cell: object) -> str:
    return str(cell or "").replace("\ufeff", "").strip().lower().replace(" ", "")


def _map_header(cells: list[object]) -> dict[str, int] | None:
    keys = [_header_key(c) for c in cells]
    columns: dict[str, int] = {}
    for field, aliases in HEADER_ALIASES.items():
        for idx, key in enumerate(keys):
            if key in aliases:
                columns[field] = idx
                break
    return columns if {"code", "name"} <= columns.keys() else None


def _rows_with_header(numbered: Iterator[tuple[int, list[object]]]) -> Iterator[SourceRow]:
    columns = None
    for line, cells in numbered:
        if columns is None:
            columns = _map_header(cells)
            if columns is None and line >= HEADER_SEARCH_ROWS:
                break
            continue
        if not any(str(c).strip() for c in cells if c is not None):
            continue  # blank lines carry nothing, and Excel leaves many at the end
        yield SourceRow(
            line=line,
            code=_cell(cells, columns, "code"),
            name=str(_cell(cells, columns, "name") or "").strip(),
            urban_rural=_class_text(_cell(cells, columns, "urban_rural")),
        )
    if columns is None:
        raise _file_error(
            _("No header row found in the first %(n)d rows; the file needs the columns 统计用区划代码 (or code) and 名称 (or name).")
            % {"n": HEADER_SEARCH_ROWS}
        )


def _cell(cells: list[object], columns: dict[str, int], field: str) -> object:
    idx = columns.get(field)
    return cells[idx] if idx is not None and idx < len(cells) else ""


def _class_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value or "").strip()


def _csv_lines(path: Path, encoding: str) -> Iterator[tuple[int, list[object]]]:
    with path.open(encoding=encoding, newline="") as fh:
        sample = fh.read(4096)
        fh.seek(0)
        try:
            dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
        except csv.Error:
            dialect = csv.excel
        reader = csv.reader(fh, dialect)
        for cells in reader:
            yield reader.line_num, list(cells)


def _sheet_lines(path: Path) -> Iterator[tuple[int, list[object]]]:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_index(0)
    except (CalamineError, OSError, ValueError) as exc:
        raise _file_error(_("The spreadsheet cannot be read: %(error)s") % {"error": exc}) from exc
    # calamine's range starts at the first used cell; report rows as Excel numbers them.
    first_row = (sheet.start or (0, 0))[0] + 1
    for offset, cells in enumerate(sheet.iter_rows()):
        yield first_row + offset, list(cells)


def is_spreadsheet(path: Path) -> bool:
    if path.suffix.lower() in SPREADSHEET_SUFFIXES:
        return True
    with path.open("rb") as fh:
        return fh.read(4) == b"PK\x03\x04"


def read_division_rows(path: str | Path, *, encoding: str = "auto") -> tuple[str, Iterator[SourceRow]]:
    """Return (format/encoding label, row iterator). Raises DomainError for an unreadable file."""
    path = Path(path)
    if not path.is_file():
        raise _file_error(_("File not found: %(path)s") % {"path": path})
    if is_spreadsheet(path):
        return "xlsx", _rows_with_header(_sheet_lines(path))
    chosen = detect_encoding(path, encoding)
    return f"csv/{chosen}", _rows_with_header(_csv_lines(path, chosen))

