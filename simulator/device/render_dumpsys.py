"""The old import path of dumpsys.txt's renderer, kept for the device writer: the full dumpsys is
device/render/dumpsys.py, each service a module beside it."""

from stalkerlab.simulator.device.render.dumpsys import render as render_dumpsys

__all__ = ["render_dumpsys"]
