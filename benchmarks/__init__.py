"""`make bench`: the tracker measured against the limits of its own libraries, in one run.

Each figure is compared with a reference measured in the same run on the same data (PERF.md:
the machines are shared and noisy, so targets are ratios). Data is generated here,
deterministically. SQLite by default; PostgreSQL with DATABASE_URL (an empty database) or
`--postgresql` (a throwaway server on a loopback port).
"""
