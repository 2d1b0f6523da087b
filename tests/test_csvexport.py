"""The batch helpers of campaign.core.csvexport write exactly what csv.writer over neutralize()
writes, whatever the cells hold: the plain joins they use instead must never differ."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from campaign.core.csvexport import csv_rows, neutralize, text_cells

# Text rich in what matters: separators, quotes, line breaks, formula starts, non-ASCII.
CELLS = st.text(alphabet=st.sampled_from(",\"\r\n\t=+-@' ax1é😀\x00"), max_size=6)


def _written(rows) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


@st.composite
def tables(draw) -> tuple[int, list[list[str]]]:
    width = draw(st.integers(1, 5))
    return width, draw(st.lists(st.lists(CELLS, min_size=width, max_size=width), max_size=8))


@given(tables())
def test_csv_rows_is_what_csv_writer_writes(table):
    width, rows = table
    columns = [[row[i] for row in rows] for i in range(width)]
    assert csv_rows(columns) == _written(rows)


def test_csv_rows_of_plain_cells_and_of_one_empty_column():
    assert csv_rows([["1", "2"], ["a", "b"]]) == "1,a\r\n2,b\r\n"
    assert csv_rows([["", "x"]]) == _written([[""], ["x"]]) == '""\r\nx\r\n'
    assert csv_rows([["a,b", "c"], ["d", 'e"']]) == '"a,b",d\r\nc,"e"""\r\n'


@given(st.lists(st.one_of(st.none(), CELLS), max_size=10))
def test_text_cells_is_neutralize_of_each(values):
    assert list(text_cells(values)) == [neutralize(value) for value in values]
