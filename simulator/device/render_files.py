"""The old import path of the AndroidQF files other than dumpsys.txt, kept for the device writer: each file
now has its own module in device/render/ (named like the detector's parser of it)."""

from stalkerlab.simulator.device.render.acquisition import render as acquisition_json
from stalkerlab.simulator.device.render.getprop import render as getprop_txt
from stalkerlab.simulator.device.render.json_lists import render_files as files_json
from stalkerlab.simulator.device.render.json_lists import render_mounts as mounts_json
from stalkerlab.simulator.device.render.json_lists import render_root_binaries as root_binaries_json
from stalkerlab.simulator.device.render.packages_json import render as packages_json
from stalkerlab.simulator.device.render.processes import render_ps as ps_txt
from stalkerlab.simulator.device.render.settings import render as settings_txt

__all__ = ["acquisition_json", "files_json", "getprop_txt", "mounts_json", "packages_json", "ps_txt",
           "root_binaries_json", "settings_txt"]
