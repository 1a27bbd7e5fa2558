"""Suricata rules for the loaded network indicators, matching names on label boundaries as the detector
does: `dotprefix` puts a dot before the buffer, so content ".b.example" with `endswith` matches
b.example and a.b.example but never xb.example. One rule per name for DNS queries, TLS SNI and HTTP
Host; one per address or network; one per certificate SHA-1 seen in TLS.
"""

from __future__ import annotations

import re

from stalkerlab.detector.iocs.matcher import IndicatorSet

from stalkerlab.common.shown_as_data import escape_hidden

FIRST_SID = 1_900_000          # inside the 1,000,000-1,999,999 range kept for local rules
NAME_CHARS = re.compile(r"^[a-z0-9_.-]+$")
NAME_BUFFERS = (("dns", "dns.query", "; nocase"), ("tls", "tls.sni", "; nocase"),
                ("http", "http.host", ""))       # http.host is lower-cased by Suricata: nocase is refused


def _msg(text: str) -> str:
    # a line break in a family name would end the rule and start one of the feed's choosing
    return re.sub(r'([;"\\])', r"\\\1", escape_hidden(text))


def _meta(text: str) -> str:
    # metadata values end at a comma or semicolon and cannot be quoted
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text)


def _defanged(value: str) -> str:
    return value.replace(".", "[.]")


def export_suricata_rules(indicators: IndicatorSet) -> str:
    lines = ["# Suricata rules from stalkerlab: "
             + ", ".join(f"{escape_hidden(f.name)} ({f.sha256[:12]})" for f in indicators.feeds),
             "# Names match on label boundaries (dotprefix + endswith). Nothing here is ever looked up."]
    sid = FIRST_SID
    written: set[tuple[str, str]] = set()
    for ind in indicators.all():
        if (ind.kind, ind.value) in written:     # one rule per value, named after its first family
            continue
        head = f"STALKERLAB {ind.family_type.upper()} {ind.family} {ind.role}"
        meta = f"metadata: family {_meta(ind.family)}, role {ind.role}, feed {_meta(ind.feed)}; " \
               "classtype:targeted-activity;"
        rules = []
        if ind.kind == "domain" and NAME_CHARS.match(ind.value):
            for proto, buffer, nocase in NAME_BUFFERS:
                rules.append(f'alert {proto} $HOME_NET any -> any any (msg:"{_msg(head)} '
                             f'({_defanged(ind.value)}) {buffer}"; {buffer}; dotprefix; '
                             f'content:".{ind.value}"{nocase}; endswith; {meta}')
        elif ind.kind in ("ipv4", "ipv6", "cidr"):
            rules.append(f'alert ip $HOME_NET any -> [{ind.value}] any (msg:"{_msg(head)} '
                         f'({_defanged(ind.value)})"; {meta}')
        elif ind.kind == "cert_sha1" and len(ind.value) == 40:
            fingerprint = ":".join(ind.value[i:i + 2] for i in range(0, 40, 2)).lower()
            rules.append(f'alert tls any any -> $HOME_NET any (msg:"{_msg(head)} ({ind.value})"; '
                         f'tls.cert_fingerprint; content:"{fingerprint}"; {meta}')
        if not rules:
            continue
        written.add((ind.kind, ind.value))
        for rule in rules:
            lines.append(f"{rule} sid:{sid}; rev:1;)")
            sid += 1
    return "\n".join(lines) + "\n"
