"""The stages wired together: what the CLI runs, usable from Python as well.

    from translate import pipeline
    from translate.segmentation import segment_document
    from translate.translation import load_translator

    doc = segment_document(text, "ar", name="article")
    result = pipeline.translate_document(doc, load_translator("fast"))
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from translate import __version__
from translate.alignment.pairing import PAIRING_SIGNATURE, pair_translations
from translate.model import Alignment, Bead, Document, Origin, Provenance, assemble_document
from translate.qa import Glossary, check_alignment
from translate.segmentation import signature as segmenter_signature
from translate.settings import QaSettings

if TYPE_CHECKING:
    from translate.alignment.aligner import SentenceAligner
    from translate.translation.engine import Progress, Translation


class ModelDescription(Protocol):
    """What an output's provenance says of the model: a loaded translator, or what a cluster worker reports of its own."""

    @property
    def model_id(self) -> str: ...

    @property
    def revision(self) -> str | None: ...

    @property
    def model_note(self) -> str | None: ...

    @property
    def decoding(self) -> str: ...


class Translator(ModelDescription, Protocol):
    """What the pipeline needs of a translator: the engine, or anything that keeps its guarantees."""

    def translate_segments(self, sentences: Sequence[str], progress: Progress | None = None) -> list[Translation]: ...


def translate_document(
    source: Document,
    translator: Translator,
    target_lang: str = "en",
    glossary: Glossary | None = None,
    progress: Progress | None = None,
    qa: QaSettings = QaSettings(),
) -> Alignment:
    """Translate every segment, keep the article's paragraph and heading structure, and flag what to review."""
    translations = translator.translate_segments([s.text for s in source.segments], progress)
    return translated_document(source, translations, translation_provenance(source, translator), target_lang, glossary, qa)


def translation_provenance(source: Document, translator: ModelDescription) -> Provenance:
    """How a translation of ``source`` is made: recorded in every output."""
    return Provenance(
        tool_version=__version__,
        segmenter=segmenter_signature(source.lang),
        aligner=PAIRING_SIGNATURE,
        model_id=translator.model_id,
        model_revision=translator.revision,
        model_note=translator.model_note,
        decoding=translator.decoding,
    )


def translated_document(
    source: Document,
    translations: Sequence[Translation],
    provenance: Provenance,
    target_lang: str = "en",
    glossary: Glossary | None = None,
    qa: QaSettings = QaSettings(),
) -> Alignment:
    """The alignment of ``source`` with its segments' translations (one per segment, in order).

    Apart from :func:`translate_document` so that translations made elsewhere
    (cluster workers, the server's shared batches) become exactly the files a
    local run writes.  Each bead records where its target came from: ``mt``
    (fresh or reused from the memory: the same text either way) or ``tm`` (a
    human translation from the memory).
    """
    target = assemble_document(
        target_lang,
        ((p.kind, [translations[s.id].text for s in p.segments]) for p in source.paragraphs),
        name=f"{source.name}.{target_lang}" if source.name else "",
    )
    beads = tuple(
        replace(
            bead,
            origin=translations[bead.source[0]].origin,
            flags=translations[bead.source[0]].flags,
            confidence=translations[bead.source[0]].confidence,
        )
        for bead in pair_translations(source, target, Origin.MT)
    )
    return check_alignment(Alignment(source, target, beads, provenance), glossary, qa)


def align_translation(
    source: Document,
    target: Document,
    presegmented: bool = False,
    mt: Sequence[str | None] | None = None,
    mt_label: str = "",
    aligner: SentenceAligner | None = None,
) -> Alignment:
    """Pair an Arabic document with an existing English translation of it.

    ``mt`` is a machine translation of each source segment (``None`` where
    unknown), e.g. our own earlier draft: it bridges the two languages.
    """
    if aligner is None:
        from translate.alignment.aligner import SentenceAligner

        aligner = SentenceAligner()
    if presegmented:
        segmenter = "presegmented (one segment per line)"
    else:
        segmenter = f"{segmenter_signature(source.lang)}; {segmenter_signature(target.lang)}"
    signature = aligner.signature
    if mt is not None:
        known = sum(1 for t in mt if t is not None)
        signature += f"; mt-bridge={mt_label or 'given'} ({known} of {len(mt)} segments)"
    provenance = Provenance(tool_version=__version__, segmenter=segmenter, aligner=signature)
    beads = aligner.align([s.text for s in source.segments], [t.text for t in target.segments], mt)
    return Alignment(source, target, tuple(beads), provenance)


DRAFT_PAIRING = "paragraph by paragraph; sentence by sentence where a paragraph has as many in both"


@dataclass(frozen=True, slots=True)
class TranslationPair:
    """An existing translation as ``tarjama check`` reads it: what is paired with what, and where it is."""

    source: Document
    target: Document
    beads: tuple[Bead, ...]
    lines: tuple[int, ...]
    """The line of the translation's file that holds each bead's target: what ``check`` prints, what the user opens."""
    segmenter: str
    pairing: str


def check_translation(pair: TranslationPair, glossary: Glossary | None = None) -> Alignment:
    """QA of an existing translation, bead by bead as :func:`read_translation` paired them."""
    provenance = Provenance(tool_version=__version__, segmenter=pair.segmenter, aligner=pair.pairing)
    return check_alignment(Alignment(pair.source, pair.target, pair.beads, provenance), glossary)


def read_translation(
    source_path: str, target_path: str, *, language_check: bool = True, read_source: Callable[[str, str], Document] | None = None
) -> TranslationPair:
    """A text and its translation, paired for ``tarjama check``: line by line, or an article with its draft.

    Files of as many lines are a line-by-line translation: line n translates
    line n (empty lines too, so bead n is line n).  Otherwise the source is an
    article, segmented as ``tarjama translate`` segments it (a web page or Word
    document always is), and the translation is its draft as ``translate``
    writes it: a line per paragraph, blank lines between paragraphs.  Paragraph
    n of the draft translates paragraph n of the article; within a paragraph,
    sentence by sentence where the draft has as many sentences as the article,
    else the paragraph as one bead (a translator may have merged or split
    sentences, and a model's output need not end its sentences where the
    source does).

    Refused before any work: stdin given twice, a web page or Word document as
    the translation, a side in the wrong script, paragraphs that do not pair.
    """
    from translate.errors import TarjamaError, shown
    from translate.inputs import DOCUMENT_SUFFIXES, load_document, read_lines
    from translate.model import ParagraphKind
    from translate.script import check_script
    from translate.segmentation import segment_document
    from translate.textio import STDIN, output_stem
    from translate.wording import counted

    if source_path == STDIN and target_path == STDIN:
        raise TarjamaError("stdin (-) can be read only once")
    names = (output_stem(source_path), output_stem(target_path))
    source: Document | None = None
    source_lines: list[str] = []
    if source_path != STDIN and Path(source_path).suffix.lower() in DOCUMENT_SUFFIXES:
        # a page or Word document: its article, as translate reads it (``read_source``: the translate job's reader)
        source = read_source(source_path, names[0]) if read_source is not None else load_document(source_path, "ar", name=names[0])
    else:
        source_lines = read_lines(source_path, "check")
    target_lines = read_lines(target_path, "check")
    if language_check:
        check_script(source.text if source is not None else "\n".join(source_lines), "ar", source_path, "the Arabic source")
        check_script("\n".join(target_lines), "en", target_path, "the English translation")
    if source is None and len(source_lines) == len(target_lines):
        source = assemble_document("ar", [(ParagraphKind.BODY, [line.strip()]) for line in source_lines], names[0])
        target = assemble_document("en", [(ParagraphKind.BODY, [line.strip()]) for line in target_lines], names[1])
        beads = pair_translations(source, target, Origin.HUMAN)
        return TranslationPair(source, target, beads, tuple(range(1, len(beads) + 1)), "presegmented (one segment per line)", PAIRING_SIGNATURE)
    shape = "" if source is not None else f"{counted(len(source_lines), 'line')}, "
    if source is None:
        source = segment_document("\n".join(source_lines), "ar", name=names[0])
    target = segment_document("\n".join(target_lines), "en", name=names[1])
    source_paragraphs = [p for p in source.paragraphs if p.segments]
    target_paragraphs = [p for p in target.paragraphs if p.segments]
    if len(source_paragraphs) != len(target_paragraphs):
        raise TarjamaError(
            f"{shown(source_path)} has {shape}{counted(len(source_paragraphs), 'paragraph')} as 'tarjama translate' reads it, "
            f"but {shown(target_path)} has {counted(len(target_lines), 'line')}, {counted(len(target_paragraphs), 'paragraph')}; "
            "check needs a line-aligned pair (as many lines in both) or an article and its draft (a line per paragraph)"
        )
    beads_found: list[Bead] = []
    lines_found: list[int] = []
    for src, tgt in zip(source_paragraphs, target_paragraphs):
        line = target.text.count("\n", 0, tgt.start) + 1  # the text is the lines joined by "\n"
        if len(src.segments) == len(tgt.segments):
            paired = [Bead((s.id,), (t.id,), None, Origin.HUMAN) for s, t in zip(src.segments, tgt.segments)]
        else:
            paired = [Bead(tuple(s.id for s in src.segments), tuple(t.id for t in tgt.segments), None, Origin.HUMAN)]
        beads_found.extend(paired)
        lines_found.extend([line] * len(paired))
    segmenter = f"{segmenter_signature(source.lang)}; {segmenter_signature(target.lang)}"
    return TranslationPair(source, target, tuple(beads_found), tuple(lines_found), segmenter, DRAFT_PAIRING)
