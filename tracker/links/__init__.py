"""Tracked links that count clicks, and the endpoint shops report conversions to."""
