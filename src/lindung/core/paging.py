"""Paging what Django's Paginator would page too slowly: a Polars table, a list already counted."""

from collections.abc import Sequence
from typing import Any, overload

import polars as pl
from django.core.paginator import Paginator
from django.utils.functional import cached_property

Row = dict[str, Any]


class FrameRows(Sequence[Row]):
    """The rows of ``frame`` as a sequence for Paginator: only the page asked for becomes row dicts (a million
    eligible workers are not a million dicts on every view of the programme page). A lazy frame (a kept file) is
    read only for the page asked for; its height is then given, since counting it would read it."""

    def __init__(self, frame: pl.DataFrame | pl.LazyFrame, height: int | None = None):
        if isinstance(frame, pl.DataFrame):
            height = frame.height
        elif height is None:
            raise ValueError("a lazy frame's height must be given")
        self.frame, self.height = frame, height

    def __len__(self) -> int:
        return self.height

    @overload
    def __getitem__(self, index: int) -> Row: ...
    @overload
    def __getitem__(self, index: slice) -> list[Row]: ...
    def __getitem__(self, index: int | slice) -> Row | list[Row]:
        if isinstance(index, int):
            position = index + self.height if index < 0 else index
            if not 0 <= position < self.height:
                raise IndexError(index)
            return self[position:position + 1][0]
        start, stop, step = index.indices(self.height)
        if step != 1:
            raise ValueError("rows are read in order")
        rows = self.frame.slice(start, max(stop - start, 0))
        return (rows.collect() if isinstance(rows, pl.LazyFrame) else rows).rows(named=True)


class CountedPaginator(Paginator):
    """A paginator over a list counted apart (``count``), more cheaply than by the list's own query."""

    def __init__(self, object_list, per_page: int, count: int):
        super().__init__(object_list, per_page)
        self._count = count

    @cached_property
    def count(self) -> int:
        return self._count
