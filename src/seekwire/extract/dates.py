"""French publication dates and times, and the year a page leaves out.

News pages print their date in many shapes (`28.11.2023 08h34`, `Publié le : mardi, 28 novembre 2023 08:34`,
`hier à 16h39`, `mardi 29 novembre`). This module finds those mentions in a line of text and resolves them to a
calendar date. When the year is missing it is deduced, never guessed: a weekday printed beside the day and
month pins it ("jeudi 11 octobre"; a weekday elsewhere in the text says nothing about this date), otherwise the
file's modification time does, because a page is saved at or shortly after publication: the date takes the
year that puts it closest before that time. `ResolvedDate.source` says which clue gave the year, so that
every output can show a date that was inferred. Stamps such as "mis à jour le 28/11" describe an edit, not the
publication, so everything after an update keyword is ignored.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {
    "janvier": 1, "janv": 1, "février": 2, "fevrier": 2, "févr": 2, "fevr": 2, "mars": 3, "avril": 4,
    "avr": 4, "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "août": 8, "aout": 8, "septembre": 9, "sept": 9,
    "octobre": 10, "oct": 10, "novembre": 11, "nov": 11, "décembre": 12, "decembre": 12, "déc": 12, "dec": 12,
}  # fmt: skip
WEEKDAYS = {"lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5, "dimanche": 6}
RELATIVE_DAYS = {"aujourd'hui": 0, "aujourd’hui": 0, "ce jour": 0, "hier": 1, "avant-hier": 2}

_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_WEEKDAY = "|".join(WEEKDAYS)
_YEAR = r"(?:19|20)\d\d"
_TIME = r"(?P<hour>[01]?\d|2[0-3])\s?[hH:]\s?(?P<minute>[0-5]\d)"

_TEXTUAL = re.compile(
    # A weekday belongs to the date only beside it, on the same line: "jeudi 11 octobre", "jeudi, le 11 octobre".
    rf"(?:\b(?P<weekday>{_WEEKDAY})\b[^\S\n]*,?[^\S\n]*(?:le[^\S\n]+)?)?"
    rf"\b(?P<day>[0-3]?\d|1er)\s+(?P<month>{_MONTH})\b\.?(?:\s+(?P<year>{_YEAR})\b)?",
    re.IGNORECASE,
)
_NUMERIC = re.compile(rf"\b(?P<day>[0-3]?\d)[./-](?P<month>[01]?\d)(?:[./-](?P<year>{_YEAR}))?(?![\d./-]*\d)")
_ISO = re.compile(rf"\b(?P<year>{_YEAR})-(?P<month>[01]\d)-(?P<day>[0-3]\d)(?!\d)")
_RELATIVE = re.compile(r"(?<![\w-])(?P<relative>aujourd['’]hui|ce jour|avant-hier|hier)\b", re.IGNORECASE)
_TIME_AFTER = re.compile(rf"(?:T|\s*(?:[,\-–—|]\s*)?)(?:à\s+|a\s+|vers\s+)?{_TIME}\b")
_TIME_BEFORE = re.compile(rf"\b(?:à\s+)?{_TIME}\s*,?\s*(?:le\s+)?$")
_UPDATE = re.compile(r"\b(?:mise?s? à jour|màj|modifié|actualisé|updated?)\b", re.IGNORECASE)

# How far a standalone year may sit from the reference when a weekday pins it (28 years = one full cycle).
_WEEKDAY_SEARCH_YEARS = 28
# Pages are saved at or after publication; a day of slack absorbs the UTC offset of the saving clock.
_SAVE_SLACK = dt.timedelta(days=1)


@dataclass(frozen=True)
class DateMention:
    """A date (possibly without year) or a relative day found in a line, with its time when printed next to it."""

    start: int
    end: int
    day: int | None = None
    month: int | None = None
    year: int | None = None
    weekday: int | None = None
    days_ago: int | None = None
    time: str | None = None

    @property
    def complete(self) -> bool:
        """True when the mention alone names a calendar day."""
        return self.year is not None


@dataclass(frozen=True)
class ResolvedDate:
    """A calendar date with where it came from (see `Article.date_source`)."""

    date: dt.date
    source: str
    time: str | None


def find_mentions(text: str, *, numeric_without_year: bool = False) -> list[DateMention]:
    """All date mentions in `text`, left to right, each with the time printed right before or after it."""
    found: list[DateMention] = []
    for pattern in (_TEXTUAL, _ISO, _NUMERIC):
        for match in pattern.finditer(text):
            if any(match.start() < m.end and m.start < match.end() for m in found):
                continue
            mention = _mention_from(match)
            if mention is None or (pattern is _NUMERIC and mention.year is None and not numeric_without_year):
                continue
            found.append(mention)
    for match in _RELATIVE.finditer(text):
        if not any(match.start() < m.end and m.start < match.end() for m in found):
            days_ago = RELATIVE_DAYS[match.group("relative").lower().replace("’", "'")]
            found.append(DateMention(match.start(), match.end(), days_ago=days_ago))
    found.sort(key=lambda m: m.start)
    return [_with_time(text, m) for m in found]


def publication_part(line: str) -> str:
    """The part of a line before any update stamp ("mis à jour le ..."), where a publication date may sit."""
    match = _UPDATE.search(line)
    return line[: match.start()] if match else line


def resolve(
    mention: DateMention, mtime: float | None, *, today: dt.date | None = None
) -> ResolvedDate | None:
    """Turn a mention into a calendar date, deducing a missing year; None when nothing supports one.

    A weekday printed beside the day and month pins the year: the latest year before the file's time (or
    the clock) whose calendar agrees (source "weekday"). Without one, the day and month take the year that
    puts them closest before the file's modification time (source "mtime"): the only clue is then the
    file's time, which a copy that does not keep it replaces with its own.
    """
    saved = _saved_date(mtime)
    if mention.days_ago is not None:
        if saved is None:
            return None
        return ResolvedDate(saved - dt.timedelta(days=mention.days_ago), "relative", mention.time)
    assert mention.day is not None and mention.month is not None
    if mention.year is not None:
        date = _safe_date(mention.year, mention.month, mention.day)
        return ResolvedDate(date, "text", mention.time) if date else None
    reference = saved or today or dt.datetime.now(dt.UTC).date()
    if mention.weekday is not None:
        date = _year_from_weekday(mention.day, mention.month, mention.weekday, reference + _SAVE_SLACK)
        if date is not None:
            return ResolvedDate(date, "weekday", mention.time)
    if saved is None:
        return None
    date = _year_from_reference(mention.day, mention.month, saved + _SAVE_SLACK)
    return ResolvedDate(date, "mtime", mention.time) if date else None


def _mention_from(match: re.Match[str]) -> DateMention | None:
    groups = match.groupdict()
    day_text = groups["day"].lower()
    day = 1 if day_text == "1er" else int(day_text)
    month_text = groups["month"]
    month = int(month_text) if month_text.isdigit() else MONTHS[month_text.lower()]
    year = int(groups["year"]) if groups.get("year") else None
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        return None
    if _safe_date(year or 2000, month, day) is None:
        return None
    weekday = groups.get("weekday")
    return DateMention(
        match.start(), match.end(), day=day, month=month, year=year,
        weekday=WEEKDAYS[weekday.lower()] if weekday else None,
    )  # fmt: skip


def _with_time(text: str, mention: DateMention) -> DateMention:
    after = _TIME_AFTER.match(text, mention.end)
    if after is not None and after.end() - mention.end <= 16:
        return _replace_time(mention, after)
    before = _TIME_BEFORE.search(text[max(0, mention.start - 16) : mention.start])
    return _replace_time(mention, before) if before is not None else mention


def _replace_time(mention: DateMention, match: re.Match[str]) -> DateMention:
    time = f"{int(match.group('hour')):02d}:{match.group('minute')}"
    return DateMention(**{**mention.__dict__, "time": time})


def _saved_date(mtime: float | None) -> dt.date | None:
    if mtime is None:
        return None
    return dt.datetime.fromtimestamp(mtime, dt.UTC).date()


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _year_from_weekday(day: int, month: int, weekday: int, reference: dt.date) -> dt.date | None:
    """The latest date on or before `reference` with this day, month and weekday, within one calendar cycle."""
    for year in range(reference.year, reference.year - _WEEKDAY_SEARCH_YEARS - 1, -1):
        date = _safe_date(year, month, day)
        if date is not None and date <= reference and date.weekday() == weekday:
            return date
    return None


def _year_from_reference(day: int, month: int, reference: dt.date) -> dt.date | None:
    """The latest date on or before `reference` with this day and month."""
    for year in (reference.year, reference.year - 1, reference.year - 4):
        date = _safe_date(year, month, day)
        if date is not None and date <= reference:
            return date
    return None
