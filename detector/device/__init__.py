"""Device side of the detector: an AndroidQF acquisition (folder or zip, or MVT-style loose files) ->
findings, install-story timeline, per-check status and the package inventory.

    from stalkerlab.detector.device import analyse_device
    result = analyse_device("acq/", indicators)     # indicators: match_package / match_cert_sha1 / match_apk_hash
"""

from stalkerlab.detector.device.analysis import DeviceAnalysis, InstalledPackage, analyse_device
from stalkerlab.detector.device.checks import DEVICE_CHECKS

__all__ = ["DEVICE_CHECKS", "DeviceAnalysis", "InstalledPackage", "analyse_device"]
