"""A Polars table paged by Django's Paginator without turning every row into a dict first."""

from collections.abc import Sequence
from typing import Any, overload

import polars as pl

Row = dict[str, Any]


class FrameRows(Sequence[Row]):
    """The rows of ``frame`` as a sequence for Paginator: only the page asked for becomes row dicts (a million
    eligible workers are not a million dicts on every view of the programme page)."""

    def __init__(self, frame: pl.DataFrame):
        self.frame = frame

    def __len__(self) -> int:
        return self.frame.height

    @overload
    def __getitem__(self, index: int) -> Row: ...
    @overload
    def __getitem__(self, index: slice) -> list[Row]: ...
    def __getitem__(self, index: int | slice) -> Row | list[Row]:
        if isinstance(index, slice):
            return self.frame[index].rows(named=True)
        return self.frame.row(index, named=True)
