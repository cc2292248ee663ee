"""Bundled price sheets (YAML), shipped inside the wheel as ``tokencost.pricing_data``."""
