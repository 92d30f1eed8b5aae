"""CSV bytes to rows of text cells: size limit, encoding, file-type sniffing, separator, header.

`read_bytes` enforces the upload limit and refuses files that are not text (Excel, zip,
binary, HTML) with a sentence saying what the file looks like; `decode` handles UTF-8
(with or without BOM), UTF-16 and Latin-1; `split_rows` finds the separator and whether
the first row is a header. The numeric and date parsing lives in csvread.py.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import IO

from lstm_core.errors import LabError

Source = str | Path | bytes | bytearray | IO[bytes] | IO[str]

SEPARATORS = (",", ";", "\t", "|")
DOT_NUMBER = re.compile(r"[+-]?(?=\.?\d)(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d*)?(?:[eE][+-]?\d+)?")
COMMA_NUMBER = re.compile(r"[+-]?(?=,?\d)(?:\d{1,3}(?:[. \u00a0\u202f]\d{3})+|\d+)?(?:,\d*)?(?:[eE][+-]?\d+)?")
MISSING = frozenset(
    {"", "na", "n/a", "nan", "null", "none", "-", "--", ".", "?", "nat", "missing", "#n/a", "#na"}
    | {"#value!", "#div/0!", "#ref!", "#num!", "#name?", "#null!"}
)  # lower-cased cells that mean "no value"
DATE_LIKE = re.compile(r"\d{4}[-/.]\d{1,2}([-/.]\d{1,2})?|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}")


def read_bytes(source: Source, *, max_bytes: int | None) -> tuple[bytes, str]:
    if isinstance(source, (bytes, bytearray)):
        raw, label = bytes(source), "upload"
    elif isinstance(source, (str, Path)):
        path = Path(source).expanduser()
        if not path.is_file():
            raise LabError(f"No file at {str(path)!r}; check the path (or use sample:NAME or yahoo:TICKER).")
        size = path.stat().st_size
        if max_bytes is not None and size > max_bytes:
            raise LabError(
                f"The file is {human_size(size)}, over the {human_size(max_bytes)} limit; upload a smaller file."
            )
        raw, label = path.read_bytes(), str(path)
    elif hasattr(source, "read"):
        data = source.read() if max_bytes is None else source.read(max_bytes + 1)
        raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
        label = str(getattr(source, "name", "upload"))
    else:
        raise LabError(f"Cannot read data from a {type(source).__name__}; pass a path, bytes or an open file.")
    if max_bytes is not None and len(raw) > max_bytes:
        size = getattr(source, "size", None) or len(raw)
        shown = human_size(size) if isinstance(size, int) else f"more than {human_size(max_bytes)}"
        raise LabError(f"The file is {shown}, over the {human_size(max_bytes)} limit; upload a smaller file.")
    return raw, label


def head(raw: bytes, limit: int) -> bytes:
    """The first whole lines of `raw` within `limit` bytes (all of it if shorter; UTF-16 stays whole characters)."""
    if len(raw) <= limit:
        return raw
    cut = raw.rfind(b"\n", 0, limit)
    if cut <= 0:
        return raw[:limit]
    keep = cut + 1
    if keep % 2 and raw[keep : keep + 1] == b"\x00":  # "\n" in UTF-16 little-endian is 0A 00
        keep += 1
    return raw[:keep]


def human_size(n: int) -> str:
    if n < 1024:
        return f"{n} bytes"
    if n < 1024**2:
        return f"{n / 1024:.1f} KB"
    return f"{n / 1024**2:.1f} MB"


def decode(raw: bytes, notes: list[str]) -> str:
    if not raw.strip():
        raise LabError("The file is empty; choose a CSV file with a header row and at least 10 rows of data.")
    if raw[:4] == b"PK\x03\x04" or raw[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise LabError("This looks like an Excel/zip file, not CSV text; open it and save it as CSV.")
    if raw[:2] == b"\x1f\x8b" or raw[:4] == b"%PDF":
        raise LabError("This looks like a compressed or PDF file, not CSV text; save the data as CSV.")
    if raw[:3] == b"\xef\xbb\xbf":
        text = raw[3:].decode("utf-8", errors="replace")
    elif raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = raw.decode("utf-16", errors="replace")
        notes.append("The file is UTF-16 text; it was decoded as such.")
    else:
        head = raw[:8192]
        if head.count(0) > len(head) * 0.3 and (head[1::2].count(0) > len(head) * 0.4 or head[::2].count(0)):
            encoding = "utf-16-le" if head[1::2].count(0) > head[::2].count(0) else "utf-16-be"
            text = raw.decode(encoding, errors="replace")
        else:
            controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
            if controls > max(2, len(head) // 50):
                raise LabError("This looks like a binary file, not CSV text; save the data as CSV and try again.")
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                text = raw.decode("cp1252", errors="strict") if _is_cp1252(raw) else raw.decode("latin-1")
                notes.append("The file is not UTF-8; it was read as Latin-1 (Windows-1252).")
    text = text.lstrip("\ufeff")
    if re.match(r"\s*<(!doctype\s+html|html|head|body|\?xml)", text[:1024], re.IGNORECASE):
        raise LabError("This looks like a web page (HTML), not CSV data; download the raw CSV file instead.")
    return text


def _is_cp1252(raw: bytes) -> bool:
    try:
        raw.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


def split_rows(text: str, notes: list[str]) -> tuple[list[str], list[list[str]], bool, str, list[int]]:
    """Split text into (names, data rows, had_header, separator, row numbers); rows are padded to the header's width.

    A row number is the row's place in the file as a spreadsheet numbers it (the header is row 1).
    """
    sep = None
    first_line = text.lstrip().split("\n", 1)[0].strip()
    if re.fullmatch(r"sep=.", first_line):  # Excel's own hint line
        sep, text = first_line[4], text.lstrip().split("\n", 1)[-1]
    sep = sep or _sniff_separator(text)
    csv.field_size_limit(10_000_000)
    try:
        records = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
        numbered = [(number, [cell.strip() for cell in row]) for number, row in enumerate(records, start=1)]
    except csv.Error as error:
        raise LabError(f"The file is not valid CSV ({error}); save it again as CSV from your spreadsheet.") from error
    numbered = [(k, row) for k, row in numbered if any(row) and not (len(row) == 1 and row[0].startswith("#"))]
    if not numbered:
        raise LabError("The file is empty; choose a CSV file with a header row and at least 10 rows of data.")
    had_header = not _looks_like_data(numbered[0][1])
    if had_header:
        header, body = numbered[0][1], numbered[1:]
    else:
        header, body = [], numbered
    footer = _footer_lines([row for _, row in body]) if had_header and len(header) > 1 else 0
    if footer:
        notes.append(f"Skipped {footer} line(s) of text at the end of the file (a footer): {body[-footer][1][0]!r}.")
        body = body[:-footer]
    width = len(header) if had_header else max(len(row) for _, row in body)
    fixed: list[list[str]] = []
    numbers: list[int] = []
    long_rows: list[int] = []
    short = 0
    for number, row in body:
        if len(row) > width:
            if any(row[width:]):
                long_rows.append(number)
                continue
            row = row[:width]
        elif len(row) < width:
            short += 1
            row = row + [""] * (width - len(row))
        fixed.append(row)
        numbers.append(number)
    if long_rows:
        if len(long_rows) > max(1, len(body) // 10):
            raise LabError(
                f"{len(long_rows)} of {len(body)} rows have more fields than the header ({width}), first at line "
                f"{long_rows[0]}; check the separator or fix those rows."
            )
        notes.append(f"Skipped {len(long_rows)} row(s) with more fields than the header (line {long_rows[0]}).")
    if short:
        notes.append(f"{short} row(s) had fewer fields than the header; their missing cells count as empty.")
    names = _clean_names(header, width)
    return names, fixed, had_header, sep, numbers


def _footer_lines(rows: list[list[str]]) -> int:
    """How many rows at the end are a footer: one field of words (a title or source line), at most 3."""
    count = 0
    for row in reversed(rows[-3:]):
        if len(row) != 1 or not re.search(r"[A-Za-z]{3,}\s+[A-Za-z]{2,}", row[0]):  # not a label such as "3-12"
            break
        count += 1
    return count if count < len(rows) else 0


def _sniff_separator(text: str) -> str:
    sample = text[:65536]
    best, best_score = ",", (False, 0.0, 0)
    for order, sep in enumerate(SEPARATORS):
        try:
            reader = csv.reader(io.StringIO(sample, newline=""), delimiter=sep)
            counts = [len(row) for _, row in zip(range(30), reader, strict=False) if any(cell.strip() for cell in row)]
        except csv.Error:
            continue
        if not counts:
            continue
        mode = max(set(counts), key=counts.count)
        score = (mode > 1, counts.count(mode) / len(counts), -order)
        if score > best_score:
            best, best_score = sep, score
    return best


def _looks_like_data(row: list[str]) -> bool:
    cells = [c for c in row if c]
    numeric = [c for c in cells if DOT_NUMBER.fullmatch(c) or COMMA_NUMBER.fullmatch(c)]
    dates = [c for c in cells if DATE_LIKE.match(c)]
    return bool(numeric or dates) and len(numeric) + len(dates) == len(cells)


def _clean_names(header: list[str], width: int) -> list[str]:
    if not header:
        return ["value"] if width == 1 else [f"column_{i + 1}" for i in range(width)]
    names: list[str] = []
    for i, cell in enumerate(header):
        base = cell.strip().strip('"').strip() or f"column_{i + 1}"
        candidate, k = base, 2
        while candidate in names:
            candidate, k = f"{base}_{k}", k + 1
        names.append(candidate)
    return names
