"""Indicator feeds (the project's training feed, Echap's YAML and samples.csv, STIX 2.1 bundles, TinyCheck
JSON, host lists), one matcher, and exports (STIX 2.1, Suricata, TinyCheck)."""

from stalkerlab.detector.iocs.feeds import load_feeds
from stalkerlab.detector.iocs.matcher import FeedInfo, Indicator, IndicatorSet

__all__ = ["FeedInfo", "Indicator", "IndicatorSet", "load_feeds"]
