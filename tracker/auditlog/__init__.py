"""The admin page listing the audit log (tracker/audit.py writes it)."""
