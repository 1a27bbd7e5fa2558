"""The device wing: a scenario instance -> an AndroidQF acquisition folder.

    state = build_device_state(instance, rng)       # pure data, deterministic (device/build/, device/data/)
    index = write_androidqf(state, folder)          # the folder, and where each family's traces are

It mirrors the network wing (simulator/network/): `state.py` is the contract (as the network's plan),
`build/` fills it, `render/` writes one artefact per module, named like the detector's parser of it.

`signer_certificate(signer)` is the real X.509 certificate a family's APK is signed with; its SHA-1 is
what the family file's `certificates:` lists.
"""

from stalkerlab.simulator.device.build import build_device_state
from stalkerlab.simulator.device.signing import certificate_sha1, signer_certificate
from stalkerlab.simulator.device.state import DeviceState
from stalkerlab.simulator.device.writer import DeviceIndex, write_androidqf

__all__ = ["DeviceIndex", "DeviceState", "build_device_state", "certificate_sha1", "signer_certificate",
           "write_androidqf"]
