# So Mobilité web, worker and beat image (Debian 12, Python 3.11, locked dependencies).
FROM python:3.11-slim-bookworm

# Bytecode compiled once, when the dependencies are installed (UV_COMPILE_BYTECODE):
# PYTHONDONTWRITEBYTECODE stops writing it at run time, so without it every fresh process (a
# worker, manage.py annual_report) would compile the modules it imports again.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PYTHON_DOWNLOADS=never \
    UV_COMPILE_BYTECODE=1 \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    PATH="/opt/venv/bin:$PATH" \
    DJANGO_SETTINGS_MODULE=somobilite.settings.production

RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
      libharfbuzz-subset0 fonts-dejavu-core gettext \
 && rm -rf /var/lib/apt/lists/* \
 && pip install --no-cache-dir uv

WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-default-groups --no-install-project
COPY . .
RUN SECRET_KEY=build-only ALLOWED_HOSTS=localhost SITE_URL=http://localhost python manage.py collectstatic --noinput \
 && useradd --system --uid 1000 somobilite && chown -R somobilite /app
USER somobilite

EXPOSE 8000
# No gunicorn access log: the app logs each request (by URL pattern, without IP) itself.
CMD ["gunicorn", "somobilite.wsgi:application", "--config", "gunicorn.conf.py"]
