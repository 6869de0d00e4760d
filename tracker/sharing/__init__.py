"""Read-only share links: one campaign's recap for a brand, without an account."""
