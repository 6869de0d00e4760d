"""The demo workspace behind `tracker demo load`: an agency, three brands, eight campaigns.

The data is generated from a seed so every load of the same seed gives the same figures, and
it is shaped to tell the story of docs/demo.md.
"""

from .loader import load_demo

__all__ = ["load_demo"]
