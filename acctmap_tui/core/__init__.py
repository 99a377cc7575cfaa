"""The pure core: ingest, normalize, match, categorize, score, session I/O, compare, export.

Nothing under this package imports Textual; an import-linter contract in pyproject.toml checks it.
"""
