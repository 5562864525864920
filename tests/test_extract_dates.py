"""French date and time parsing, and how a missing year is deduced."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from seekwire.extract.dates import MONTHS, WEEKDAYS, find_mentions, publication_part, resolve


def saved_at(year: int, month: int, day: int, hour: int = 12) -> float:
    return dt.datetime(year, month, day, hour, tzinfo=dt.UTC).timestamp()


@pytest.mark.parametrize(
    ("text", "date", "time"),
    [
        ("Xinhua | 28.11.2023 08h34", dt.date(2023, 11, 28), "08:34"),
        ("28/11/2023 - 08:34", dt.date(2023, 11, 28), "08:34"),
        ("Publié le : mardi, 28 novembre 2023 08:34", dt.date(2023, 11, 28), "08:34"),
        ("le 28 novembre 2023 à 08h34", dt.date(2023, 11, 28), "08:34"),
        ("Publié le 09/07/2017 à 11h53", dt.date(2017, 7, 9), "11:53"),
        ("1er juin 2021", dt.date(2021, 6, 1), None),
        ("2016-08-24T20:07", dt.date(2016, 8, 24), "20:07"),
        ("Publié à 8 h 05 le 3 février 2020", dt.date(2020, 2, 3), "08:05"),
    ],
)
def test_full_dates_and_their_times(text, date, time):
    resolved = resolve(find_mentions(text)[0], None)
    assert (resolved.date, resolved.source, resolved.time) == (date, "text", time)


def test_update_stamp_is_cut_off():
    line = "Publié le 09/07/2017 à 11h53, mis à jour le 10/07/2017 à 15h06"
    mentions = find_mentions(publication_part(line))
    assert [(m.day, m.month, m.time) for m in mentions] == [(9, 7, "11:53")]
    assert (
        find_mentions(publication_part("Dernière mise à jour à 09h13 le 28/11"), numeric_without_year=True)
        == []
    )


def test_day_month_without_year_needs_a_flag():
    assert find_mentions("le 28/11 à midi") == []
    assert find_mentions("le 28/11", numeric_without_year=True)[0].month == 11


def test_impossible_dates_are_not_mentions():
    assert find_mentions("31 février 2020") == []
    assert find_mentions("45.13.2020") == []


def test_weekday_pins_the_year_before_the_mtime():
    mention = find_mentions("mardi 29 novembre")[0]
    resolved = resolve(mention, saved_at(2022, 12, 1))
    assert (resolved.date, resolved.source) == (dt.date(2022, 11, 29), "weekday")
    # Without mtime the clock stands in; the latest matching Tuesday before it wins.
    assert resolve(mention, None, today=dt.date(2030, 1, 1)).date == dt.date(2022, 11, 29)
    assert resolve(mention, None, today=dt.date(2020, 1, 1)).date == dt.date(2016, 11, 29)


def test_a_dateline_without_weekday_takes_the_year_closest_before_the_file_time():
    # "jeudi" elsewhere in the story does not touch the dateline: 11 October closest before 12 October 2019.
    text = "NICE, 11 octobre (Xinhua) -- Le sommet s'est ouvert jeudi à Nice."
    resolved = resolve(find_mentions(text)[0], saved_at(2019, 10, 12))
    assert (resolved.date, resolved.source) == (dt.date(2019, 10, 11), "mtime")
    # After a copy that reset the file's time, the copy's year is the only clue, and the source says so.
    assert resolve(find_mentions(text)[0], saved_at(2026, 12, 4)).source == "mtime"


def test_a_weekday_only_counts_beside_its_day_and_month():
    assert [m.weekday for m in find_mentions("Le sommet s'est ouvert jeudi à Nice, le 11 octobre")] == [None]
    assert [m.weekday for m in find_mentions("jeudi\n11 octobre")] == [None]
    assert [m.weekday for m in find_mentions("jeudi, le 11 octobre")] == [WEEKDAYS["jeudi"]]


def test_mtime_supplies_the_year_across_new_year():
    mention = find_mentions("31 décembre")[0]
    resolved = resolve(mention, saved_at(2021, 1, 2))
    assert (resolved.date, resolved.source) == (dt.date(2020, 12, 31), "mtime")
    assert resolve(find_mentions("2 janvier")[0], saved_at(2021, 1, 2)).date == dt.date(2021, 1, 2)


def test_day_month_without_weekday_or_mtime_is_not_guessed():
    assert resolve(find_mentions("le 3 juin")[0], None) is None


@pytest.mark.parametrize(("word", "days"), [("aujourd'hui", 0), ("hier", 1), ("avant-hier", 2)])
def test_relative_days_count_back_from_the_mtime(word, days):
    mention = find_mentions(f"{word} à 16h39")[0]
    resolved = resolve(mention, saved_at(2023, 12, 2))
    assert resolved.date == dt.date(2023, 12, 2) - dt.timedelta(days=days)
    assert (resolved.source, resolved.time) == ("relative", "16:39")
    assert resolve(mention, None) is None


@given(
    day=st.integers(1, 31),
    month=st.sampled_from(sorted(MONTHS)),
    weekday=st.sampled_from(sorted(WEEKDAYS)),
    saved=st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2090, 1, 1)),
)
def test_resolved_dates_are_valid_and_never_after_saving(day, month, weekday, saved):
    mentions = find_mentions(f"{weekday} {day} {month}")
    mtime = saved.replace(tzinfo=dt.UTC).timestamp()
    for mention in mentions:
        resolved = resolve(mention, mtime)
        assert resolved is not None
        assert isinstance(resolved.date, dt.date)
        assert resolved.date <= saved.date() + dt.timedelta(days=1)
        if resolved.source == "weekday":
            assert resolved.date.weekday() == WEEKDAYS[weekday]
