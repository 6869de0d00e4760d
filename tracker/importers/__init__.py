"""Platform export importers: pure functions from file bytes to normalised records.

``registry.parse_file(data, filename)`` is the entry point (``registry.open_stream`` for
a file read in parts); the records it returns are described in ``model``. The parsers
touch neither the database nor Flask; ``lookups``, ``matching``, ``commit`` and
``commands`` apply their records to a campaign.
"""
