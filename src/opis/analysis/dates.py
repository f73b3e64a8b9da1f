"""Reading date expressions in archive documents into EDTF with inclusive bounds.

Shapes handled (English and Russian, typed and cabled):

* "September 12, 1947", "Sept. 12, 1947", "12 September 1947", "12th September, 1947"
* with a time of day: "2 May 1947, 10.16 p.m.", "February 22, 1946—9 p.m.", "—noon",
  "on 12 September 1947 at 0430", "sent at 0350 12 September 1947",
  "January 22, 1952, 2322Z" (EDTF keeps the Z)
* numeric: "1947-09-12", "12.09.1947", "16.XII.49" (Roman-numeral month)
* Russian: "12 сентября 1947 г.", "сентябрь 1947" (any case of the month name)
* coarser: "September 1947" (month), "1947" (year), "1940s" (decade)
* spans, as EDTF intervals: "January 29-30, 1954", "1941–1945", "1967–69",
  "April 16, 1973, 10:03–11:45 a.m"
* uncertain: "circa 1947", "c. 1947" (EDTF ``1947~``), "[1947?]", "22(?) May" (``?``)
* editorial brackets: "29 March [1944]", "[3 August] 1948", "2[8] February 1946";
  DFAT footnote markers ("[12] [1] May 1948") are skipped

Two-digit years ("16.XII.49") are read as 19xx: the corpus is twentieth-century
diplomatic paper ("1967–69" takes the century of its first year). A missing day,
month or year is never filled in: "September 1947" is month precision with bounds
1947-09-01 / 1947-09-30, and "January 6" is no date at all.

All grammars are regular expressions compiled once at import; ``dateparser`` is
not used (it fills missing parts from today's date and is slow). Slash dates
("7/7/49") are not read: day-first and month-first writers share the corpus.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from typing import TypedDict

PRECISIONS = ("minute", "day", "month", "year", "decade", "century")
"""Finest first; ``edtf_bounds`` of an interval reports the coarser end."""


@dataclass(frozen=True)
class ParsedDate:
    edtf: str
    """``1947-09-12``, ``1947-09-12T03:50``, ``1947-09``, ``1947~``, ``194X``..."""
    precision: str
    """One of ``PRECISIONS``."""
    start: str
    """Inclusive ISO lower bound: ``1947-09-01`` or ``1947-09-12T03:50``."""
    end: str
    """Inclusive ISO upper bound."""
    approximate: bool = False
    """The source hedges the date ("circa", "c.", "?")."""
    text: str = ""
    """The matched expression as it stands in the source."""
    span: tuple[int, int] = (0, 0)
    """Offsets of ``text`` in the string that was searched."""


# --- vocabularies -----------------------------------------------------------------

# Month names are matched by pattern and resolved by their first letters, so every
# grammatical case of a Russian month ("сентябрь", "сентября", "сентябре") and every
# English abbreviation ("Sep", "Sept.") lands on the same number.
_ENGLISH_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November"
    r"|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b\.?"
)
_RUSSIAN_MONTH = (
    r"(?:январ[ьяюе]|феврал[ьяюе]|март[ауе]?|апрел[ьяюе]|ма[йяюе]|июн[ьяюе]|июл[ьяюе]"
    r"|август[ауе]?|сентябр[ьяюе]|октябр[ьяюе]|ноябр[ьяюе]|декабр[ьяюе]"
    r"|янв|фев|апр|авг|сент|сен|окт|нояб|ноя|дек)(?![а-яё])\.?"
)
_MONTH = f"(?:{_ENGLISH_MONTH}|{_RUSSIAN_MONTH})"

_MONTH_BY_PREFIX: dict[str, int] = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
    "янв": 1, "фев": 2, "мар": 3, "апр": 4, "май": 5, "мая": 5, "мае": 5, "маю": 5,
    "июн": 6, "июл": 7, "авг": 8, "сен": 9, "окт": 10, "ноя": 11, "дек": 12,
}  # fmt: skip

_ROMAN_MONTHS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
_ROMAN_MONTH = "(?:" + "|".join(sorted(_ROMAN_MONTHS, key=len, reverse=True)) + ")"


MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December",
)  # fmt: skip
"""English month names for display, January first."""
ENGLISH_MONTH = _ENGLISH_MONTH
"""Pattern of an English month name or abbreviation (match it case-insensitively)."""


def month_number(name: str) -> int | None:
    """1-12 for an English or Russian month name or abbreviation, any case."""
    return _MONTH_BY_PREFIX.get(name.strip(". ").lower()[:3])


# --- grammar pieces ----------------------------------------------------------------

_DAY = r"(?P<day>[0-3]?\d|\d\[\d\])(?:st|nd|rd|th)?(?P<dayq>\s?\(\?\))?"
# "January 29-30, 1954", "29–30 January 1954": a span of days, read as an interval.
_DAY_RANGE = _DAY + r"(?:\s?[-–]\s?(?P<day_end>[0-3]?\d)(?:st|nd|rd|th)?)?"
_YEAR_DIGITS = r"1[5-9]\d(?:\d|\[\d\])|20\d\d"  # "1947", "194[8]"
_YEAR_SUFFIX = r"(?!\d)(?:\s?(?:г\.|года?\b|гг\.))?"  # "1947 г."
_YEAR = rf"(?P<year>{_YEAR_DIGITS}){_YEAR_SUFFIX}"
# "31 December 945": OCR drops the leading 1; after a day and a month, 9xx is 19xx.
_YEAR_OF_FULL_DATE = rf"(?P<year>{_YEAR_DIGITS}|(?<![\d.,])9\d\d){_YEAR_SUFFIX}"

# Times of day after the date: "10.16 p.m.", "1 p. m.", "—noon", "at 0430", ", 21:00",
# and meeting spans "10:03–11:45 a.m" (read as an interval).
_TIME_12H = (
    r"(?P<h12>1[0-2]|0?[1-9])(?:[.:](?P<m12>[0-5]\d))?"
    r"(?:\s?[-–]\s?(?P<h12e>1[0-2]|0?[1-9])(?:[.:](?P<m12e>[0-5]\d))?)?"
    r"\s?(?P<ampm>[ap])\.?\s?m\b\.?"
)
_TIME_24H = r"(?P<h24>[01]?\d|2[0-3])[:.](?P<m24>[0-5]\d)(?:\s?(?:hours|hrs|h)\b)?"
_TIME_24H_AFTER_COMMA = _TIME_24H.replace("h24>", "hc>").replace("m24>", "mc>")
_TIME_HHMM = r"(?P<hh>[01]\d|2[0-3])(?P<mm>[0-5]\d)(?:\s?(?:hours|hrs|h|Z|GMT)\b)?"
_TIME_NOON = r"(?:12\s?)?(?P<noon>noon|midnight)\b"
# Cable time stamps after a comma need a zone or unit: "January 22, 1952, 2322Z";
# a bare four-digit number there could be a year.
_TIME_ZONED = r"(?P<hz>[01]\d|2[0-3])(?P<mz>[0-5]\d)\s?(?P<zone>Z|GMT|hours|hrs)\b"
_TIME_AFTER = (
    rf"(?:\s*[,—–-]?\s*(?:at\s+)?(?:{_TIME_12H}|{_TIME_NOON})"
    rf"|\s*[,—–]?\s*at\s+(?:{_TIME_24H}|{_TIME_HHMM})"
    rf"|\s*,\s*(?:{_TIME_ZONED}|{_TIME_24H_AFTER_COMMA}))"
)
# "sent at 0350 12 September 1947": a cable time stamp before the date.
_TIME_BEFORE = r"(?:\bat\s+(?P<bh>[01]\d|2[0-3]):?(?P<bm>[0-5]\d)(?:\s?(?:hours|hrs|h|Z))?,?\s+)"

_APPROX_BEFORE = r"(?P<circa>\b(?:circa|ca\.?|c\.|about|approximately|около)\s*)"
_UNCERTAIN_AFTER = r"(?P<query>\s?\?)"

_NOT_IN_NUMBER_BEFORE = r"(?<![\w./–-])"
_NOT_IN_NUMBER_AFTER = r"(?![\w/–]|[.-]\d)"


@dataclass(frozen=True)
class _Grammar:
    name: str
    pattern: re.Pattern[str]
    needs: str = ""
    """A character every match contains: windows without it are skipped."""


def _grammar(name: str, body: str, needs: str = "") -> _Grammar:
    """Any grammar may be hedged: "circa 1947", "c. September 1947", "1947?"."""
    pattern = re.compile(f"{_APPROX_BEFORE}?{body}{_UNCERTAIN_AFTER}?", re.IGNORECASE)
    return _Grammar(name, pattern, needs)


# At one start position the longest match wins; order only breaks exact ties.
_GRAMMARS: tuple[_Grammar, ...] = (
    _grammar(
        "day-month-year",
        rf"{_TIME_BEFORE}?(?<!\d){_DAY_RANGE},?\s*(?P<month>{_MONTH}),?\s*{_YEAR_OF_FULL_DATE}"
        rf"(?:{_TIME_AFTER})?",
    ),
    _grammar(
        "month-day-year",
        rf"\b(?P<month>{_MONTH})\s*{_DAY_RANGE}(?:,\s*|\s+){_YEAR_OF_FULL_DATE}"
        rf"(?:{_TIME_AFTER})?",
    ),
    _grammar(
        "iso",
        _NOT_IN_NUMBER_BEFORE
        + r"(?P<year>1[5-9]\d\d|20\d\d)-(?P<month>0[1-9]|1[0-2])(?:-(?P<day>[0-3]\d))?"
        r"(?:T(?P<h24>[01]\d|2[0-3]):(?P<m24>[0-5]\d)(?::[0-5]\d(?:\.\d+)?)?"
        r"(?:Z|[+-]\d\d:?\d\d)?)?" + _NOT_IN_NUMBER_AFTER,
        needs="-",
    ),
    _grammar(
        "numeric-dmy",  # "12.09.1947", "16.XII.49"
        _NOT_IN_NUMBER_BEFORE
        + rf"(?P<day>[0-3]?\d)\.\s?(?P<month>0?[1-9]|1[0-2]|{_ROMAN_MONTH})\.\s?"
        r"(?P<year>(?:1[5-9]|20)\d\d|\d\d)(?!\d)(?:\s?г\.)?" + _NOT_IN_NUMBER_AFTER,
        needs=".",
    ),
    _grammar("month-year", rf"\b(?P<month>{_MONTH}),?\s*{_YEAR}"),
    _grammar(
        "year-range",  # "1941–1945", "1967–69"; "1947-09" stays a month (iso, tried first)
        _NOT_IN_NUMBER_BEFORE + r"(?P<year>1[5-9]\d\d|20\d\d)\s?[-–—]\s?"
        r"(?P<year_end>1[5-9]\d\d|20\d\d|\d\d)(?![\w/–]|[.,-]\d)",
        "-–—",
    ),
    _grammar("decade", _NOT_IN_NUMBER_BEFORE + r"(?P<decade>1[5-9]\d0|20\d0)'?s\b", "s"),
    _grammar(
        "year",
        _NOT_IN_NUMBER_BEFORE
        + r"(?P<year>1[5-9]\d\d|20\d\d)(?:\s?(?:г\.|года?\b))?(?![\w/–]|[.,-]\d)",
    ),
)

_HAS_DIGIT = re.compile(r"\d")
# Editors supply missing parts in brackets ("29 March [1944]", "[3 August] 1948")
# and DFAT footnote markers follow them ("[12] [1] May 1948", "1948 [1], 3.30 p.m.").
# Dates are read from a same-length copy with markers and brackets blanked, so
# spans still index the original text. A digit supplied inside a number
# ("2[8] February", "194[8]") stays and the grammars accept it.
_BRACKETED = re.compile(r"\[\d{1,2}\]|[\[\]]")  # starts with a literal: fast to scan
_AFTER_FOOTNOTE = re.compile(r"[,.;:]|\s*$")


def _blank_bracket(match: re.Match[str]) -> str:
    found, text, start = match.group(0), match.string, match.start()
    if len(found) == 1:
        return " "
    if len(found) == 3 and start > 0 and text[start - 1].isdigit():
        return found  # "2[8]": a supplied digit
    before = text[max(0, start - 2) : start]
    if before.endswith("]") or before == "] " or _AFTER_FOOTNOTE.match(text, match.end()):
        return " " * len(found)  # a footnote marker
    return " " + found[1:-1] + " "  # "[12] May": a supplied day


def _blank_brackets(text: str) -> str:
    return _BRACKETED.sub(_blank_bracket, text)


def _digits(text: str) -> str:
    return text.replace("[", "").replace("]", "")


# --- building results --------------------------------------------------------------


def _year_from(text: str, century_of: int = 1900) -> int:
    """A year; two digits take the century of ``century_of``: "16.XII.49" is 1949."""
    year = int(text)
    if len(text) == 3:
        return 1000 + year  # "945": see _YEAR
    return year + century_of // 100 * 100 if len(text) == 2 else year


def _month_from(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    upper = text.upper()
    if upper in _ROMAN_MONTHS:
        return _ROMAN_MONTHS.index(upper) + 1
    return month_number(text)


# (hour group, minute group) of the 24-hour time shapes, see _TIME_AFTER/_TIME_BEFORE.
_TIME_GROUPS = (("h24", "m24"), ("hc", "mc"), ("hh", "mm"), ("hz", "mz"), ("bh", "bm"))


def _is_real_day(year: int, month: int | None, day: int | None) -> bool:
    if day is None or month is None:
        return True
    return 1 <= day <= calendar.monthrange(year, month)[1]


def _time_from(groups: dict[str, str | None]) -> tuple[int, int] | None:
    if groups.get("h12"):
        hour = int(groups["h12"] or 0) % 12
        # In "11:30–1:15 p.m." the start is still morning: only a start not later
        # than the end shares the end's p.m.
        end_hour = int(groups.get("h12e") or 0) % 12
        shares_meridiem = not groups.get("h12e") or hour <= end_hour
        if (groups.get("ampm") or "").lower() == "p" and shares_meridiem:
            hour += 12
        return hour, int(groups.get("m12") or 0)
    if groups.get("noon"):
        return (12, 0) if (groups["noon"] or "").lower() == "noon" else (0, 0)
    for hour_key, minute_key in _TIME_GROUPS:
        if groups.get(hour_key):
            return int(groups[hour_key] or 0), int(groups.get(minute_key) or 0)
    return None


def _from_match(match: re.Match[str], text: str) -> ParsedDate | None:
    """The date a grammar matched, or None when it names an impossible day or span."""
    groups = match.groupdict()
    uncertain = groups.get("query") or groups.get("dayq")
    approximate = bool(groups.get("circa") or uncertain)
    qualifier = "?" if uncertain else "~" if groups.get("circa") else ""
    if groups.get("decade"):
        edtf = groups["decade"][:3] + "X"
    else:
        year = _year_from(_digits(groups["year"] or ""))
        month = _month_from(groups["month"]) if groups.get("month") else None
        day = int(_digits(groups["day"] or "")) if groups.get("day") else None
        if month is None and groups.get("month"):
            return None
        if not _is_real_day(year, month, day):
            return None
        edtf = _iso(year, month, day, _time_from(groups) if day else None)
        if groups.get("zone") in ("Z", "GMT") and "T" in edtf:
            edtf += "Z"  # a cable's Zulu time stamp: keep that it is UTC
        last = _interval_end(groups, year, month, day)
        if last is False:
            return None
        if last:
            edtf = f"{edtf}{qualifier}/{last}"
    start, end, precision = edtf_bounds(edtf)
    return ParsedDate(
        edtf=edtf + qualifier,
        precision=precision,
        start=start,
        end=end,
        approximate=approximate,
        text=text[match.start() : match.end()],
        span=match.span(),
    )


def _interval_end(
    groups: dict[str, str | None], year: int, month: int | None, day: int | None
) -> str | bool:
    """The end of a year, day or time span; "" when there is none, False when invalid."""
    if groups.get("year_end"):
        year_end = _year_from(groups["year_end"] or "", century_of=year)
        return str(year_end) if year_end > year else False
    if groups.get("day_end") and month is not None and day is not None:
        day_end = int(groups["day_end"] or 0)
        if day_end <= day or not _is_real_day(year, month, day_end):
            return False
        return _iso(year, month, day_end, None)
    if groups.get("h12e") and month is not None and day is not None:
        hour = int(groups["h12e"] or 0) % 12 + (12 if (groups["ampm"] or "").lower() == "p" else 0)
        return _iso(year, month, day, (hour, int(groups.get("m12e") or 0)))
    return ""


def _iso(year: int, month: int | None, day: int | None, time: tuple[int, int] | None) -> str:
    out = f"{year:04d}"
    if month is not None:
        out += f"-{month:02d}"
        if day is not None:
            out += f"-{day:02d}"
            if time is not None:
                out += f"T{time[0]:02d}:{time[1]:02d}"
    return out


# --- public API --------------------------------------------------------------------


# Every date expression holds a year. Long texts are searched only in windows
# around year-like numbers: scanning for these is cheap, running every grammar at
# every position of a long document is not. No grammar reaches further than
# _REACH_BEFORE characters before its year ("approximately at 0350 12-13 September")
# or _REACH_AFTER after it (", 10:03–11:45 a.m.?]").
_YEAR_ANCHOR = re.compile(
    r"(?:1[5-9]|20)\d(?:\d|\[\d\])|9\d\d|\.\s?(?:[IVXivx]{1,4}|\d\d?)\.\s?\d\d"
)
_REACH_BEFORE = 64
_REACH_AFTER = 40
_WHOLE_TEXT_UP_TO = 400


def _windows(text: str) -> list[tuple[int, int]]:
    if len(text) <= _WHOLE_TEXT_UP_TO:
        return [(0, len(text))]
    windows: list[tuple[int, int]] = []
    for anchor in _YEAR_ANCHOR.finditer(text):
        start = max(0, anchor.start() - _REACH_BEFORE)
        end = min(len(text), anchor.end() + _REACH_AFTER)
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], end)
        else:
            windows.append((start, end))
    return windows


def _window_has(text: str, characters: str, start: int, end: int) -> bool:
    return any(text.find(character, start, end) >= 0 for character in characters)


def find_dates(text: str) -> list[ParsedDate]:
    """Every date expression in ``text``, in order, without overlaps.

    Where expressions overlap ("12 September 1947" also contains "September 1947"
    and "1947") the one starting first wins, then the longest.
    """
    if not _HAS_DIGIT.search(text):
        return []
    searched = _blank_brackets(text) if "[" in text else text
    candidates: list[tuple[int, int, int, re.Match[str]]] = []
    for window_start, window_end in _windows(searched):
        for rank, grammar in enumerate(_GRAMMARS):
            if grammar.needs and not _window_has(searched, grammar.needs, window_start, window_end):
                continue
            for match in grammar.pattern.finditer(searched, window_start, window_end):
                candidates.append((match.start(), -match.end(), rank, match))
    candidates.sort(key=lambda c: (c[0], c[1], c[2]))
    found: list[ParsedDate] = []
    taken_until = 0
    for start, _neg_end, _rank, match in candidates:
        if start < taken_until:
            continue
        parsed = _from_match(match, text)
        if parsed is not None:
            found.append(parsed)
        # An impossible date ("31 February 1947") also hides its parts: reading
        # it as "February 1947" would invent a month precision the text lacks.
        taken_until = match.end()
    return found


def parse_date(text: str) -> ParsedDate | None:
    """The one date ``text`` states, or None; the most precise if it names several.

    Noise around the date ("sent at ...", "Cablegram 91 LONDON, ...") is ignored.
    """
    dates = find_dates(text)
    if not dates:
        return None
    return min(dates, key=lambda d: PRECISIONS.index(d.precision))


_ISO_VALUE = re.compile(
    r"(?P<year>\d{4})(?:-(?P<month>0[1-9]|1[0-2])(?:-(?P<day>[0-3]\d)"
    r"(?:T(?P<hour>[01]\d|2[0-3]):(?P<minute>[0-5]\d)(?::(?P<second>[0-5]\d)(?:\.\d+)?)?"
    r"(?P<zone>Z|[+-](?:[01]\d|2[0-3]):?[0-5]\d)?)?)?)?"
)


def from_iso(value: str) -> ParsedDate | None:
    """A ParsedDate for an ISO 8601 / TEI ``@when`` value, or None when invalid.

    The EDTF keeps the value as given (an offset or seconds included); bounds are
    truncated to the minute in the value's own local time.
    """
    value = value.strip()
    match = _ISO_VALUE.fullmatch(value)
    if match is None:
        return None
    year = int(match["year"])
    month = int(match["month"]) if match["month"] else None
    day = int(match["day"]) if match["day"] else None
    if not _is_real_day(year, month, day):
        return None
    time = (int(match["hour"]), int(match["minute"])) if match["hour"] else None
    start, end, precision = edtf_bounds(_iso(year, month, day, time))
    return ParsedDate(edtf=value, precision=precision, start=start, end=end,
                      text=value, span=(0, len(value)))  # fmt: skip


_EDTF_DATE = re.compile(
    r"(?P<year>\d{4}|\d{3}X|\d{2}XX)(?:-(?P<month>0[1-9]|1[0-2])(?:-(?P<day>[0-3]\d)"
    r"(?:T(?P<hour>[01]\d|2[0-3]):(?P<minute>[0-5]\d)(?::[0-5]\d(?:\.\d+)?)?"
    r"(?:Z|[+-](?:[01]\d|2[0-3]):?[0-5]\d)?)?)?)?[~?%]?"
)


def _date_bounds(edtf: str) -> tuple[str, str, str]:
    match = _EDTF_DATE.fullmatch(edtf)
    if match is None:
        raise ValueError(f"not an EDTF date opis understands: {edtf!r}")
    year_text = match["year"]
    if year_text.endswith("XX"):
        if match["month"]:
            raise ValueError(f"month on an unspecified year: {edtf!r}")
        century = int(year_text[:2]) * 100
        return f"{century:04d}-01-01", f"{century + 99:04d}-12-31", "century"
    if year_text.endswith("X"):
        if match["month"]:
            raise ValueError(f"month on an unspecified year: {edtf!r}")
        decade = int(year_text[:3]) * 10
        return f"{decade:04d}-01-01", f"{decade + 9:04d}-12-31", "decade"
    year = int(year_text)
    if not match["month"]:
        return f"{year:04d}-01-01", f"{year:04d}-12-31", "year"
    month = int(match["month"])
    last_day = calendar.monthrange(year, month)[1]
    if not match["day"]:
        return f"{year:04d}-{month:02d}-01", f"{year:04d}-{month:02d}-{last_day:02d}", "month"
    day = int(match["day"])
    if not 1 <= day <= last_day:
        raise ValueError(f"no such day: {edtf!r}")
    date = f"{year:04d}-{month:02d}-{day:02d}"
    if not match["hour"]:
        return date, date, "day"
    minute = f"{date}T{match['hour']}:{match['minute']}"
    return minute, minute, "minute"


def edtf_bounds(edtf: str) -> tuple[str, str, str]:
    """(start, end, precision) of an EDTF date or closed interval ``a/b``.

    Qualifiers (``~``, ``?``, ``%``) do not move the bounds. Raises ValueError on
    anything else, including open intervals.
    """
    edtf = edtf.strip()
    if "/" in edtf:
        first, _, last = edtf.partition("/")
        start, _, first_precision = _date_bounds(first)
        _, end, last_precision = _date_bounds(last)
        if end < start:
            raise ValueError(f"interval ends before it starts: {edtf!r}")
        precision = max(first_precision, last_precision, key=PRECISIONS.index)
        return start, end, precision
    return _date_bounds(edtf)


__all__ = [
    "PRECISIONS",
    "ParsedDate",
    "edtf_bounds",
    "find_dates",
    "from_iso",
    "month_number",
    "parse_date",
]


class RecordDateFields(TypedDict):
    date: str | None
    date_precision: str | None
    date_start: str | None
    date_end: str | None


def record_date_fields(parsed: ParsedDate | None) -> RecordDateFields:
    """The four date fields of a ``Record`` from a parsed date (all None without one)."""
    if parsed is None:
        return RecordDateFields(date=None, date_precision=None, date_start=None, date_end=None)
    return RecordDateFields(
        date=parsed.edtf,
        date_precision=parsed.precision,
        date_start=parsed.start,
        date_end=parsed.end,
    )
