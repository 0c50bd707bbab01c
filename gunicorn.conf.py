"""gunicorn settings of the production image (docker-compose, Dockerfile); ``make bench`` serves
the pages it measures with the same file. Each value can be changed from the environment.

Sync workers: one request at a time per process, each keeping its database connection between
requests (``CONN_MAX_AGE`` in ``somobilite/settings/production.py``). ``WEB_CONCURRENCY``
workers: 4 is what the HTTP benchmark showed best on two cores (about 2 per core; a worker
waiting on PostgreSQL or Redis leaves its core to another). Each worker warms up before its
first request (``somobilite/wsgi.py``). No access log: it would log addresses and paths (the
app logs each request itself, without them).

Why not ``gthread`` (``GUNICORN_WORKER_CLASS=gthread``, ``GUNICORN_THREADS`` threads per
worker, connections kept alive ``GUNICORN_KEEPALIVE`` seconds): measured side by side with
``python -m benchmarks --only reservations --variantes sync,gthread,gthread2`` (session 7), it
saves the new TCP connection of each request (bare view 2.1–2.4 ms of server CPU per request
instead of 2.5), which does not show in a booking's CPU (sync 194–213 ms, gthread 205–239,
gthread with 2 threads 191–209, load 8–9), and it loses ``timeout``: a sync worker stuck on
a request is killed after ``GUNICORN_TIMEOUT`` seconds, a gthread worker keeps beating while
its thread hangs, and every connection kept on that worker waits with it (gunicorn issue
#2086). Behind a proxy that opens a connection per request, keep-alive gains nothing anyway.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
