"""Request and response models of the API: SQLModel non-table models beside the tables.

`XCreate` / `XUpdate` validate request bodies, `XPublic` shapes responses; each mirrors
the table's columns and limits (tests/api/test_schemas.py checks the lengths agree). Each
derives from `common.Schema` (or `Input`), whose validator is built on first use.
"""
