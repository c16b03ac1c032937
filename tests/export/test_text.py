"""The English draft, and the registry that writes every output beside it."""

from __future__ import annotations

from pathlib import Path

import pytest

from translate.errors import TarjamaError
from translate.export import EXPORTERS, get_exporter, parse_formats, write_outputs
from translate.model import Alignment, Bead, ParagraphKind, Provenance, assemble_document

ALL = ["tmx", "html", "txt", "tsv", "xliff", "xliff2", "docx"]


def test_draft_is_one_paragraph_per_line(sample: Alignment) -> None:
    assert get_exporter("txt").render(sample) == (
        "Title: News & Reports\n"
        "\n"
        "The first sentence <script>alert(1)</script>. An added sentence."
        " He said \"hello\" and 'goodbye', then\u200e went on.\n"
        "\n"
        "A closing line.\n"
    )


def test_draft_keeps_paragraphs_whole() -> None:
    target = assemble_document(
        "en",
        [(ParagraphKind.BODY, ["One\nwrapped.", "Two.\r\n"]), (ParagraphKind.BODY, []), (ParagraphKind.HEADING, ["End"])],
    )
    source = assemble_document("ar", [])
    alignment = Alignment(source, target, (), Provenance("0.1.0", "s", "a"))
    assert get_exporter("txt").render(alignment) == "One wrapped. Two.\n\nEnd\n"


def test_draft_suffix_follows_target_language(sample: Alignment) -> None:
    assert get_exporter("txt").suffix(sample) == ".en.txt"
    target = assemble_document("fr", [(ParagraphKind.BODY, ["Bonjour."])])
    french = Alignment(sample.source, target, (Bead((0,), (0,)),), sample.provenance)
    assert get_exporter("txt").suffix(french) == ".fr.txt"


def test_registry_names() -> None:
    assert list(EXPORTERS) == ALL
    assert all(EXPORTERS[name].name == name for name in ALL)


def test_unknown_exporter_is_a_user_error() -> None:
    with pytest.raises(TarjamaError, match=r"unknown output format 'pdf' \(choose from: tmx, html, txt, tsv, xliff, xliff2, docx\)"):
        get_exporter("pdf")


def test_parse_formats() -> None:
    assert parse_formats("txt,tmx,html", ALL) == ["txt", "tmx", "html"]
    assert parse_formats(" tmx , TMX,txt ,tmx", ALL) == ["tmx", "txt"]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("", "no output format given"),
        ("  ", "no output format given"),
        ("txt,,tmx", "empty output format"),
        ("txt,", "empty output format"),
        ("txt,pdf", "unknown output format 'pdf' (choose from: txt, tmx)"),
        ("html", "output format 'html' is not available here (choose from: txt, tmx)"),
        ("docx", "output format 'docx' is not available here (choose from: txt, tmx)"),
    ],
)
def test_parse_formats_refuses(spec: str, message: str) -> None:
    with pytest.raises(TarjamaError) as caught:
        parse_formats(spec, ["txt", "tmx"])
    assert message in str(caught.value)


def test_write_outputs(sample: Alignment, tmp_path: Path) -> None:
    outdir = tmp_path / "out" / "nested"
    paths = write_outputs(sample, outdir, "article", ALL)
    names = ["article.tmx", "article.html", "article.en.txt", "article.tsv", "article.xlf", "article.xliff2.xlf", "article.en.docx"]
    assert paths == [outdir / name for name in names]
    assert sorted(p.name for p in outdir.iterdir()) == sorted([*names, ".tarjama-outputs"]), "the outputs and their ledger"
    for name, path in zip(ALL, paths):
        rendered = get_exporter(name).render(sample)
        if isinstance(rendered, bytes):
            assert path.read_bytes() == rendered
        else:
            assert path.read_text(encoding="utf-8") == rendered


def test_write_outputs_checks_every_name_first(sample: Alignment, tmp_path: Path) -> None:
    with pytest.raises(TarjamaError):
        write_outputs(sample, tmp_path, "article", ["txt", "pdf"])
    assert list(tmp_path.iterdir()) == []
