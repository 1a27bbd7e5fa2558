"""Plain host lists: hosts-file lines (`0.0.0.0 name [name...]`) or one name per line, # comments.

Echap's generated/hosts lists C2 names only, so names are taken as C2; the family is named after the
file. A line that is only an address or a network is an address indicator. A line that is none of these
is an error naming the line, since a half-read list would look complete.
"""

from __future__ import annotations

import io
import ipaddress
import re
from collections.abc import Iterator
from pathlib import Path

from stalkerlab.detector.iocs.loading import FeedLoad, feed_text, read_feed, spend_values, unnamed_family
from stalkerlab.detector.iocs.matcher import FeedInfo, IndicatorSet

from stalkerlab.common.errors import UserError

_LABEL = r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?"
HOSTNAME = re.compile(rf"^(?:{_LABEL}\.)+{_LABEL}\.?$", re.IGNORECASE)
_ADDRESS_CHARS = re.compile(r"^[0-9A-Fa-f:./]+$")
# names every hosts file carries for the machine itself
LOCAL_NAMES = {"localhost", "localhost.localdomain", "local", "broadcasthost", "ip6-localhost", "ip6-loopback",
               "ip6-localnet", "ip6-mcastprefix", "ip6-allnodes", "ip6-allrouters", "ip6-allhosts", "0.0.0.0"}


def _is_address(text: str) -> bool:
    if not _ADDRESS_CHARS.match(text):      # most lines are names: no exception to raise for them
        return False
    try:
        ipaddress.ip_network(text, strict=False)
        return True
    except ValueError:
        return False


def host_list_entries(path: Path, text: str) -> Iterator[tuple[str, str]]:
    """(kind, value) with kind "domain" or "ip", line by line; UserError naming the first line that is
    neither."""
    for lineno, line in enumerate(io.StringIO(text, newline=None), 1):
        fields = line.split("#", 1)[0].split()
        if not fields:
            continue
        if len(fields) == 1 and _is_address(fields[0]):
            yield "ip", fields[0]
            continue
        names = fields[1:] if len(fields) > 1 and _is_address(fields[0]) else fields
        if len(fields) > 1 and names is fields:
            raise UserError(f"{path}:{lineno}: not a host list line (expected `ADDRESS NAME` or `NAME`): "
                            f"{line.strip()[:60]!r}")
        for name in names:
            if name.lower() in LOCAL_NAMES or "." not in name.strip("."):
                continue
            if not HOSTNAME.match(name):
                raise UserError(f"{path}:{lineno}: {name[:60]!r} is not a host name")
            yield "domain", name


def load_host_list(indicators: IndicatorSet, path: Path, data: bytes | None = None) -> FeedInfo:
    data = read_feed(path) if data is None else data
    load = FeedLoad(indicators, path.stem if path.suffix else path.name, "host-list", path, data)
    family = unnamed_family(load.info.name)
    text = feed_text(path, data)
    spend_values(indicators, path, text.count("\n") + 1)
    for kind, value in host_list_entries(path, text):
        load.add(value, kind, "c2", family, "stalkerware")
    if not load.entries:
        raise UserError(f"{path}: no host names or addresses in this file")
    load.info.apps = 1
    return load.finish()
