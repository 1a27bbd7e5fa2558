"""Everything the phone contacted, by name and by address, with first/last seen, counts and what (if
anything) each one matched: the report's `observations`, so an investigator can check what was *not*
flagged too."""

from __future__ import annotations

from collections import defaultdict


class ObservationLog:
    KINDS = ("dns", "sni", "http_hosts", "ips")

    def __init__(self) -> None:
        self._items: dict[str, dict[str, dict]] = {k: {} for k in self.KINDS}
        self._matches: dict[tuple[str, str], list[dict]] = defaultdict(list)

    def see(self, kind: str, value: str, time: float, frame: int | None = None) -> None:
        if not value:
            return
        entry = self._items[kind].get(value)
        if entry is None:
            self._items[kind][value] = {"first_seen": time, "last_seen": time, "count": 1, "first_frame": frame}
            return
        entry["count"] += 1
        if time < entry["first_seen"]:
            entry["first_seen"], entry["first_frame"] = time, frame
        entry["last_seen"] = max(entry["last_seen"], time)

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
