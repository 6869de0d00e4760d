"""Long work as jobs: recaps and large imports run on RQ workers with Redis, in-process without.

Handlers plug in through `registry.handler(kind)`; web code calls `service.enqueue(...)`, and the
job starts once the request's transaction commits. The Job row is what the web app shows.
"""
