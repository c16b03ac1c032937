"""``tarjama merge``: a formatted document's XLIFF, translated in a CAT tool, back into the document, as a file.

The rebuilding is :func:`translate.formatted.xliff.merge_xliff` (bytes in,
bytes out); here are the files around it: the XLIFF read within the XML size
limit, the original read when the user names it, the output's name, and the
rules every output of tarjama keeps (written whole or not at all, never over
an input, never over a file tarjama did not write unless told to).
"""

from __future__ import annotations

from pathlib import Path, PurePath

from translate.errors import TarjamaError, shown
from translate.formatted.xliff import MergeResult, merge_xliff
from translate.settings import Overwrite
from translate.textio import read_bytes, refuse_overwriting_inputs, write_atomic
from translate.xmlread import check_prolog

MAX_NAMED_SEGMENTS = 5
"""Untranslated segments named one by one in the report; past this, a count."""


def merge_file(
    xliff: str | Path, output: str | Path | None = None, original: str | Path | None = None, overwrite: Overwrite = Overwrite.OURS
) -> tuple[MergeResult, Path]:
    """``tarjama merge``: the rebuilt document written to ``output`` (default ``NAME.en.SUFFIX`` beside the XLIFF).

    Everything is checked and rebuilt before anything is written; the output
    never replaces the XLIFF or the original, nor (unless ``overwrite``) a file
    tarjama did not write.
    """
    xliff = Path(xliff)
    try:
        size = xliff.stat().st_size
    except OSError:
        size = 0  # read_bytes names what is wrong
    check_prolog(b"", str(xliff), size)  # an over-large file is refused before it is read
    data = read_bytes(xliff, "an XLIFF file")
    if not data.strip():
        raise TarjamaError(f"{shown(xliff)}: the file is empty")
    original_bytes = None
    if original is not None:
        original_bytes = read_bytes(original, "the original document")
    result = merge_xliff(data, str(xliff), original_bytes, str(original) if original is not None else "")
    if output is None:
        stem = PurePath(result.original_name).stem or "document"
        target = xliff.parent / f"{stem}.en{result.suffix}"
    else:
        target = Path(output)
    if target.is_dir():
        raise TarjamaError(f"{shown(target)}: is a folder; -o names the rebuilt document's file")
    refuse_overwriting_inputs([target], [xliff, *([original] if original is not None else [])])
    write_atomic(target, result.document, overwrite)
    return result, target


def merge_report(result: MergeResult) -> list[str]:
    """The warnings a merge gives: segments that kept their source, targets whose codes were repaired."""
    lines = [f"{entry}: inline codes repaired: {problems}" for entry, _, problems in (r.partition(": ") for r in result.repaired)]
    if result.untranslated:
        named = ", ".join(result.untranslated[:MAX_NAMED_SEGMENTS])
        more = f" and {len(result.untranslated) - MAX_NAMED_SEGMENTS} more" if len(result.untranslated) > MAX_NAMED_SEGMENTS else ""
        count = len(result.untranslated)
        lines.append(f"{count} segment{'s' if count > 1 else ''} without a target kept {'their' if count > 1 else 'its'} Arabic source: {named}{more}")
    return lines
