"""Streaming pcap / pcapng reader: (frame number, timestamp, buffer, IP offset, frame end), never a copy of
the whole file.

The capture is memory-mapped: frames are read where the page cache holds them, with no read() copies, and
only the pages being parsed are resident, so a gigabyte capture costs the analysis its working set, not
its size. The evidence hash (SHA-256) reads the same mapping in a thread of its own; hashlib lets go of
the GIL, so on a machine with a second core (a laptop, a Raspberry Pi) it costs the analysis no time.

Link types read: Ethernet (with 802.1Q/802.1ad tags), Linux cooked v1 and v2, raw IP, BSD/macOS loopback
and Apple PKTAP; a pcap of another link type is refused naming it, and frames of such a pcapng interface are
counted, not read (a pcapng holding nothing else is refused). Damaged files
stop with `CaptureError` naming the file and the frame, or, for a file cut short, end early and mark the
reading as truncated so the analysis can say it is partial. Records that cannot be packets (zero length,
longer than the capture's snapshot length) keep their frame number, as Wireshark numbers them, but count as
damage and give no time; a long run of them ends the reading as a damaged tail. Times that run backwards are
counted, and the capture's first and last times are its earliest and latest.
"""

from __future__ import annotations

import hashlib
import mmap
import struct
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

MAX_RECORD = 256 * 1024          # bigger than any real snaplen: a larger length means a corrupt file
LAST_TIMESTAMP = 253402300799.0  # 9999-12-31T23:59:59Z, the last time a report can write
PCAPNG_MIN_BODY = {1: 8, 6: 20, 3: 4}   # interface description, enhanced and simple packet blocks
LINK_ETHERNET, LINK_RAW, LINK_SLL, LINK_SLL2, LINK_IPV4, LINK_IPV6 = 1, 101, 113, 276, 228, 229
LINK_NULL, LINK_LOOP, LINK_PKTAP = 0, 108, 258      # BSD/macOS loopback (host and network byte order), macOS PKTAP
LINK_RAW_OLD = (12, 14)                             # raw IP as some BSDs wrote it before LINKTYPE_RAW
SUPPORTED_LINKS = {LINK_ETHERNET: "Ethernet", LINK_RAW: "raw IP", 12: "raw IP", 14: "raw IP", LINK_IPV4: "IPv4",
                   LINK_IPV6: "IPv6", LINK_SLL: "Linux cooked", LINK_SLL2: "Linux cooked v2",
                   LINK_NULL: "BSD loopback", LINK_LOOP: "OpenBSD loopback", LINK_PKTAP: "Apple PKTAP"}
# link types met in phone captures that the detector does not read, and why (README lists them)
UNSUPPORTED_LINKS = {105: "802.11 Wi-Fi frames", 127: "802.11 Wi-Fi with radiotap", 119: "802.11 Wi-Fi with Prism",
                     163: "802.11 Wi-Fi with AVS", 192: "802.11 Wi-Fi with PPI", 9: "PPP", 204: "PPP with direction",
                     187: "Bluetooth HCI", 201: "Bluetooth HCI", 189: "USB", 220: "USB", 253: "Linux netlink"}
PCAP_MAGICS = (b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4", b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
PCAPNG_MAGIC = b"\x0a\x0d\x0d\x0a"
PROGRESS_EVERY = 0xFFFF          # frames between two progress reports (a power of two minus one)
HASH_STEP = 1 << 24
# madvise is POSIX-only (not on Windows, where the mapping simply stays resident)
CAN_RELEASE = hasattr(mmap.mmap, "madvise") and hasattr(mmap, "MADV_DONTNEED")
READ_BEHIND = 1 << 20            # pages this far behind the parser stay mapped (a frame never spans more)
DAMAGED_RUN = 1024               # records in a row that cannot be packets: the rest of the file is not a capture


class CaptureError(Exception):
    """The capture cannot be read: names the file and the problem in one line."""


@dataclass
class ReadState:
    sha256: str = ""
    size: int = 0
    frames: int = 0
    truncated: bool = False
    problem: str = ""
    first_ts: float | None = None    # the earliest packet time (not the first record's, when time runs back)
    last_ts: float | None = None     # the latest
    damaged: int = 0                 # records that cannot be packets
    backwards: int = 0               # packets timed earlier than the packet before them
    first_backwards: int | None = None   # the frame where time first ran backwards
    unsupported: int = 0             # frames on a link type that is not read (pcapng interfaces)
    unsupported_link: int | None = None

    def went_back(self, number: int, ts: float, before: float) -> None:
        """Time ran backwards at frame `number`: the earliest time is always at such a step (or the first
        packet) and the latest just before one (or the last packet), so only these steps update them."""
        self.backwards += 1
        if self.first_backwards is None:
            self.first_backwards = number
        self.first_ts = ts if self.first_ts is None else min(self.first_ts, ts)
        self.last_ts = before if self.last_ts is None else max(self.last_ts, before)

    def ended(self, first: float | None, last: float | None) -> None:
        if first is not None:
            self.first_ts = first if self.first_ts is None else min(self.first_ts, first)
        if last is not None:
            self.last_ts = last if self.last_ts is None else max(self.last_ts, last)


class _DamageCount:
    """Records that cannot be packets. Empty ones in a run of DAMAGED_RUN end the reading (zeros where a
    capture should be); longer-than-snapshot ones are still read, since their bytes may be a packet."""

    def __init__(self, state: ReadState):
        self._state, self._last, self._run_start = state, -1, 0

    def empty(self, number: int) -> bool:
        """Counts frame `number`; True when the run it ends makes the rest of the file unreadable."""
        self._state.damaged += 1
        if number != self._last + 1:
            self._run_start = number
        self._last = number
        if number - self._run_start + 1 < DAMAGED_RUN:
            return False
        self._state.truncated = True
        self._state.problem = (f"from frame {self._run_start} on, {DAMAGED_RUN:,} records in a row are empty "
                               "(zero length), so reading stopped there")
        return True

    def oversized(self) -> None:
        self._state.damaged += 1


class _PageWindow:
    """Gives back the pages of the mapping a reader has passed (they stay in the page cache), so the
    process holds a window of the capture, not all of it that was read."""

    def __init__(self, mapped: mmap.mmap, behind: int):
        self._mapped, self._behind, self._done = mapped, behind, 0

    def passed(self, offset: int) -> None:
        end = offset - self._behind
        end -= end % mmap.PAGESIZE
        if CAN_RELEASE and end > self._done:
            self._mapped.madvise(mmap.MADV_DONTNEED, self._done, end - self._done)
            self._done = end


class _MappingHash:
    """SHA-256 of the whole mapping, computed in a thread while the frames are parsed; it is joined before
    the mapping closes."""

    def __init__(self, mapped: mmap.mmap):
        self.digest = hashlib.sha256()
        self._view = memoryview(mapped)
        self._window = _PageWindow(mapped, 0)
        self._thread = threading.Thread(target=self._run, name="capture-sha256", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        for start in range(0, len(self._view), HASH_STEP):
            self.digest.update(self._view[start:start + HASH_STEP])
            self._window.passed(start + HASH_STEP)

    def result(self) -> str:
        self._thread.join()
        self._view.release()
        return self.digest.hexdigest()


def _ip_offset(linktype: int, buf: bytes, start: int) -> int | None:
    """Where the IP header starts in the frame that begins at `start` in `buf`, or None for non-IP frames."""
    if linktype == LINK_ETHERNET:
        offset, ethertype = start + 14, buf[start + 12:start + 14]
        while ethertype in (b"\x81\x00", b"\x88\xa8"):       # VLAN tags
            ethertype = buf[offset + 2:offset + 4]
            offset += 4
        return offset if ethertype in (b"\x08\x00", b"\x86\xdd") else None
    if linktype == LINK_SLL:
        return start + 16 if buf[start + 14:start + 16] in (b"\x08\x00", b"\x86\xdd") else None
    if linktype == LINK_SLL2:
        return start + 20 if buf[start:start + 2] in (b"\x08\x00", b"\x86\xdd") else None
    if linktype in (LINK_RAW, LINK_IPV4, LINK_IPV6) or linktype in LINK_RAW_OLD:
        return start
    if linktype in (LINK_NULL, LINK_LOOP):
        # a 4-byte address family, in whichever byte order the capturing machine used: the IP version says
        return start + 4 if buf[start + 4:start + 5] and buf[start + 4] >> 4 in (4, 6) else None
    if linktype == LINK_PKTAP and start + 8 <= len(buf):
        length, inner = struct.unpack_from("<II", buf, start)    # the header is in the Mac's byte order
        return _ip_offset(inner, buf, start + length) if length >= 8 and inner != LINK_PKTAP else None
    return None


def link_problem(linktype: int) -> str | None:
    """Why frames of this link type are not read, or None when they are."""
    if linktype in SUPPORTED_LINKS:
        return None
    what = UNSUPPORTED_LINKS.get(linktype, "a link layer the detector does not read")
    return f"link type {linktype} ({what}) is not supported; capture on the access point's wired side or " \
           "with tcpdump/PCAPdroid on the phone (Ethernet, Linux cooked or raw IP)"


def read_frames(path: Path, state: ReadState, progress: Callable[[int], None] | None = None
                ) -> Iterator[tuple[int, float, bytes, int, int]]:
    """(frame number, timestamp, buffer, offset of the IP header in the buffer, end of the frame in it).

    Frames are not copied out: the caller reads them at offsets in the buffer. Non-IP frames are counted
    but not yielded. `progress(bytes_done)` is called every 65,536 frames and at the end."""
    try:
        handle = open(path, "rb")
    except OSError as exc:
        raise CaptureError(f"{path}: cannot open the capture ({exc.strerror})") from None
    with handle:
        try:
            size = Path(path).stat().st_size
            mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) if size else None
        except (OSError, ValueError) as exc:
            raise CaptureError(f"{path}: cannot be read as a file ({exc})") from None
        if mapped is None or size < 4:
            raise CaptureError(f"{path}: empty or too short to be a capture")
        with mapped:
            if CAN_RELEASE:
                mapped.madvise(mmap.MADV_SEQUENTIAL)
            hashing = _MappingHash(mapped)
            window = _PageWindow(mapped, READ_BEHIND)

            def reached(offset: int) -> None:
                window.passed(offset)
                if progress is not None:
                    progress(offset)

            try:
                magic = mapped[:4]
                if magic == PCAPNG_MAGIC:
                    yield from _pcapng(path, mapped, state, reached)
                elif magic in PCAP_MAGICS:
                    yield from _pcap(path, mapped, magic, state, reached)
                else:
                    raise CaptureError(f"{path}: not a pcap or pcapng file (unknown magic {magic.hex()})")
            finally:
                state.sha256, state.size = hashing.result(), size
        if progress is not None:
            progress(size)


def _pcap(path, buf, magic: bytes, state: ReadState, reached):
    """Classic pcap: the hot loop, one unpack and a few comparisons per frame."""
    little = magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1")
    nano = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
    size = len(buf)
    if size < 24:
        raise CaptureError(f"{path}: the pcap header is cut short")
    snaplen, linktype = struct.unpack_from("<II" if little else ">II", buf, 16)
    linktype &= 0x0FFFFFFF
    if link_problem(linktype):
        raise CaptureError(f"{path}: {link_problem(linktype)}")
    if not 0 < snaplen < MAX_RECORD:
        snaplen = MAX_RECORD
    # the record header and, for Ethernet, the EtherType at frame offset 12, in one call
    unpack_from = struct.Struct("<IIII12x2s" if little else ">IIII12x2s").unpack_from
    unpack_short = struct.Struct("<IIII" if little else ">IIII").unpack_from
    scale = 1e-9 if nano else 1e-6
    ethernet = linktype == LINK_ETHERNET
    ipv4, ipv6 = b"\x08\x00", b"\x86\xdd"
    damage = _DamageCount(state)
    pos, number = 24, 0
    first = ts = before = None
    limit = size - 30                    # records that end closer to the file's end than this take the slow way
    while True:
        if pos <= limit:
            sec, frac, caplen, _orig, ethertype = unpack_from(buf, pos)
        elif pos + 16 <= size:
            sec, frac, caplen, _orig = unpack_short(buf, pos)
            ethertype = buf[pos + 28:pos + 30]
        else:
            if pos < size:
                state.truncated, state.problem = True, f"file ends inside the header of frame {number + 1}"
            break
        end = pos + 16 + caplen
        if not 0 < caplen <= snaplen:
            if caplen > MAX_RECORD:
                raise CaptureError(f"{path}: frame {number + 1} claims {caplen} bytes: the file is damaged")
            if end > size:
                state.truncated, state.problem = True, f"file ends inside frame {number + 1}"
                break
            number += 1
            if caplen:
                damage.oversized()
            elif damage.empty(number):
                number -= DAMAGED_RUN    # the run is the file's damaged tail, not frames
                break
            else:
                pos = end
                continue
        elif end > size:
            state.truncated, state.problem = True, f"file ends inside frame {number + 1}"
            break
        else:
            number += 1
        ts = sec + frac * scale
        if first is None:
            first = before = ts
        elif ts < before:
            state.went_back(number, ts, before)
        before = ts
        if ethernet:
            if (ethertype == ipv6 or ethertype == ipv4) and caplen > 14:
                yield number, ts, buf, pos + 30, end
            elif ethertype in (b"\x81\x00", b"\x88\xa8"):
                ip_at = _ip_offset(linktype, buf, pos + 16)
                if ip_at is not None and ip_at < end:
                    yield number, ts, buf, ip_at, end
        else:
            ip_at = _ip_offset(linktype, buf, pos + 16)
            if ip_at is not None and ip_at < end:
                yield number, ts, buf, ip_at, end
        if not number & PROGRESS_EVERY:
            reached(end)
        pos = end
    state.frames = number
    state.ended(first, before)


def _pcapng(path, buf, state: ReadState, reached):
    size = len(buf)
    interfaces: list[tuple[int, float]] = []
    order = "<"
    number, pos = 0, 0
    damage = _DamageCount(state)
    first = before = None
    try:
        while pos < size:
            if pos + 12 > size:
                state.truncated, state.problem = True, "file ends inside a pcapng block header"
                return
            if buf[pos:pos + 4] == PCAPNG_MAGIC:                  # section header: its byte order rules what follows
                bom = buf[pos + 8:pos + 12]
                if bom not in (b"\x4d\x3c\x2b\x1a", b"\x1a\x2b\x3c\x4d"):
                    raise CaptureError(f"{path}: pcapng section header has an unknown byte order mark")
                order = "<" if bom == b"\x4d\x3c\x2b\x1a" else ">"
            block_type, total = struct.unpack_from(order + "II", buf, pos)
            if total < 12 or total % 4 or total > MAX_RECORD + 64:
                raise CaptureError(f"{path}: pcapng block after frame {number} has an impossible length {total}")
            if pos + total > size:
                state.truncated, state.problem = True, f"file ends inside the pcapng block after frame {number}"
                return
            body_at, block_end = pos + 8, pos + total - 4
            body_len = block_end - body_at
            pos += total
            if block_type == 0x0A0D0D0A:
                interfaces = []
            elif block_type in PCAPNG_MIN_BODY and body_len < PCAPNG_MIN_BODY[block_type]:
                raise CaptureError(f"{path}: pcapng block after frame {number} is shorter than its fixed fields: "
                                   "the file is damaged")
            elif block_type == 1:                                    # interface description
                linktype = struct.unpack_from(order + "H", buf, body_at)[0]
                interfaces.append((linktype, _tsresol(buf[body_at + 8:block_end], order)))
            elif block_type in (6, 3):                               # enhanced / simple packet block
                if block_type == 6:
                    iface, high, low, caplen = struct.unpack_from(order + "IIII", buf, body_at)
                    start = body_at + 20
                else:
                    iface, high, low = 0, 0, 0
                    caplen = struct.unpack_from(order + "I", buf, body_at)[0]
                    start = body_at + 4
                end = min(start + caplen, block_end)
                number += 1
                if iface >= len(interfaces):
                    raise CaptureError(f"{path}: frame {number} refers to interface {iface}, which is not described")
                if end <= start:
                    state.frames = number
                    if damage.empty(number):
                        state.frames = number - DAMAGED_RUN
                        return
                    continue
                linktype, resolution = interfaces[iface]
                if link_problem(linktype):
                    state.unsupported += 1
                    state.unsupported_link = linktype
                    state.frames = number
                    continue
                ts = ((high << 32) | low) * resolution
                if ts > LAST_TIMESTAMP:
                    # a damaged timestamp: what came before is kept, the analysis says it is partial
                    state.truncated = True
                    state.problem = f"frame {number} has a timestamp after the year 9999, so reading stopped there"
                    return
                state.frames = number
                if first is None:
                    first = before = ts
                elif ts < before:
                    state.went_back(number, ts, before)
                before = ts
                ip_at = _ip_offset(linktype, buf, start)
                if ip_at is not None and ip_at < end:
                    yield number, ts, buf, ip_at, end
                if not number & PROGRESS_EVERY:
                    reached(pos)
    finally:
        state.ended(first, before)
    if state.unsupported and state.unsupported == state.frames - state.damaged:
        raise CaptureError(f"{path}: {link_problem(state.unsupported_link)}")


def _tsresol(options: bytes, order: str) -> float:
    pos = 0
    while pos + 4 <= len(options):
        code, length = struct.unpack(order + "HH", options[pos:pos + 4])
        if code == 0:
            break
        if code == 9 and length >= 1:
            value = options[pos + 4]
            return 2.0 ** -(value & 0x7F) if value & 0x80 else 10.0 ** -value
        pos += 4 + length + ((-length) % 4)
    return 1e-6
