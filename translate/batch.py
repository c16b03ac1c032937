"""The translate job under its earlier name: :mod:`translate.jobs.translate` is where it lives now.

Kept so that ``from translate import batch`` (docs/api.md, scripts, the cluster
runner) goes on working unchanged.
"""

from translate.jobs.translate import (
    DocumentReport,
    FormattedInput,
    TranslationJob,
    document_line,
    plan,
    read_input,
    report,
    summary_table,
    translate_file,
    translate_files,
    translated_units,
    write_alignment,
)

__all__ = [
    "DocumentReport",
    "FormattedInput",
    "TranslationJob",
    "document_line",
    "plan",
    "read_input",
    "report",
    "summary_table",
    "translate_file",
    "translate_files",
    "translated_units",
    "write_alignment",
]
