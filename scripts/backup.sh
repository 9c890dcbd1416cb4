#!/usr/bin/env bash
# Back up En väg in: its PostgreSQL database and its files, taken together.
#
#   scripts/backup.sh [--keep N] DEST
#
# The settings are the application's own (the environment: DATABASE_URL,
# KUNDTJANST_INSTANCE_PATH, KUNDTJANST_ATTACHMENT_DIR …, then instance/config.py):
# run it as the services run, e.g. with kundtjanst-backup.service. It writes
# DEST/kundtjanst-<UTC time>/ with
#   database.dump       pg_dump --format=custom of the database
#   attachments.tar.gz  the attached files' bytes
#   instance.tar.gz     instance/config.py and instance/secret_key, those that exist
#   backup.txt          when, of which database (no password), at which schema revision
#   SHA256SUMS          each file's checksum (sha256sum --check SHA256SUMS)
# into a hidden .…partial folder, renamed when it is complete. --keep N then deletes
# all but the newest N complete backups in DEST.
#
# The database is dumped first (one consistent snapshot), then the files: a file
# written meanwhile is an extra that no row names (the job attachments.sweep removes
# it after a restore); one deleted meanwhile (retention) leaves a row without its
# bytes, which scripts/restore.sh reports.
#
# Needs pg_dump (the server's major version or newer), psql, tar, gzip, sha256sum, and
# the application's virtualenv (PYTHON, default .venv/bin/python). A backup holds
# personal data and perhaps the secret key: it is made readable by its owner alone;
# keep it, and every copy, as protected as the database.
set -euo pipefail
# shellcheck source=scripts/backup-common.sh
source "$(dirname "$0")/backup-common.sh"

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
  exit "${1:-0}"
}

keep=0
while (($#)); do
  case $1 in
    --keep)
      [[ ${2:-} =~ ^[1-9][0-9]*$ ]] || die "--keep takes how many backups to keep (1 or more)"
      keep=$2
      shift 2
      ;;
    -h | --help) usage ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) break ;;
  esac
done
(($# == 1)) || usage 2 >&2
dest=$1

need pg_dump psql tar gzip sha256sum
answers=$(ask paths)
mapfile -t settings <<<"$answers"
database=${settings[0]} instance=${settings[1]} attachments=${settings[2]}
use_password "${settings[3]:-}"

umask 077
mkdir -p "$dest"
name=kundtjanst-$(date -u +%Y%m%dT%H%M%SZ)
[[ ! -e $dest/$name ]] || die "$dest/$name exists already"
work=$dest/.$name.partial
rm -rf "$work"
mkdir "$work"
trap 'rm -rf "$work"' EXIT

revision=$(psql --no-psqlrc --tuples-only --no-align --dbname="$database" \
  --command='SELECT version_num FROM alembic_version')
pg_dump --format=custom --file="$work/database.dump" --dbname="$database"

# The files, after the snapshot. GNU tar's status 1 means a file changed or vanished
# while it was read (the files are written whole, under new names): not a failure.
status=0
if [[ -d $attachments ]]; then
  tar --create --gzip --file="$work/attachments.tar.gz" --directory="$attachments" \
    --exclude='.*.part' --warning=no-file-changed --warning=no-file-removed . || status=$?
else
  tar --create --gzip --file="$work/attachments.tar.gz" --files-from=/dev/null
fi
((status <= 1)) || die "could not read the attachments in $attachments (tar status $status)"

kept=()
for file in config.py secret_key; do
  if [[ -f $instance/$file ]]; then kept+=("$file"); fi
done
if ((${#kept[@]})); then
  tar --create --gzip --file="$work/instance.tar.gz" --directory="$instance" "${kept[@]}"
else
  tar --create --gzip --file="$work/instance.tar.gz" --files-from=/dev/null
fi

cat >"$work/backup.txt" <<EOF
created: $(date -u +%Y-%m-%dT%H:%M:%SZ)
database: $database
schema revision: $revision
instance files: ${kept[*]:-none} (from $instance)
attachments: $(tar --list --gzip --file="$work/attachments.tar.gz" | grep -c '/[0-9a-f]\{40\}$' || true) files (from $attachments)
$(pg_dump --version)
EOF
(cd "$work" && sha256sum database.dump attachments.tar.gz instance.tar.gz backup.txt >SHA256SUMS)
mv "$work" "$dest/$name"
trap - EXIT
echo "$dest/$name"

if ((keep)); then
  find "$dest" -mindepth 1 -maxdepth 1 -type d -name 'kundtjanst-????????T??????Z' -printf '%f\n' |
    sort -r | tail -n +$((keep + 1)) | while read -r old; do
    rm -rf -- "${dest:?}/$old"
    echo "deleted $dest/$old"
  done
fi
