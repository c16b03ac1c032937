"""Multipart forms read strictly: a field that is not text in its declared charset is refused, not guessed.

Starlette decodes a multipart field that is not valid UTF-8 as Latin-1
instead (``_user_safe_decode``), so "مرحبا\\xff" reached the model as
mojibake and came back translated, 200.  LibreTranslate clients send UTF-8;
bytes that are not are a broken client or a hostile one, and the answer is 400
(as for a form body or a query string, :func:`translate.serve.libretranslate.parse_query`).
"""

from __future__ import annotations

from starlette.formparsers import MultiPartException, MultiPartParser


class NotText(MultiPartException):
    """A field whose bytes do not decode in the form's charset."""

    def __init__(self, field: str, charset: str) -> None:
        super().__init__(f"the field {field!r} is not valid {charset.upper().replace('_', '-')}")
        self.field = field


class StrictMultiPartParser(MultiPartParser):
    """Starlette's parser with its Latin-1 fallback for fields replaced by a refusal (files stay bytes)."""

    def on_part_end(self) -> None:
        part = self._current_part
        if part.file is None:
            charset = self._charset or "utf-8"
            try:
                value = bytes(part.data).decode(charset)
            except UnicodeDecodeError:
                raise NotText(part.field_name, "utf-8" if charset in ("utf-8", "utf_8") else charset) from None
            self.items.append((part.field_name, value))
            return
        super().on_part_end()
