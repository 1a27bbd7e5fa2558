"""The detector: captures and device states -> events -> rules -> findings -> verdict and report."""
