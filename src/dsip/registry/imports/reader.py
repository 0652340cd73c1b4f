"""Streaming reader of person files (CSV or XLSX) with header mapping and row numbers.

Decisions (also in docs/data-formats.md, "Person import file"):

* **Encoding (CSV).** UTF-8, UTF-8 with BOM and GB18030 (a superset of GBK
  and GB2312) are accepted. The encoding is detected from the bytes, not from
  what the uploader says: a BOM means UTF-8; otherwise the first 256 KiB must
  decode as UTF-8 or the file is read as GB18030. So a GBK file labelled UTF-8
  still reads. If a later line turns out not to be valid in the detected
  encoding, the file is refused with that line number.
* **Headers.** The first non-empty row holds the headers: the Chinese headers
  of the template (``template.py``), a few common variants (身份证号…) or the
  English field names. Unknown or repeated headers and missing required ones
  refuse the whole file with the list of expected headers, because a
  misspelt column would otherwise be silently dropped.
* **Row numbers** are the numbers a spreadsheet shows: the header row is 1 in
  a file that starts with it. Empty rows (every cell blank) are skipped but
  still counted, so the numbers stay right.
* **XLSX formulas** are read as their cached value, i.e. what Excel displays;
  a formula never calculated (some programs write none) reads as empty and
  the row is reported like any empty required cell. **Merged cells** give
  every covered cell the top-left value, which is what a reader of the sheet
  sees. Only the first sheet is read.
* **Numbers in XLSX.** Excel keeps 15 significant digits, so an 18-digit ID
  typed as a number has already lost its last digits: such a cell is an
  error asking to format the column as text. Whole numbers elsewhere
  (division codes, phones, category 4.0) become their digits.
* **Size.** At most ``MAX_ROWS`` data rows per file; a bigger file is refused
  (before anything is validated) with a request to split it.
* **Where an XLSX is parsed.** In a child process (``xlsx_worker``) that gets
  the plain bytes through a pipe, parses the sheet once and streams its rows
  for each reading (``PersonFile``): the parsed sheet never sits in the
  importing process, whose memory is Django's plus one chunk of rows.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import pickle
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, BinaryIO

from django.utils.translation import gettext as _

MAX_ROWS = 200_000
SNIFF_BYTES = 256 * 1024

# Template columns in order: (field, Chinese header, required).
COLUMNS: tuple[tuple[str, str, bool], ...] = (
    ("name", "姓名", True),
    ("id_number", "公民身份号码", True),
    ("sex", "性别", False),
    ("birth_date", "出生日期", False),
    ("ethnicity", "民族", False),
    ("division_code", "户籍地区划代码", True),
    ("household_type", "户口性质", True),
    ("address", "现住址", False),
    ("phone", "联系电话", False),
    ("marital_status", "婚姻状况", False),
    ("education_level", "文化程度", False),
    ("relation_to_head", "与户主关系", False),
    ("guardian_name", "监护人姓名", False),
    ("guardian_relation", "监护人关系", False),
    ("guardian_phone", "监护人电话", False),
    ("certificate_number", "残疾人证号", False),
    ("category", "残疾类别", False),
    ("level", "残疾等级", False),
    ("issue_date", "发证日期", False),
    ("reassess_date", "下次复评日期", False),
    ("components", "多重残疾组成", False),
    ("dibao", "低保", False),
    ("dibao_since", "低保起始日期", False),
    ("dibao_until", "低保终止日期", False),
    ("tekun", "特困", False),
    ("tekun_since", "特困起始日期", False),
    ("tekun_until", "特困终止日期", False),
    ("low_income", "低收入", False),
    ("low_income_since", "低收入起始日期", False),
    ("low_income_until", "低收入终止日期", False),
)
FIELDS = tuple(f for f, _h, _r in COLUMNS)
REQUIRED = tuple(f for f, _h, r in COLUMNS if r)
HEADER_OF = {f: h for f, h, _r in COLUMNS}
ALIASES = {
    "身份证号": "id_number", "身份证号码": "id_number", "证件号码": "id_number",
    "残疾证号": "certificate_number", "残疾人证号码": "certificate_number", "残疾证号码": "certificate_number",
    "区划代码": "division_code", "户籍地代码": "division_code", "户籍区划代码": "division_code",
    "电话": "phone", "手机": "phone", "手机号码": "phone", "联系电话号码": "phone",
    "住址": "address", "家庭住址": "address", "类别": "category", "等级": "level",
    "户口类型": "household_type", "户籍性质": "household_type",
}
# The Chinese values the template documents, mapped to stored codes here so a file reads the same
# whatever the translation catalogue holds (validation also accepts the codes and the labels).
TEMPLATE_VALUES: dict[str, dict[str, str]] = {
    "sex": {"男": "M", "女": "F", "男性": "M", "女性": "F"},
    "household_type": {"农业": "A", "非农业": "N", "农业户口": "A", "非农业户口": "N", "农村": "A", "城镇": "N"},
    "category": {"视力": "1", "听力": "2", "言语": "3", "肢体": "4", "智力": "5", "精神": "6", "多重": "7",
                 "视力残疾": "1", "听力残疾": "2", "言语残疾": "3", "肢体残疾": "4", "智力残疾": "5",
                 "精神残疾": "6", "多重残疾": "7"},
    "level": {"一级": "1", "二级": "2", "三级": "3", "四级": "4", "壹级": "1", "贰级": "2", "叁级": "3", "肆级": "4"},
    "marital_status": {"未婚": "10", "已婚": "20", "丧偶": "30", "离婚": "40"},
    "education_level": {"未上过学": "0", "文盲": "0", "小学": "1", "初中": "2", "高中": "3", "中专": "3",
                        "高中/中专": "3", "大专": "4", "本科": "5", "本科及以上": "5", "研究生": "5"},
}
# Cells that hold long digit strings: a float there has lost digits in Excel.
DIGIT_FIELDS = frozenset({"id_number", "certificate_number", "phone", "guardian_phone", "division_code"})


class ImportFileError(Exception):
    """The file as a whole cannot be read; ``line`` is set when one line is to blame."""

    def __init__(self, code: str, message: str, *, line: int | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.line = line


@dataclass
class Row:
    line: int
    values: dict[str, Any]
    problems: list[tuple[str, str, str]]  # (field, code, message) found while reading the cell


def _norm_header(text: Any) -> str:
    import unicodedata

    value = unicodedata.normalize("NFKC", str(text or "")).strip()
    value = value.replace(" ", "").replace("\t", "").lstrip("*").rstrip("*")
    # "姓名(必填)" / "姓名（必填）" → "姓名"
    for mark in ("(", "（"):
        if mark in value:
            value = value.split(mark, 1)[0]
    return value


def expected_headers_text() -> str:
    return "、".join(f"{h}{'*' if r else ''}" for _f, h, r in COLUMNS)


def map_headers(cells: list[Any], *, line: int) -> list[str | None]:
    """Field name per column (None for a blank header over an empty column); raises on bad headers."""
    by_header = {h: f for f, h, _r in COLUMNS} | ALIASES | {f: f for f in FIELDS}
    mapping: list[str | None] = []
    unknown, repeated, seen = [], [], set()
    for cell in cells:
        header = _norm_header(cell)
        if not header:
            mapping.append(None)
            continue
        field = by_header.get(header) or by_header.get(header.lower())
        if field is None:
            unknown.append(str(cell).strip())
            mapping.append(None)
        elif field in seen:
            repeated.append(str(cell).strip())
            mapping.append(None)
        else:
            seen.add(field)
            mapping.append(field)
    missing = [HEADER_OF[f] for f in REQUIRED if f not in seen]
    problems = []
    if unknown:
        problems.append(_("unknown columns: %(cols)s") % {"cols": "、".join(unknown)})
    if repeated:
        problems.append(_("repeated columns: %(cols)s") % {"cols": "、".join(repeated)})
    if missing:
        problems.append(_("missing required columns: %(cols)s") % {"cols": "、".join(missing)})
    if problems:
        raise ImportFileError(
            "columns",
            _("Line %(line)s (headers): %(problems)s. Expected headers (* = required): %(expected)s. "
              "Download the template to see them.")
            % {"line": line, "problems": "; ".join(problems), "expected": expected_headers_text()},
            line=line,
        )
    return mapping


def _cell_text(field: str, value: Any) -> tuple[Any, tuple[str, str, str] | None]:
    """A cell as the validation expects it, or a reading problem (digits lost in Excel)."""
    if value is None:
        return "", None
    if isinstance(value, bool):
        return ("1" if value else ""), None
    if isinstance(value, float):
        if field in DIGIT_FIELDS and abs(value) >= 1e15:
            return "", (field, "excel_number",
                        _("The cell is stored as a number and Excel has dropped its last digits; "
                          "format the column as text and type the value again."))
        if value.is_integer():
            return str(int(value)), None
        return repr(value), None
    if isinstance(value, int):
        return str(value), None
    if isinstance(value, datetime):
        return value.date(), None
    if isinstance(value, date):
        return value, None
    if isinstance(value, time):
        return "", None
    text = str(value).replace("\t", " ").strip()
    mapped = TEMPLATE_VALUES.get(field, {}).get(text.replace(" ", ""))
    return (mapped or text), None


def _rows_from_cells(cell_rows: Iterator[tuple[int, list[Any]]]) -> Iterator[Row]:
    mapping: list[str | None] | None = None
    mapped: list[tuple[int, str]] = []  # (column, field) of the headed columns
    unmapped: list[int] = []  # columns without a header: a value there is an error
    count = 0
    for line, cells in cell_rows:
        if not any(str(c).strip() for c in cells if c is not None):
            continue  # empty row: skipped, its number still counted
        if mapping is None:
            mapping = map_headers(cells, line=line)
            mapped = [(i, field) for i, field in enumerate(mapping) if field is not None]
            unmapped = [i for i, field in enumerate(mapping) if field is None]
            continue
        count += 1
        if count > MAX_ROWS:
            raise ImportFileError(
                "too_many_rows",
                _("Line %(line)s: a file may hold at most %(max)s data rows; split it into smaller files.")
                % {"line": line, "max": f"{MAX_ROWS:,}"},
                line=line,
            )
        values: dict[str, Any] = {}
        problems = []
        width = len(cells)
        for i, field in mapped:
            raw = cells[i] if i < width else None
            if raw == "" or raw is None:  # most cells of a wide sheet: skip the conversions
                values[field] = ""
                continue
            value, problem = _cell_text(field, raw)
            values[field] = value
            if problem:
                problems.append(problem)
        if (width > len(mapping) and any(c not in (None, "") and str(c).strip() for c in cells[len(mapping):])) or any(
            i < width and cells[i] not in (None, "") and str(cells[i]).strip() for i in unmapped
        ):
            problems.append(("", "extra_cells", _("The row has values in columns without a header.")))
        yield Row(line, values, problems)
    if mapping is None:
        raise ImportFileError("empty", _("The file is empty: no header row was found."))


# ---------------------------------------------------------------------------
# CSV


def detect_encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(head, final=False)  # a character cut at the end of the sample is not an error
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8"


def _binary(source: Path | BinaryIO) -> contextlib.AbstractContextManager[BinaryIO]:
    """The source as a binary file from its start: a path is opened, a file object is rewound and left open."""
    if isinstance(source, Path):
        return open(source, "rb")
    source.seek(0)
    return contextlib.nullcontext(source)


def _csv_cells(path: Path | BinaryIO) -> Iterator[tuple[int, list[Any]]]:
    with _binary(path) as raw:
        encoding = detect_encoding(raw.read(SNIFF_BYTES))
        raw.seek(0)
        physical = 0

        def lines() -> Iterator[str]:
            # Decode line by line (a newline byte never occurs inside a UTF-8 or GB18030 character), so a
            # bad byte is reported on its own line rather than somewhere in an 8 KiB block.
            nonlocal physical
            for number, data in enumerate(raw, start=1):
                physical = number
                try:
                    yield data.decode(encoding if number == 1 else encoding.replace("-sig", ""))
                except UnicodeDecodeError as exc:
                    raise ImportFileError(
                        "encoding",
                        _("Line %(line)s: the text is not valid %(enc)s. Save the whole file as UTF-8 or GB18030 "
                          "(GBK) and upload it again.")
                        % {"line": number, "enc": "UTF-8" if encoding.startswith("utf") else "GB18030"},
                        line=number,
                    ) from exc

        reader = csv.reader(lines())
        try:
            for cells in reader:
                yield physical, cells
        except csv.Error as exc:
            raise ImportFileError("csv", _("Line %(line)s: %(error)s") % {"line": physical, "error": exc},
                                  line=physical) from exc


# ---------------------------------------------------------------------------
# XLSX


WORKER = Path(__file__).with_name("xlsx_worker.py")


class _WorkerUnpickler(pickle.Unpickler):
    """Unpickles the worker's messages: built-in types and the date/time cell values, nothing else."""

    ALLOWED = frozenset({("datetime", "date"), ("datetime", "datetime"), ("datetime", "time"),
                         ("datetime", "timedelta")})

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in self.ALLOWED:
            raise pickle.UnpicklingError(f"unexpected {module}.{name} from the XLSX worker")
        return super().find_class(module, name)


class _XlsxWorker:
    """The calamine child process of one XLSX file (``xlsx_worker``), read once per ``cells()`` call.

    The plain bytes go to the child through its stdin (never to disk) and the sheet is parsed once, in the
    child, for all the readings; it is freed when the child exits on ``close()``.
    """

    def __init__(self, data: bytes | memoryview):
        # -I: no user site, no PYTHONPATH, no script directory on the path: only the stdlib and calamine load.
        self.proc = subprocess.Popen(  # noqa: S603 - fixed argv: this interpreter, our worker script, a number
            [sys.executable, "-I", str(WORKER), str(MAX_ROWS)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=1 << 16,
        )
        self.busy = False
        try:
            self.proc.stdin.write(len(data).to_bytes(8, "big"))
            self.proc.stdin.write(data)
            self.proc.stdin.flush()
        except BrokenPipeError:
            pass  # the child died early; the first reading reports its exit status

    def cells(self) -> Iterator[tuple[int, list[Any]]]:
        if self.busy:  # an earlier reading stopped half-way: its rows would come first
            raise RuntimeError("the XLSX reader process is still sending an unfinished reading")
        self.busy = True
        try:
            self.proc.stdin.write(b"R")
            self.proc.stdin.flush()
        except BrokenPipeError:
            pass
        while True:
            try:
                # One unpickler per message: the child pickles each message on its own, with a memo of its own.
                message = _WorkerUnpickler(self.proc.stdout).load()
            except EOFError:
                self.close()
                raise RuntimeError(
                    f"the XLSX reader process ended without finishing (exit status {self.proc.returncode})") from None
            kind = message[0]
            if kind == "rows":
                yield from message[1]
            elif kind == "end":
                self.busy = False
                return
            elif kind == "error" and message[1] == "too_many_rows":
                self.busy = False
                line = int(message[2])
                raise ImportFileError(
                    "too_many_rows",
                    _("Line %(line)s: a file may hold at most %(max)s data rows; split it into smaller files.")
                    % {"line": line, "max": f"{MAX_ROWS:,}"},
                    line=line,
                )
            else:
                self.busy = False
                raise ImportFileError(
                    "xlsx", _("The file could not be read as an XLSX workbook: %(error)s") % {"error": message[2]})

    def close(self) -> None:
        """End the child: closing stdin lets it exit; one stopped half-way through a reading is killed."""
        if self.proc.returncode is not None:
            return
        with contextlib.suppress(BrokenPipeError):
            self.proc.stdin.close()
        if self.busy:
            self.proc.kill()
        self.proc.stdout.close()
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class PersonFile:
    """A person file opened for one or more readings of its rows (the import validates, then writes).

    An XLSX file is handed to its calamine child process (``xlsx_worker``) on the first reading and the
    file object is closed then, so the importing process holds neither the plain bytes nor the parsed
    sheet; a CSV file is read again from the start for each reading. Use it as a context manager (or
    call ``close``) so the child process ends.
    """

    def __init__(self, source: str | Path | BinaryIO, *, file_name: str = ""):
        self.source = Path(source) if isinstance(source, str) else source
        name = (file_name or (self.source.name if isinstance(self.source, Path) else "")).lower()
        with _binary(self.source) as fh:
            magic = fh.read(4)
        self.xlsx = magic.startswith(b"PK")
        self.misnamed = not self.xlsx and name.endswith((".xlsx", ".xlsm", ".xls"))
        self._worker: _XlsxWorker | None = None

    def rows(self) -> Iterator[Row]:
        """Data rows from the start of the file. Raises ``ImportFileError`` for a file-level problem."""
        if self.misnamed:
            raise ImportFileError("xlsx", _("The file is named like a workbook but is not an XLSX file."))
        if not self.xlsx:
            return _rows_from_cells(_csv_cells(self.source))
        if self._worker is None:
            with _binary(self.source) as fh:
                data = fh.getbuffer() if isinstance(fh, io.BytesIO) else fh.read()
                self._worker = _XlsxWorker(data)
                del data
            if not isinstance(self.source, Path):
                self.source.close()  # the child has its own copy of the bytes
        return _rows_from_cells(self._worker.cells())

    def close(self) -> None:
        if self._worker is not None:
            self._worker.close()

    def __enter__(self) -> PersonFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def read_rows(path: str | Path | BinaryIO, *, file_name: str = "") -> Iterator[Row]:
    """Data rows of a person file read once (a path, or a binary file object such as an opened sealed upload).

    A file object holding a workbook is closed once its bytes are handed to the XLSX worker process.

    Raises ``ImportFileError`` for a file-level problem.
    """
    with PersonFile(path, file_name=file_name) as person_file:
        yield from person_file.rows()
