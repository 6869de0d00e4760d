"""Personal API tokens: created and revoked by their owner, shown once, stored hashed."""
