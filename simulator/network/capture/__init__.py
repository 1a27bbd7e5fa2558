"""Fast capture writer: a `CapturePlan` -> a pcap or pcapng file that tshark reads cleanly.

    from stalkerlab.simulator.network.capture import write_capture
    index = write_capture(plan, path, fmt="pcap")

No scapy on this path: frames are built with struct templates, and the checksums of the bytes that stand
for encrypted data come from prefix sums over one random buffer, so a million packets take seconds.
"""

from stalkerlab.simulator.network.capture.writer import write_capture

__all__ = ["write_capture"]
