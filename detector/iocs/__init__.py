"""Indicator feeds (the project's training feed, Echap's ioc.yaml / watchware.yaml) and one matcher."""

from detector.iocs.feeds import IndicatorSet, load_feeds

__all__ = ["IndicatorSet", "load_feeds"]
