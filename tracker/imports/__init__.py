"""Importing platform exports in the web app: upload, preview, commit, history."""
