#!/usr/bin/env bash
# Restore a backup of En väg in (scripts/backup.sh) into a NEW database and a new
# instance folder, and check the result:
#
#   scripts/restore.sh BACKUP DATABASE_URL INSTANCE_DIR
#
#   BACKUP        a folder scripts/backup.sh made (…/kundtjanst-<time>)
#   DATABASE_URL  the database to create, postgresql://user:password@host/new_name: it
#                 must not exist (a restore never writes over a database); the user
#                 needs CREATEDB, and connects to the server's database "postgres"
#                 to create it
#   INSTANCE_DIR  the instance folder to fill: missing or empty
#
# It checks the backup's checksums; creates the database; pg_restore --no-owner
# --no-privileges into it, in one transaction (so run it as the user the application
# connects as: it owns everything restored); unpacks instance/config.py and
# secret_key into INSTANCE_DIR, and the attachments into the folder the application
# will use there (INSTANCE_DIR/attachments, or KUNDTJANST_ATTACHMENT_DIR; missing or
# empty). When one of these steps fails, the database and the instance folder it made
# are removed again. Last, scripts/backup_app.py restored runs the migrations as
# `flask db upgrade` does (nothing to do when this code is at the backup's revision,
# else it upgrades the copy), frees the scheduler lease the backup carried (it
# belonged to a process of the old installation), and checks that the schema is at
# the migrations' head and that every attachment's bytes are there with the checksum
# its row keeps (exit 1 if not).
#
# Then run the application on it: DATABASE_URL and KUNDTJANST_INSTANCE_PATH=INSTANCE_DIR
# (or copy the folder's files into the instance folder in use), with the SECRET_KEY of
# the old installation when the backup holds no secret_key. A copy for a restore
# drill: start no scheduler on it with the real mail, IMAP or webhook settings (it
# would send the copied outbox and webhooks again and read the live mailbox).
#
# Needs pg_restore, createdb, dropdb, tar, sha256sum and the application's virtualenv
# (PYTHON, default .venv/bin/python).
set -euo pipefail
# shellcheck source=scripts/backup-common.sh
source "$(dirname "$0")/backup-common.sh"

if [[ ${1:-} == -h || ${1:-} == --help ]]; then
  sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
  exit 0
fi
(($# == 3)) || die "usage: $0 BACKUP DATABASE_URL INSTANCE_DIR (see --help)"
backup=$1 given_url=$2 instance=$3
need pg_restore createdb dropdb tar sha256sum

empty_or_missing() {
  [[ ! -e $1 ]] || { [[ -d $1 ]] && [[ -z $(ls -A "$1") ]]; }
}

for file in SHA256SUMS database.dump attachments.tar.gz instance.tar.gz; do
  [[ -f $backup/$file ]] || die "$backup has no $file: not a complete backup"
done
(cd "$backup" && sha256sum --check --strict --quiet SHA256SUMS) ||
  die "the checksums in $backup/SHA256SUMS do not match: the backup is damaged"
empty_or_missing "$instance" || die "$instance is not empty: restore into a new folder"

answers=$(ask url "$given_url")
mapfile -t target <<<"$answers"
database=${target[0]} name=${target[1]} maintenance=${target[2]}
use_password "${target[3]:-}"

createdb --maintenance-db="$maintenance" -- "$name" ||
  die "could not create the database $name (it must not exist yet)"
restored=no
undo_unless_restored() {
  if [[ $restored == no ]]; then
    echo "$(basename "$0"): the restore failed; dropping the database $name and $instance again" >&2
    dropdb --maintenance-db="$maintenance" -- "$name" || true
    rm -rf -- "$instance" # it was empty or missing
  fi
}
trap undo_unless_restored EXIT

pg_restore --no-owner --no-privileges --exit-on-error --single-transaction \
  --dbname="$database" "$backup/database.dump"

umask 077
mkdir -p "$instance"
tar --extract --gzip --no-same-owner --file="$backup/instance.tar.gz" --directory="$instance"
export DATABASE_URL=$given_url KUNDTJANST_INSTANCE_PATH
KUNDTJANST_INSTANCE_PATH=$(cd "$instance" && pwd)
if [[ -z ${SECRET_KEY:-} && ! -f $instance/secret_key ]]; then
  echo "note: the backup holds no secret_key: run the application with the old SECRET_KEY"
fi

answers=$(ask paths)
mapfile -t settings <<<"$answers"
attachments=${settings[2]}
empty_or_missing "$attachments" ||
  die "$attachments is not empty: restore the attachments into a new folder (KUNDTJANST_ATTACHMENT_DIR)"
mkdir -p "$attachments"
tar --extract --gzip --no-same-owner --file="$backup/attachments.tar.gz" --directory="$attachments"

restored=yes
trap - EXIT
echo "restored $backup into $database and $KUNDTJANST_INSTANCE_PATH"
"$PYTHON" "$ROOT/scripts/backup_app.py" restored
