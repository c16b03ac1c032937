"""The termbase files: tarjama's TSV, CSV with or without a header, and TBX (by content, see :mod:`.tbx`)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from translate.errors import TarjamaError
from translate.terminology.entry import DNT_MARKS, Term
from translate.terminology.tbx import parse_tbx
from translate.terminology.termbase import Glossary, _checked
from translate.textio import decode, read_bytes


def parse_glossary(text: str, name: str = "") -> Glossary:
    """tarjama's TSV: ``arabic<TAB>english[<TAB>dnt]`` per line, ``#`` comments."""
    terms = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        columns = [c.strip() for c in line.split("\t")]
        if len(columns) < 2 or not columns[0] or not columns[1]:
            raise TarjamaError(f"{name or 'glossary'}:{number}: expected 'arabic<TAB>english[<TAB>dnt]'")
        terms.append(_term(columns, number, name or "glossary"))
    return _checked(terms, name)


def parse_csv(text: str, name: str = "") -> Glossary:
    """CSV: a header naming the ``ar`` and ``en`` columns (and optionally ``dnt``), or two or three columns without one."""
    label = name or "termbase.csv"
    try:
        rows = list(csv.reader(io.StringIO(text), strict=True))
    except csv.Error as exc:
        raise TarjamaError(f"{label}: not a readable CSV file ({exc})") from None
    numbered = [(n, [c.strip() for c in row]) for n, row in enumerate(rows, start=1) if any(c.strip() for c in row)]
    if not numbered:
        raise TarjamaError(f"{label}: no terms found")
    columns = _csv_columns(numbered[0][1])
    if columns is not None:
        numbered = numbered[1:]
    else:
        columns = (0, 1, 2)
    terms = []
    for number, row in numbered:
        picked = [row[i] if i is not None and i < len(row) else "" for i in columns]
        if not picked[0] or not picked[1]:
            raise TarjamaError(f"{label}:{number}: expected an Arabic and an English term")
        terms.append(_term(picked, number, label))
    return _checked(terms, name)


def _csv_columns(header: list[str]) -> tuple[int, int, int | None] | None:
    """The columns of Arabic, English and the do-not-translate mark, when the first row is a header naming them."""
    names = [h.lower().lstrip("\ufeff") for h in header]
    arabic = next((i for i, h in enumerate(names) if h in ("ar", "ara", "arabic") or h.startswith("ar-") or h.startswith("ar_")), None)
    english = next((i for i, h in enumerate(names) if h in ("en", "eng", "english") or h.startswith("en-") or h.startswith("en_")), None)
    if arabic is None or english is None:
        return None
    dnt = next((i for i, h in enumerate(names) if h.replace(" ", "").replace("-", "") in ("dnt", "donottranslate", "translatable")), None)
    return arabic, english, dnt


def _term(columns: list[str], number: int, label: str) -> Term:
    mark = columns[2].strip().lower() if len(columns) > 2 else ""
    if mark and mark not in DNT_MARKS:
        raise TarjamaError(f"{label}:{number}: unknown third column {columns[2]!r} (use dnt to mark do-not-translate)")
    return Term(columns[0], columns[1], bool(mark), number)


def load_glossary(path: str) -> Glossary:
    """A termbase file, by its content: TBX (XML), CSV (``.csv``) or TSV; one line of error for a damaged one."""
    data = read_bytes(path, "a termbase (TBX, CSV or TSV)")
    name = Path(path).name
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<") or path.lower().endswith((".tbx", ".xml")):
        return parse_tbx(data, name)
    text = decode(data, path)
    if path.lower().endswith(".csv"):
        return parse_csv(text, name)
    return parse_glossary(text, name)


