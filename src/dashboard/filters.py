"""The shared view filters: one frozen value that filters frames and round-trips through URLs."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

import pandas as pd

from dashboard import geo, schema

DEFAULT_RADIUS_KM = 30.0
RADIUS_RANGE_KM = (1.0, 1000.0)
MAX_QUERY_LENGTH = 200
EVENT_ID = re.compile(r"(STR|DEP|VIS|STA)-\d{4}")


@dataclass(frozen=True)
class Filters:
    """What the user asked to see. Empty selections mean "everything".

    Attributes:
        start: First day shown (inclusive); None for open.
        end: Last day shown (inclusive); None for open.
        kinds: Event kinds (``strike``, ``deportation``, ``visit``, ``statement``).
        oblasts: ISO 3166-2 codes.
        q: Case-insensitive text searched in titles, descriptions, places, people and tags.
        near: Place name; keeps events within ``radius_km`` of it.
        radius_km: Radius of the ``near`` filter.
        event: An event id to open in detail; it does not narrow the rows.
        online: Let ``near`` ask OpenStreetMap's Nominatim for names the gazetteer lacks
            (None: the ``DASHBOARD_ONLINE_GEOCODING`` setting). A per-user setting, not part
            of the URL, so shared links resolve the same for everyone.
    """

    start: date | None = None
    end: date | None = None
    kinds: tuple[str, ...] = ()
    oblasts: tuple[str, ...] = ()
    q: str = ""
    near: str = ""
    radius_km: float = DEFAULT_RADIUS_KM
    event: str = ""
    online: bool | None = None

    def near_place(self) -> geo.Place | None:
        """Resolve ``near``, offline first (None when unset or unknown)."""
        return geo.geocode(self.near, online=self.online) if self.near else None

    def apply(self, events: pd.DataFrame) -> pd.DataFrame:
        """Return the rows of ``events`` that pass every filter (a new frame).

        A multi-day event passes the date filter when any of its days is in range. With
        ``near`` set, the result gains a ``distance_km`` column and is limited to the radius.
        """
        mask = pd.Series(True, index=events.index)
        if self.start is not None:
            last_day = events["end_date"].fillna(events["date"])
            mask &= last_day >= pd.Timestamp(self.start)
        if self.end is not None:
            mask &= events["date"] <= pd.Timestamp(self.end)
        if self.kinds:
            mask &= events["kind"].isin(self.kinds)
        if self.oblasts:
            mask &= events["admin1_code"].isin(self.oblasts)
        if self.q:
            mask &= events["search_text"].str.contains(self.q.casefold(), regex=False)
        kept = events.loc[mask]
        place = self.near_place()
        if place is None:
            return kept.copy()
        inside = geo.within_radius(kept, place.lat, place.lon, self.radius_km)
        return geo.with_distance_km(kept.loc[inside], place.lat, place.lon)

    def to_query_params(self) -> dict[str, str | list[str]]:
        """Return the URL parameters that reproduce this view (defaults are left out)."""
        params: dict[str, str | list[str]] = {}
        if self.start:
            params["start"] = self.start.isoformat()
        if self.end:
            params["end"] = self.end.isoformat()
        if self.kinds:
            params["kind"] = list(self.kinds)
        if self.oblasts:
            params["oblast"] = list(self.oblasts)
        if self.q:
            params["q"] = self.q
        if self.near:
            params["near"] = self.near
            if self.radius_km != DEFAULT_RADIUS_KM:
                params["radius_km"] = f"{self.radius_km:g}"
        if self.event:
            params["event"] = self.event
        return params

    @classmethod
    def from_query_params(cls, params: Mapping[str, Sequence[str]]) -> tuple[Filters, list[str]]:
        """Parse URL parameters (each name maps to all its values).

        Returns the filters and one notice per value that was not understood; such a value
        falls back to its default.

        >>> Filters.from_query_params({"kind": ["strike"], "start": ["nope"]})[1]
        ["Ignored start='nope': not a date (use YYYY-MM-DD)."]
        """
        notices: list[str] = []

        def ignore(name: str, value: str, why: str) -> None:
            notices.append(f"Ignored {name}={value[:60]!r}: {why}.")

        def last(name: str) -> str:
            values = [v for v in params.get(name, ()) if v is not None]
            return values[-1].strip() if values else ""

        dates: dict[str, date | None] = {}
        for name in ("start", "end"):
            raw = last(name)
            dates[name] = None
            if raw:
                try:
                    dates[name] = date.fromisoformat(raw)
                except ValueError:
                    ignore(name, raw, "not a date (use YYYY-MM-DD)")
        if dates["start"] and dates["end"] and dates["start"] > dates["end"]:
            ignore("end", dates["end"].isoformat(), "it is before start")
            dates["end"] = None

        kinds: list[str] = []
        for raw in params.get("kind", ()):
            kind = parse_kind(raw)
            if kind is None:
                ignore("kind", raw, "use one of " + ", ".join(schema.KINDS))
            elif kind not in kinds:
                kinds.append(kind)

        oblasts: list[str] = []
        for raw in params.get("oblast", ()):
            code = geo.oblast_code(raw)
            if code is None:
                ignore("oblast", raw, "not an oblast of Ukraine (use an ISO code such as UA-32)")
            elif code not in oblasts:
                oblasts.append(code)

        q = last("q")
        if len(q) > MAX_QUERY_LENGTH:
            ignore("q", q, f"longer than {MAX_QUERY_LENGTH} characters")
            q = ""

        near = last("near")
        if near and geo.geocode(near) is None:
            ignore("near", near, "no such place in the gazetteer")
            near = ""

        radius = DEFAULT_RADIUS_KM
        raw = last("radius_km")
        if raw:
            try:
                value = float(raw)
            except ValueError:
                value = float("nan")
            low, high = RADIUS_RANGE_KM
            if low <= value <= high:
                radius = value
            else:
                ignore("radius_km", raw, f"use a number of kilometres from {low:g} to {high:g}")

        event = last("event").upper()
        if event and not EVENT_ID.fullmatch(event):
            ignore("event", event, "not an event id such as STR-0001")
            event = ""

        filters = cls(dates["start"], dates["end"], tuple(kinds), tuple(oblasts), q, near,
                      radius, event)
        return filters, notices

    def without_event(self) -> Filters:
        """Return the same view with no event opened."""
        return replace(self, event="")


def parse_kind(text: str) -> str | None:
    """Map a kind name, plural or table label to its kind (``Strikes`` -> ``strike``).

    >>> parse_kind("Statements")
    'statement'
    """
    key = text.strip().lower()
    for name, kind in schema.KINDS.items():
        if key in {name, kind.label.lower(), kind.file.removesuffix(".csv")}:
            return name
    return None
