"""gunicorn settings of the production image (docker-compose, Dockerfile); ``make bench`` serves
the pages it measures with the same file. Each value can be changed from the environment.

Sync workers: one request at a time per process, each keeping its database connection between
requests (``CONN_MAX_AGE`` in ``somobilite/settings/production.py``). ``WEB_CONCURRENCY``
workers: 4 is what the HTTP benchmark showed best on two cores (about 2 per core; a worker
waiting on PostgreSQL or Redis leaves its core to another). Each worker warms up before its
first request (``somobilite/wsgi.py``). No access log: it would log addresses and paths (the
app logs each request itself, without them).

``GUNICORN_WORKER_CLASS=gthread`` (with ``GUNICORN_THREADS`` threads per worker, 1 by default:
still one request at a time per process) keeps a client's connection open between requests
(``GUNICORN_KEEPALIVE`` seconds) where a sync worker closes it after every response; ``make
bench --only reservations --variantes sync,gthread`` compares the two side by side.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
