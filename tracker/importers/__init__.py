"""Platform export importers: pure functions from file bytes to normalised records.

``registry.parse_file(data, filename)`` is the entry point; the records it
returns are described in ``model``. Nothing here touches the database or Flask.
"""
