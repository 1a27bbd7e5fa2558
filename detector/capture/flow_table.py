"""The flow table: which connection each packet belongs to, who opened it, and a bound on the memory it takes.

Memory is bounded whatever the capture holds (issue 8). At most MAX_FLOWS flows are kept whole; past that,
the least telling ones (no handshake, idle, no payload, fewest packets, oldest first) are folded into
per-destination summaries (counts, bytes, first packet, server names seen; no per-connection timing), at most
MAX_SUMMARIES destinations of them, and connections past that are only counted. A lone SYN waits as a small
tuple until a second packet makes it a flow, so a scan of millions of addresses costs a dictionary entry per
probe, not a flow. The report's coverage says how many connections were summarised.

Who opened a connection is read from the handshake (SYN, SYN-ACK), from the message (a DNS or DHCP answer
comes from the server) or, for a connection already open when the capture started, from the ports and the
address scope: the first packet seen is the server's as often as the client's.
"""

from __future__ import annotations

from itertools import islice

from stalkerlab.detector.capture.events import HttpRequest, TlsCertificate, TlsClientHello, TlsServerHello

MAX_FLOWS = 10_000             # flows kept whole (a busy phone's hour has a few hundred)
KEEP_AFTER_FOLDING = MAX_FLOWS // 4
MAX_SUMMARIES = 10_000         # destinations whose folded flows are summarised; past this only counted
MAX_SUMMARY_NAMES = 16         # server names kept per summary
IDLE_S = 60.0                  # a flow silent this long is folded before busier ones
TCP, UDP = 6, 17
# Ports of services a phone connects to: the side that has one is the server when the capture starts
# in the middle of a connection.
SERVICE_PORTS = frozenset((20, 21, 22, 25, 53, 67, 80, 110, 123, 143, 443, 465, 500, 587, 853, 993, 995, 1194,
                           1701, 1883, 3478, 4500, 5222, 5223, 5228, 5353, 8080, 8443, 8883, 19302, 51820))
EPHEMERAL_FROM = 32768         # Android and Linux pick client ports from 32768 up


class Flow:
    """One connection (TCP) or exchange (UDP), counted from both sides; the client is who opened it.
    It carries the handshake events found in it: at the end of the capture it is the flow_end event."""

    __slots__ = ("key", "rkey", "proto", "src", "sport", "dst", "dport", "start", "end", "pk_out", "pk_in", "b_out",
                 "b_in", "first_frame", "bursts", "burst_start", "burst_bytes", "last_out", "inspect", "sni",
                 "hello", "server_hello", "http", "requests", "cert", "cert_frame", "payload_out", "payload_in",
                 "max_gap", "reading")

    def __init__(self, key, rkey, proto, src, sport, dst, dport, ts, frame):
        self.key, self.rkey = key, rkey         # flow-table keys of the client's and the server's direction
        self.proto, self.src, self.sport, self.dst, self.dport = proto, src, sport, dst, dport
        self.start = self.end = ts
        self.pk_out = self.pk_in = self.b_out = self.b_in = 0
        self.payload_out = self.payload_in = 0
        self.max_gap = 0.0                      # the longest silence between two packets, either way
        self.first_frame = frame
        self.bursts: list[tuple[float, int]] = []
        self.burst_start, self.burst_bytes, self.last_out = ts, 0, -1e18
        self.inspect = True
        self.reading = None                     # what the payload reader keeps until the handshake is understood
        self.sni: str | None = None
        self.hello: TlsClientHello | None = None
        self.server_hello: TlsServerHello | None = None
        self.http: HttpRequest | None = None    # the first request
        self.requests: tuple[HttpRequest, ...] = ()     # every request seen, the first included
        self.cert: tuple[TlsCertificate, ...] | None = None
        self.cert_frame: int | None = None

    @property
    def hello_frame(self) -> int | None:
        return self.hello.frame if self.hello else None

    @property
    def http_frame(self) -> int | None:
        return self.http.frame if self.http else None


class DestinationSummary:
    """Flows folded out of the flow table, totalled per (protocol, server address, server port)."""

    __slots__ = ("proto", "dst", "dport", "flows", "pk_out", "pk_in", "b_out", "b_in", "payload_out",
                 "payload_in", "start", "end", "first_frame", "names")

    def __init__(self, proto: int, dst: bytes, dport: int, ts: float, frame: int):
        self.proto, self.dst, self.dport = proto, dst, dport
        self.flows = self.pk_out = self.pk_in = self.b_out = self.b_in = self.payload_out = self.payload_in = 0
        self.start = self.end = ts
        self.first_frame = frame
        # server names the folded flows carried: (kind "sni" | "http", name) -> (time, frame)
        self.names: dict[tuple[str, str], tuple[float, int]] = {}

    def add(self, flow: Flow) -> None:
        self.flows += 1
        self.pk_out += flow.pk_out
        self.pk_in += flow.pk_in
        self.b_out += flow.b_out
        self.b_in += flow.b_in
        self.payload_out += flow.payload_out
        self.payload_in += flow.payload_in
        self._when(flow.start, flow.end, flow.first_frame)
        events = [("sni", flow.hello.sni, flow.hello)] if flow.hello and flow.hello.sni else []
        events += [("http", r.host, r) for r in flow.requests if r.host]
        for kind, name, event in events:
            if len(self.names) < MAX_SUMMARY_NAMES:
                self.names.setdefault((kind, name), (event.time, event.frame))

    def add_syn(self, ts: float, frame: int, size: int) -> None:
        self.flows += 1
        self.pk_out += 1
        self.b_out += size
        self._when(ts, ts, frame)

    def _when(self, start: float, end: float, frame: int) -> None:
        if start < self.start:
            self.start, self.first_frame = start, frame
        if end > self.end:
            self.end = end


def reverse_key(key: bytes) -> bytes:
    """The key of the other direction: addresses and ports swapped."""
    n = 4 if len(key) == 12 else 16
    return key[n:2 * n] + key[:n] + key[2 * n + 2:2 * n + 4] + key[2 * n:2 * n + 2]


def split_key(key: bytes) -> tuple[bytes, int, bytes, int]:
    """(source address, source port, destination address, destination port) of a flow-table key."""
    n = 4 if len(key) == 12 else 16
    return key[:n], (key[2 * n] << 8) | key[2 * n + 1], key[n:2 * n], (key[2 * n + 2] << 8) | key[2 * n + 3]


def local_address(raw: bytes) -> bool:
    """Private, link-local, loopback or unique-local: the phone's side of a connection to the internet."""
    if len(raw) == 4:
        a, b = raw[0], raw[1]
        return a in (10, 127) or (a, b) == (192, 168) or (a == 172 and 16 <= b < 32) or (a, b) == (169, 254)
    return raw[0] & 0xFE == 0xFC or raw[:2] == b"\xfe\x80" or raw == b"\0" * 15 + b"\x01"


def sender_is_client(proto: int, sport: int, dport: int, src: bytes, dst: bytes, buf: bytes, l4: int,
                     data_at: int, ip_end: int) -> bool:
    """Who opened the connection whose first packet (as captured) this is. The first sender is taken only
    when nothing else tells."""
    if proto == TCP:
        flags = buf[l4 + 13]
        if flags & 0x02:                               # SYN: the client's; SYN-ACK: the server's
            return not flags & 0x10
    elif sport != dport and (sport in (53, 5353) or dport in (53, 5353)) and data_at + 3 <= ip_end:
        return not buf[data_at + 2] & 0x80             # the QR bit: a DNS response comes from the server
    elif sport in (67, 68) and dport in (67, 68) and data_at < ip_end:
        return buf[data_at] == 1                       # BOOTREQUEST: the DHCP client's
    if (sport in SERVICE_PORTS) != (dport in SERVICE_PORTS):
        return dport in SERVICE_PORTS
    if (sport < 1024) != (dport < 1024):
        return dport < 1024
    if local_address(src) != local_address(dst):
        return local_address(src)                      # the phone is on the local network
    if (sport >= EPHEMERAL_FROM) != (dport >= EPHEMERAL_FROM):
        return sport >= EPHEMERAL_FROM
    return True


class FlowTable:
    """Flows by key (both directions: key -> (flow, whether that direction is the client's)), lone SYNs,
    and the summaries of folded flows."""

    def __init__(self) -> None:
        self.tcp: dict[bytes, tuple[Flow, bool]] = {}
        self.udp: dict[bytes, tuple[Flow, bool]] = {}
        self.syns: dict[bytes, tuple[float, int, int]] = {}     # client key -> (time, frame, size) of a lone SYN
        self.flows: list[Flow] = []
        self.summaries: dict[tuple[int, bytes, int], DestinationSummary] = {}
        self.summarised = 0             # flows folded
        self.unlisted = 0               # of which past MAX_SUMMARIES destinations: only counted
        self.folded_bytes = 0

    def lone_syn(self, key: bytes, ts: float, frame: int, size: int) -> tuple[Flow, bool] | None:
        """A SYN without payload on an unknown key: kept as a tuple; a second SYN makes it a flow (returned)."""
        first = self.syns.pop(key, None)
        if first is None:
            self.syns[key] = (ts, frame, size)
            if len(self.syns) > MAX_FLOWS:
                self._fold_syns(len(self.syns) - KEEP_AFTER_FOLDING)
            return None
        return self._from_syn(key, reverse_key(key), first, True)

    def open(self, key: bytes, proto: int, buf: bytes, l4: int, data_at: int, ip_end: int, ts: float,
             frame: int) -> tuple[Flow, bool]:
        """The flow of a packet whose key is not in the table yet."""
        reverse = reverse_key(key)
        if proto == TCP and self.syns:
            syn = self.syns.pop(reverse, None)
            if syn is not None:                          # the answer to a lone SYN
                return self._from_syn(reverse, key, syn, False)
        src, sport, dst, dport = split_key(key)
        table = self.tcp if proto == TCP else self.udp
        if sender_is_client(proto, sport, dport, src, dst, buf, l4, data_at, ip_end):
            flow = self._add(Flow(key, reverse, proto, src, sport, dst, dport, ts, frame))
            table[reverse] = (flow, False)
            entry = table[key] = (flow, True)
        else:
            flow = self._add(Flow(reverse, key, proto, dst, dport, src, sport, ts, frame))
            table[reverse] = (flow, True)
            entry = table[key] = (flow, False)
        return entry

    def finish(self) -> list[Flow]:
        """The flows at the end of the capture (lone SYNs become one-packet flows, room permitting)."""
        for key, syn in list(self.syns.items()):
            del self.syns[key]
            self._from_syn(key, reverse_key(key), syn, True)
        return self.flows

    def _from_syn(self, key: bytes, reverse: bytes, syn: tuple[float, int, int], client_sent: bool
                  ) -> tuple[Flow, bool]:
        ts, frame, size = syn
        src, sport, dst, dport = split_key(key)
        flow = self._add(Flow(key, reverse, TCP, src, sport, dst, dport, ts, frame))
        flow.pk_out, flow.b_out = 1, size
        self.tcp[key], self.tcp[reverse] = (flow, True), (flow, False)
        return self.tcp[key] if client_sent else self.tcp[reverse]

    def _add(self, flow: Flow) -> Flow:
        if len(self.flows) >= MAX_FLOWS:
            self._fold(flow.start)
        self.flows.append(flow)
        return flow

    def _fold(self, now: float) -> None:
        """Folds the least telling flows until KEEP_AFTER_FOLDING remain (in capture order, which breaks ties:
        the oldest go first)."""
        idle_before = now - IDLE_S

        def rank(flow: Flow) -> int:
            """Lower is folded first: no handshake event, then idle, then no payload, then few packets."""
            return ((flow.hello is not None or flow.http is not None) << 3 | (flow.end >= idle_before) << 2
                    | bool(flow.payload_out or flow.payload_in) << 1 | (flow.pk_out + flow.pk_in > 2))

        folded = sorted(self.flows, key=rank)[:len(self.flows) - KEEP_AFTER_FOLDING]
        for flow in folded:
            table = self.tcp if flow.proto == TCP else self.udp
            table.pop(flow.key, None)
            table.pop(flow.rkey, None)
            self.folded_bytes += flow.b_out + flow.b_in
            self.summarised += 1
            where = (flow.proto, flow.dst, flow.dport)
            summary = self.summaries.get(where)
            if summary is None:
                if len(self.summaries) >= MAX_SUMMARIES:
                    self.unlisted += 1
                    continue
                summary = self.summaries[where] = DestinationSummary(*where, flow.start, flow.first_frame)
            summary.add(flow)
        gone = set(map(id, folded))
        self.flows = [f for f in self.flows if id(f) not in gone]

    def _fold_syns(self, count: int) -> None:
        """Folds the `count` oldest lone SYNs (a dict keeps insertion order)."""
        summaries, syns = self.summaries, self.syns
        for key in list(islice(syns, count)):
            ts, frame, size = syns.pop(key)
            n = 4 if len(key) == 12 else 16
            where = (TCP, key[n:2 * n], (key[-2] << 8) | key[-1])      # the server's address and port
            self.folded_bytes += size
            self.summarised += 1
            summary = summaries.get(where)
            if summary is None:
                if len(summaries) >= MAX_SUMMARIES:
                    self.unlisted += 1
                    continue
                summary = summaries[where] = DestinationSummary(*where, ts, frame)
            summary.add_syn(ts, frame, size)
