"""gunicorn settings of the production image (docker-compose, Dockerfile); ``make bench`` serves
the pages it measures with the same file. Each value can be changed from the environment.

Sync workers: one request at a time per process, each keeping its database connection between
requests (``CONN_MAX_AGE`` in ``somobilite/settings/production.py``). ``WEB_CONCURRENCY``
workers: 4 is what the HTTP benchmark showed best on two cores (about 2 per core; a worker
waiting on PostgreSQL or Redis leaves its core to another). Each worker warms up before its
first request (``somobilite/wsgi.py``). No access log: it would log addresses and paths (the
app logs each request itself, without them).
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
