"""Child process that parses an XLSX upload and streams its rows to the importing process.

Run as a script by path (``python -I xlsx_worker.py MAX_ROWS``), so only the standard library and
python-calamine are loaded, never Django or the ``dsip`` package. The parent writes the size of the
plain file (8 bytes, big-endian) and the bytes to stdin; this process parses the first sheet once.
Then each ``R`` byte on stdin asks for one reading of the sheet (the import reads it twice: the
validation pass and the write pass), answered on stdout with pickled messages:

* ``("rows", [(line, cells), ...])`` — up to ``CHUNK`` rows, merged cells filled in, ``line`` the
  row number Excel shows (empty rows are sent too, so the parent counts them);
* ``("error", code, detail)`` — the file cannot be read (``"xlsx"``: calamine's message;
  ``"too_many_rows"``: the line that breaks the limit, as text);
* ``("end", peak_rss_kib)`` — the last message of a reading.

The process exits when stdin is closed (the parent is done, or has died).

Why a child: calamine holds the whole parsed sheet (~125 MB for 100,000 rows × 30 columns, more
while parsing). In a separate process that memory is returned to the system when the child exits,
the parent's peak stays at Django plus one chunk, and parsing runs on the second core while the
parent validates. The plain bytes only pass through a pipe; nothing is written to disk.
"""

from __future__ import annotations

import io
import pickle
import resource
import sys
from collections.abc import Iterator
from typing import Any, BinaryIO

CHUNK = 1000


def sheet_cells(sheet: Any) -> Iterator[tuple[int, list[Any]]]:
    """(Excel row number, cells from column A) of a calamine sheet; merged cells show the top-left value."""
    start_row, start_col = sheet.start or (0, 0)
    # Merged ranges, absolute (row, col): every covered cell shows the top-left value.
    merged: dict[int, list[tuple[int, int, int, int]]] = {}
    for (r0, c0), (r1, c1) in sheet.merged_cell_ranges or []:
        for r in range(r0, r1 + 1):
            merged.setdefault(r, []).append((r0, c0, c1, r))
    top_left: dict[tuple[int, int], Any] = {}
    for offset, cells in enumerate(sheet.iter_rows()):
        absolute = start_row + offset
        cells = list(cells)
        if start_col:
            cells = [""] * start_col + cells
        for r0, c0, c1, r in merged.get(absolute, ()):
            if r == r0:
                top_left[(r0, c0)] = cells[c0] if c0 < len(cells) else ""
            value = top_left.get((r0, c0), "")
            for c in range(c0, c1 + 1):
                while len(cells) <= c:
                    cells.append("")
                cells[c] = value
        yield absolute + 1, cells


def too_many_rows(sheet: Any, max_rows: int) -> bool:
    # Header row plus max_rows data rows; calamine's height starts at the first used row.
    return sheet.total_height - 1 > max_rows + 1 and sheet.height > max_rows + 1


def _send(out: BinaryIO, message: tuple[Any, ...]) -> None:
    pickle.dump(message, out, protocol=pickle.HIGHEST_PROTOCOL)


def parse(data: bytes, max_rows: int) -> tuple[Any, tuple[str, str, str] | None]:
    """The first sheet of the workbook in ``data``, or the error message to send for every reading."""
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = workbook.get_sheet_by_index(0)
        del workbook  # and its copy of the file: the sheet is the big part
    except BaseException as exc:  # noqa: BLE001 - calamine raises its own errors and Rust panics (BaseException)
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        return None, ("error", "xlsx", str(exc) or type(exc).__name__)
    if too_many_rows(sheet, max_rows):
        return None, ("error", "too_many_rows", str(max_rows + 2))
    return sheet, None


def serve(sheet: Any, out: BinaryIO) -> None:
    """One reading: the rows of ``sheet`` in chunks, then the end message."""
    chunk: list[tuple[int, list[Any]]] = []
    for item in sheet_cells(sheet):
        chunk.append(item)
        if len(chunk) >= CHUNK:
            _send(out, ("rows", chunk))
            chunk = []
    if chunk:
        _send(out, ("rows", chunk))
    _send(out, ("end", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))
    out.flush()


def main() -> None:
    max_rows = int(sys.argv[1])
    stdin, out = sys.stdin.buffer, sys.stdout.buffer
    size = int.from_bytes(stdin.read(8), "big")
    sheet, error = parse(stdin.read(size), max_rows)  # the bytes are freed once calamine has parsed them
    try:
        while stdin.read(1) == b"R":
            if error:
                _send(out, error)
                out.flush()
            else:
                serve(sheet, out)
    except BrokenPipeError:  # the parent stopped reading (it failed on a row); nothing left to do
        sys.stderr.close()


if __name__ == "__main__":
    main()
