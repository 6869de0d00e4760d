"""The analytical pages: a campaign's dashboard, the tier comparison, and their CSV/XLSX exports."""
