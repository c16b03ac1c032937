"""Reading our own earlier machine translation back, for the MT bridge of ``tarjama align --mt``.

Post-editing workflow: ``tarjama translate article.ar.txt`` writes
``article.tmx`` (Arabic segment + its MT) and ``article.en.txt`` (the draft);
a translator reworks the draft; ``tarjama align article.ar.txt final.en.txt
--mt article.tmx`` then aligns the Arabic with the translator's English, using
the MT as a bridge.  The TMX is the exact record (each Arabic segment with its
own MT); the draft ``.en.txt`` works too when its paragraphs still hold one
sentence per Arabic segment.
"""

from __future__ import annotations

from collections import defaultdict, deque

from translate.errors import TarjamaError
from translate.model import Document
from translate.textio import STDIN, decode, read_bytes
from translate.tmxread import primary_language, read_units
from translate.wording import counted


def read_machine_translation(path: str, source: Document) -> list[str | None]:
    """:func:`machine_translation` of a file (or stdin for ``-``), read as bytes so the TMX's own encoding is checked."""
    import sys

    data = sys.stdin.buffer.read() if path == STDIN else read_bytes(path, "a TMX or a text draft")
    return machine_translation(data, "<stdin>" if path == STDIN else path, source)


def machine_translation(data: bytes | str, label: str, source: Document) -> list[str | None]:
    """The MT of every source segment (``None`` where it is not known), from a TMX or a plain-text draft."""
    if _looks_like_xml(data):
        return _from_tmx(data.encode("utf-8") if isinstance(data, str) else data, label, source)
    return _from_draft(data if isinstance(data, str) else decode(data, label), label, source)


def _looks_like_xml(data: bytes | str) -> bool:
    if isinstance(data, str):
        return data.lstrip("\ufeff \t\r\n").startswith("<")
    head = data[:64]
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        if head.startswith(bom):
            head = head[len(bom):]
            break
    return head.replace(b"\x00", b"").lstrip().startswith(b"<")


def _from_tmx(data: bytes, label: str, source: Document) -> list[str | None]:
    src_lang = primary_language(source.lang)
    by_source: dict[str, deque[str]] = defaultdict(deque)
    units = 0
    for unit in read_units(data, label):
        text = unit.text(src_lang)
        others = [t for lang, t in unit.texts if lang != src_lang]
        if text is not None and others:
            by_source[_key(text)].append(others[0])
            units += 1
    if not units:
        raise TarjamaError(f"{label}: no translation units with a '{src_lang}' side in this TMX")
    out: list[str | None] = []
    for segment in source.segments:
        queue = by_source.get(_key(segment.text))
        out.append(queue.popleft() if queue else None)
    if all(t is None for t in out):
        raise TarjamaError(f"{label}: none of its {counted(units, 'unit')} has an Arabic side that matches a segment of the source; is it the TMX of this article?")
    return out


def _key(text: str) -> str:
    return " ".join(text.split())


def _from_draft(text: str, label: str, source: Document) -> list[str | None]:
    """A draft as ``tarjama translate`` writes it: a line (paragraph) per source paragraph."""
    from translate.segmentation import segment_document

    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) == len(source.segments):  # one segment per line
        return list(lines)
    draft = segment_document(text, "en")
    if len(draft.paragraphs) != len(source.paragraphs):
        raise TarjamaError(
            f"{label}: {counted(len(draft.paragraphs), 'paragraph')} for {len(source.paragraphs)} in the source; "
            "pass the NAME.tmx that 'tarjama translate' wrote instead"
        )
    out: list[str | None] = []
    for src_par, mt_par in zip(source.paragraphs, draft.paragraphs):
        if len(src_par.segments) == len(mt_par.segments):
            out.extend(s.text for s in mt_par.segments)
        else:  # the MT split a sentence differently: no bridge for this paragraph
            out.extend([None] * len(src_par.segments))
    return out
