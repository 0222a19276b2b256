"""Calendar days and times in the time zone of a Polres or Polda (never UTC for a reader)."""

import datetime as dt
import zoneinfo


def now_utc() -> dt.datetime:
    """The current moment, as an aware UTC date-time."""
    return dt.datetime.now(dt.UTC)


def today_in(zone: str | None, now: dt.datetime | None = None) -> dt.date:
    """The calendar day in a time zone (UTC when the zone is unknown)."""
    now = now or now_utc()
    return now.astimezone(zoneinfo.ZoneInfo(zone or "UTC")).date()


def local(moment: dt.datetime, zone: str | None) -> dt.datetime:
    """An aware moment in a time zone (UTC when the zone is unknown)."""
    return moment.astimezone(zoneinfo.ZoneInfo(zone or "UTC"))


def clock_time(moment: dt.datetime, zone: str | None) -> str:
    """`14.30 WITA`: the time of day as the Polres reads it, with its zone's abbreviation.

    tzdata names Indonesia's zones as readers do: WIB, WITA, WIT.
    """
    return local(moment, zone).strftime("%H.%M %Z")


def local_time(zone: str | None, now: dt.datetime | None = None) -> str:
    """The time of day now (or at `now`) in a zone, e.g. `20.01 WITA` (UTC if unknown)."""
    return clock_time(now or now_utc(), zone)


def local_stamp(moment: dt.datetime, zone: str | None) -> str:
    """`20/11/2024 14.30 WITA`: a day and a time of day in the zone."""
    return local(moment, zone).strftime("%d/%m/%Y %H.%M %Z")
