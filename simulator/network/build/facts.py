"""What the answer key needs to know about the traffic that was generated."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class TrafficFacts:
    c2_domains: list[str] = field(default_factory=list)
    c2_ips: list[str] = field(default_factory=list)
    first_c2_time: float | None = None
    beacon_period_s: float | None = None
    uploads: list[dict] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)   # tag -> what it marks, in plain words

    def contact(self, at: float, domain: str | None, ip: str | None) -> None:
        if domain and domain not in self.c2_domains:
            self.c2_domains.append(domain)
        if ip and ip not in self.c2_ips:
            self.c2_ips.append(ip)
        if self.first_c2_time is None or at < self.first_c2_time:
            self.first_c2_time = at
