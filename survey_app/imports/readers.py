"""Read a CSV or XLSX file into a header and rows of text cells.

CSV files arrive from many spreadsheets: UTF-8 with or without a byte-order mark, Windows-1252 or
Latin-1. The encoding is detected (or given) and a file that would only decode by inventing
replacement characters is refused, naming the row of the first bad byte, so that no record is
stored with damaged text.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from analysis.errors import KindError

ENCODINGS = {
    "utf-8": "utf-8",
    "utf8": "utf-8",
    "utf-8-sig": "utf-8",
    "cp1252": "cp1252",
    "windows-1252": "cp1252",
    "latin-1": "latin-1",
    "latin1": "latin-1",
    "iso-8859-1": "latin-1",
    "utf-16": "utf-16",
    "utf16": "utf-16",
}
#: Limits checked before a workbook is parsed: an XLSX is a zip, and a small file can hold a huge
#: sheet (138 MB of XML in 469 KB) that would take minutes and gigabytes to read.
MAX_UNCOMPRESSED_MB = 200
MAX_ROWS = 200_000
_SPACES = re.compile(r"\s+")


class ReadError(KindError):
    """A file that cannot be read as a table, with a reason a person can act on: ``kind`` says
    what is wrong and ``details`` the particulars; ``str()`` is the English the command line
    prints (naming its options), and a page words each kind in its own language."""

    MESSAGES = {
        "unknown_encoding": "unknown encoding {encoding!r}; use one of utf-8, utf-16, cp1252, latin-1",
        "damaged": "row {row} already holds a replacement character (\N{REPLACEMENT CHARACTER}): the file was "
                   "damaged by an earlier conversion near byte {offset}; export it again from the original",
        "undecodable": "row {row}: byte 0x{byte:02X} cannot be read as {tried}; the file would only decode with "
                       "replacement characters. Save it as UTF-8, or give the right one with --encoding (utf-8, "
                       "cp1252, latin-1)",
        "bad_csv_row": "row {row}: not a well-formed CSV row ({reason})",
        "not_zip": "not a readable XLSX workbook (it is not a zip file)",
        "too_big": "the workbook unpacks to {unpacked_mb:,.0f} MB, more than the {max_mb} MB allowed "
                   "(EXITVOICE_IMPORT_MAX_UNCOMPRESSED_MB); save the sheet as CSV, or split it",
        "not_workbook": "not a readable XLSX workbook ({reason})",
        "no_sheet": "there is no sheet {sheet!r}; the workbook has: {sheets}",
        "too_many_rows": "the sheet has more than {max_rows:,} rows (EXITVOICE_IMPORT_MAX_ROWS); split it",
        "encoding_for_csv": "--encoding applies to CSV files only",
        "sheet_for_xlsx": "--sheet applies to XLSX files only",
        "unknown_type": "cannot read {suffix}: give a .csv or .xlsx file",
    }


@dataclass
class Table:
    """Cells as text. ``rows`` holds (spreadsheet row number, cells) for every row of the file."""

    rows: list[tuple[int, list[str]]]
    encoding: str | None = None  # None for XLSX
    sheet: str | None = None


def normalise_header(name: str) -> str:
    """A header name as matched: NFKC (non-breaking spaces become spaces), white space folded, casefolded."""
    name = unicodedata.normalize("NFKC", name).replace("\ufeff", "")
    return _SPACES.sub(" ", name).strip().casefold()


_ODD_SPACE = re.compile(r"[^\S ]|  ")


def normalise_cell(value: str) -> str:
    """A cell as compared with mapping values: white space folded and trimmed (case kept)."""
    if _ODD_SPACE.search(value):  # most cells need only trimming; skip the slower fold for them
        return _SPACES.sub(" ", value).strip()
    return value.strip()


def _row_of_offset(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def decode_csv_bytes(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """Decode a CSV file's bytes; return (text, encoding used) or raise ReadError.

    Without ``encoding``: UTF-8 (a BOM is dropped) if the bytes are valid UTF-8, else Windows-1252,
    which reads every Latin-1 letter the same way. Bytes neither can read are refused.
    """
    if encoding is not None:
        name = ENCODINGS.get(encoding.lower().replace("_", "-"))
        if name is None:
            raise ReadError("unknown_encoding", encoding=encoding)
        candidates = [name]
    elif _looks_utf16(data):
        # Excel's "Unicode text" and some HR systems write UTF-16, which cp1252 would misread as
        # letters and NULs; it is recognised by its byte-order mark or its zero bytes.
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8", "cp1252"]
    last_error: UnicodeDecodeError | None = None
    for name in candidates:
        try:
            text = data.decode("utf-8-sig" if name == "utf-8" else _utf16_codec(data) if name == "utf-16" else name)
        except UnicodeDecodeError as exc:
            last_error = exc  # the last candidate's complaint names a byte none of them could read
            continue
        if "\ufffd" in text:
            offset = len(text[: text.index("\ufffd")].encode("utf-8"))
            row = text.count("\n", 0, text.index("\ufffd")) + 1
            raise ReadError("damaged", row=row, offset=offset)
        return text, name
    assert last_error is not None
    bad = data[last_error.start]
    row = _row_of_offset(data, last_error.start)
    tried = " or ".join(candidates)
    raise ReadError("undecodable", row=row, byte=bad, tried=tried, encodings=candidates)


def _looks_utf16(data: bytes) -> bool:
    """A byte-order mark of UTF-16, or (without one) text whose every other byte is zero."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return True
    sample = data[:4096]
    return len(sample) >= 8 and (sample[1::2].count(0) > 0.9 * len(sample[1::2])
                                 or sample[0::2].count(0) > 0.9 * len(sample[0::2]))


def _utf16_codec(data: bytes) -> str:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "utf-16"  # the mark says which way round
    return "utf-16-le" if data[1:2] == b"\x00" else "utf-16-be"


def read_csv(path: Path, encoding: str | None = None) -> Table:
    """Read every row of a CSV file as text cells, numbered as a spreadsheet shows them."""
    text, used = decode_csv_bytes(path.read_bytes(), encoding)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        rows = [(number, cells) for number, cells in enumerate(reader, start=1)]
    except csv.Error as exc:
        raise ReadError("bad_csv_row", row=reader.line_num, reason=str(exc)) from None
    return Table(rows=rows, encoding=used)


def _xlsx_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def check_workbook_size(path: Path, max_mb: int = MAX_UNCOMPRESSED_MB) -> None:
    """Refuse, before parsing, a workbook whose contents unpacked exceed ``max_mb`` megabytes."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        raise ReadError("not_zip") from None
    if unpacked > max_mb * 1024 * 1024:
        raise ReadError("too_big", unpacked_mb=unpacked / 1024 / 1024, max_mb=max_mb)


def read_xlsx(path: Path, sheet: str | None = None, max_mb: int = MAX_UNCOMPRESSED_MB,
              max_rows: int = MAX_ROWS) -> Table:
    """Read one sheet of a workbook (the first unless named) as text cells; dates become ISO text.

    Workbooks bigger than ``max_mb`` unpacked, or with more than ``max_rows`` rows, are refused
    before (or as soon as) the limit is seen, never after reading them whole."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    check_workbook_size(path, max_mb)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise ReadError("not_workbook", reason=exc.__class__.__name__) from None
    try:
        if sheet is None:
            worksheet = workbook.worksheets[0]
        elif sheet in workbook.sheetnames:
            worksheet = workbook[sheet]
        else:
            raise ReadError("no_sheet", sheet=sheet, sheets=", ".join(workbook.sheetnames))
        rows = []
        for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
            if number > max_rows:
                raise ReadError("too_many_rows", max_rows=max_rows)
            rows.append((number, [_xlsx_cell(v) for v in values]))
        return Table(rows=rows, sheet=worksheet.title)
    finally:
        workbook.close()


def read_table(path: Path, encoding: str | None = None, sheet: str | None = None,
               max_mb: int = MAX_UNCOMPRESSED_MB, max_rows: int = MAX_ROWS) -> Table:
    """Read a CSV or XLSX file, chosen by its extension."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        if encoding:
            raise ReadError("encoding_for_csv")
        return read_xlsx(path, sheet, max_mb, max_rows)
    if suffix in (".csv", ".txt"):
        if sheet:
            raise ReadError("sheet_for_xlsx")
        return read_csv(path, encoding)
    raise ReadError("unknown_type", suffix=path.suffix or "a file without an extension")
