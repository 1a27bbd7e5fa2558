"""Everything the phone contacted, by name and by address, with first/last seen, counts and what (if
anything) each one matched: the report's `observations`, so an investigator can check what was *not*
flagged too.

A hostile capture can hold millions of names or addresses: each kind lists at most MAX_LISTED values (those
that matched an indicator always), and the sightings past that are counted in `unlisted`."""

from __future__ import annotations

from collections import defaultdict

MAX_LISTED = 5_000


class ObservationLog:
    KINDS = ("dns", "local_names", "sni", "http_hosts", "ips")

    def __init__(self) -> None:
        self._items: dict[str, dict[str, dict]] = {k: {} for k in self.KINDS}
        self._matches: dict[tuple[str, str], list[dict]] = defaultdict(list)
        self.unlisted = 0

    def see(self, kind: str, value: str, time: float, frame: int | None = None, count: int = 1,
            matched: bool = False) -> None:
        """`count` sightings of `value`; `matched` (it matched an indicator) lists it past the cap too."""
        if not value:
            return
        entry = self._items[kind].get(value)
        if entry is None:
            if len(self._items[kind]) >= MAX_LISTED and not matched:
                self.unlisted += count
                return
            self._items[kind][value] = {"first_seen": time, "last_seen": time, "count": count, "first_frame": frame}
            return
        entry["count"] += count
        if time < entry["first_seen"]:
            entry["first_seen"], entry["first_frame"] = time, frame
        entry["last_seen"] = max(entry["last_seen"], time)

    def seen(self, kind: str, value: str) -> bool:
        return value in self._items[kind]

    def match(self, kind: str, value: str, matched: dict) -> None:
        if matched not in self._matches[(kind, value)]:
            self._matches[(kind, value)].append(matched)

    def values(self, kind: str) -> list[str]:
        return list(self._items[kind])

    def as_report(self, iso) -> dict:
        out = {}
        for kind in self.KINDS:
            key = "ip" if kind == "ips" else "name"
            rows = []
            for value, e in sorted(self._items[kind].items(), key=lambda kv: (kv[1]["first_seen"], kv[0])):
                matches = self._matches.get((kind, value)) or []
                rows.append({key: value, "first_seen": iso(e["first_seen"]), "last_seen": iso(e["last_seen"]),
                             "count": e["count"], "first_frame": e["first_frame"],
                             "matched": matches[0] if len(matches) == 1 else (matches or None)})
            out[kind] = rows
        return out
