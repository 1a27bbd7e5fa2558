"""Scenario instance -> CapturePlan: what the phone does on the network during the capture."""

from stalkerlab.simulator.network.build.traffic import TrafficFacts, build_traffic

__all__ = ["TrafficFacts", "build_traffic"]
