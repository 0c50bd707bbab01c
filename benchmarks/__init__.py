"""Benchmarks of the whole project, run together by ``make bench`` (``python -m benchmarks``).

Nothing in the project imports this package: it sits on top of every app, starts its own
services (PostgreSQL, Redis, gunicorn, a Celery worker) on loopback and measures them.
"""
