"""Every output says when a date was deduced rather than printed: the hit JSON and the table, not only `show`."""

from __future__ import annotations

WEEKDAY_SEED = "001_bb09c2c84650f315"  # prints "mardi 29 novembre" and no year
FULL_DATE_SEED = "000_8d1a7445dcdafbbb"  # prints "28.11.2023"


def test_hits_say_where_their_date_comes_from(indexed) -> None:
    code, results = indexed.json("query", "Kazakhstan")
    assert code == 0
    sources = {hit["id"]: (hit["date_source"], hit["date_inferred"]) for hit in results["hits"]}
    assert sources == {WEEKDAY_SEED: ("weekday", True), FULL_DATE_SEED: ("text", False)}


def test_the_table_marks_an_inferred_date(indexed) -> None:
    result = indexed("query", "Kazakhstan", "--format", "table")
    assert result.exit_code == 0
    assert "2022-11-29?" in result.stdout
    assert "2023-11-28?" not in result.stdout and "2023-11-28" in result.stdout
