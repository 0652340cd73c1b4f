"""Child process that parses an XLSX upload and streams its rows to the importing process.

Run as a script by path (``python -I xlsx_worker.py MAX_ROWS``), so only the standard library and
python-calamine are loaded, never Django or the ``dsip`` package. The parent writes the plain file
bytes to stdin and closes it; this process parses the first sheet and writes pickled messages to
stdout:

* ``("rows", [(line, cells), ...])`` — up to ``CHUNK`` rows, merged cells filled in, ``line`` the
  row number Excel shows (empty rows are sent too, so the parent counts them);
* ``("error", code, detail)`` — the file cannot be read (``"xlsx"``: calamine's message;
  ``"too_many_rows"``: the line that breaks the limit, as text);
* ``("end", peak_rss_kib)`` — the last message.

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


def serve(data: bytes, out: BinaryIO, max_rows: int) -> None:
    """Parse ``data`` and write the messages described above to ``out``."""
    from python_calamine import CalamineWorkbook

    def send(message: tuple[Any, ...]) -> None:
        pickle.dump(message, out, protocol=pickle.HIGHEST_PROTOCOL)

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        del data  # calamine holds its own copy; free ours before the sheet is parsed
        sheet = workbook.get_sheet_by_index(0)
        del workbook
    except BaseException as exc:  # noqa: BLE001 - calamine raises its own errors and Rust panics (BaseException)
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        send(("error", "xlsx", str(exc) or type(exc).__name__))
        return
    if too_many_rows(sheet, max_rows):
        send(("error", "too_many_rows", str(max_rows + 2)))
        return
    chunk: list[tuple[int, list[Any]]] = []
    for item in sheet_cells(sheet):
        chunk.append(item)
        if len(chunk) >= CHUNK:
            send(("rows", chunk))
            chunk = []
    if chunk:
        send(("rows", chunk))
    del sheet
    send(("end", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))


def main() -> None:
    max_rows = int(sys.argv[1])
    data = sys.stdin.buffer.read()
    out = sys.stdout.buffer
    try:
        serve(data, out, max_rows)
        out.flush()
    except BrokenPipeError:  # the parent stopped reading (an error in its rows); nothing left to do
        sys.stderr.close()


if __name__ == "__main__":
    main()
