"""The old import path of bugreport.zip's renderer, kept for the device writer: device/render/bugreport.py."""

from stalkerlab.simulator.device.render.bugreport import render as bugreport_zip

__all__ = ["bugreport_zip"]
