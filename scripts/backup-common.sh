# Helpers shared by scripts/backup.sh and scripts/restore.sh (sourced, not run).
# shellcheck shell=bash

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# The application's Python (its virtualenv): scripts/backup_app.py runs in it.
PYTHON=${PYTHON:-$ROOT/.venv/bin/python}

die() {
  echo "$(basename "$0"): $*" >&2
  exit 1
}

need() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 ||
      die "$tool is missing (apt-get install postgresql-client, or put it on PATH)"
  done
  [[ -x $PYTHON ]] || die "no Python at $PYTHON (make the virtualenv, or set PYTHON)"
}

# Ask the application (scripts/backup_app.py): one answer a line.
ask() {
  "$PYTHON" "$ROOT/scripts/backup_app.py" "$@" || die "could not read the settings ($*)"
}

# The password the application's answer ends with goes to libpq's tools as PGPASSWORD,
# not on their command lines (which every user of the machine can read).
use_password() {
  if [[ -n $1 ]]; then export PGPASSWORD=$1; fi
}
