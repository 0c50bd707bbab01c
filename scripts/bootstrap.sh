# Sourced by run-demo.sh and run-tests.sh: installs what the project needs on a fresh Debian
# (Python 3.11) and creates .venv from the lock file. Usage: bootstrap_project [test]
set -euo pipefail

PROJECT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export UV_PYTHON_DOWNLOADS=never
export PATH="$HOME/.local/bin:$PATH"

apt_install() {
  # Installs missing Debian packages when we are root (CI, fresh machine); otherwise explains.
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo ">> apt-get install ${missing[*]}"
    if [ -z "${SOMOBILITE_APT_UPDATED:-}" ]; then
      apt-get update -qq
      export SOMOBILITE_APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "!! Missing Debian packages: ${missing[*]} (install them with: sudo apt-get install ${missing[*]})" >&2
    return 1
  fi
}

ensure_uv() {
  command -v uv >/dev/null && return 0
  if ! python3 -m pip --version >/dev/null 2>&1; then
    apt_install python3-pip python3-venv
  fi
  python3 -m pip install --quiet --user uv 2>/dev/null \
    || python3 -m pip install --quiet --user --break-system-packages uv
}

bootstrap_project() {
  local with_tests="${1:-}"
  # WeasyPrint (PDF) needs Pango and HarfBuzz; gettext compiles translations.
  apt_install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 gettext
  if [ "$with_tests" = "test" ]; then
    # redis-server: tests start and stop Redis servers of their own (cache outages).
    apt_install chromium poppler-utils fonts-dejavu-core redis-server
  fi
  if [ "$with_tests" = "bench" ]; then
    # The HTTP benchmark starts its own PostgreSQL cluster and Redis; wrk drives the pages.
    apt_install postgresql redis-server wrk
  fi
  ensure_uv
  cd "$PROJECT_ROOT"
  # Byte-compiled once at install: with PYTHONDONTWRITEBYTECODE=1 (these machines, the image)
  # every fresh process (test servers, gunicorn workers, the report command) would compile all
  # it imports again, seconds each time.
  export UV_COMPILE_BYTECODE=1
  if [ "$with_tests" = "test" ]; then
    uv sync --frozen --python python3.11 --group test --quiet
  elif [ "$with_tests" = "bench" ]; then
    uv sync --frozen --python python3.11 --group test --group bench --quiet
  else
    uv sync --frozen --inexact --python python3.11 --quiet
  fi
}
