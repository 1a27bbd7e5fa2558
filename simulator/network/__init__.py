"""The network wing: a scenario instance -> the phone's capture, as the access point saw it.

    plan, facts = build_traffic(instance)           # pure data, deterministic (network/build/, network/data/)
    index = write_capture(plan, path, fmt="pcap")   # the file, and the packet number of each key event

It mirrors the device wing (simulator/device/): `plan.py` is the contract (as the device's state), `build/`
fills it, `render/` writes one protocol per module, named like the detector's parser of it
(detector/capture/protocols/<protocol>.py), and `capture/` turns sessions into frames and the file.
"""

from stalkerlab.simulator.network.build import TrafficFacts, build_traffic
from stalkerlab.simulator.network.capture import write_capture

__all__ = ["TrafficFacts", "build_traffic", "write_capture"]
