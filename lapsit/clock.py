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


# Indonesia's three time zones as readers name them; the IANA zones polres.csv uses.
ZONE_LABELS = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}


def local_time(zone: str | None, now: dt.datetime | None = None) -> str:
    """The time of day in a zone as readers write it, e.g. `20.01 WITA` (UTC if unknown)."""
    now = (now or now_utc()).astimezone(zoneinfo.ZoneInfo(zone or "UTC"))
    return f"{now:%H.%M} {ZONE_LABELS.get(zone or '', 'UTC')}"
