#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests, in a folder of its own.
#
#   bash scripts/postgres.sh start DIR   # prints the admin URL (last line), also in DIR/url
#   bash scripts/postgres.sh stop DIR
#
# `start` installs Debian's `postgresql` when it is missing, runs `initdb`
# into DIR/data (trust on loopback, no password, superuser `postgres`) and
# `pg_ctl start` on a free loopback port, with the unix socket in DIR. The
# server refuses to run as root, so as root it runs as the `postgres` user
# (created by the package), or `treering-test` when that user is missing.
# Starting a folder whose server already runs just prints its URL again.
# fsync stays on: the crash tests kill servers, and a cluster that lost
# acknowledged commits would make them lie.
set -euo pipefail

usage() {
  echo "usage: $0 start|stop DIR" >&2
  exit 2
}
[ $# -eq 2 ] || usage
command=$1
dir=$2
[ "$command" = start ] || [ "$command" = stop ] || usage

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"

bindir() {
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$found" ] && [ -x "$found/initdb" ] && echo "$found"
}

install_postgres() {
  echo "installing: postgresql" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
}

# The user the server runs as, and how to run a command as that user.
if [ "$(id -u)" -eq 0 ]; then
  if id postgres >/dev/null 2>&1; then
    pguser=postgres
  else
    pguser=treering-test
    id "$pguser" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$pguser"
  fi
  as_user() { runuser -u "$pguser" -- "$@"; }
else
  pguser=$(id -un)
  as_user() { "$@"; }
fi

pg_running() {
  [ -f "$dir/data/postmaster.pid" ] && as_user "$bin/pg_ctl" status -D "$dir/data" >/dev/null 2>&1
}

if [ "$command" = stop ]; then
  bin=$(bindir) || exit 0 # nothing was ever installed, so nothing runs
  if pg_running; then
    as_user "$bin/pg_ctl" stop -D "$dir/data" -m fast -w >/dev/null
    echo "stopped the PostgreSQL of $dir" >&2
  fi
  exit 0
fi

bin=$(bindir) || {
  install_postgres
  bin=$(bindir) || {
    echo "no initdb in /usr/lib/postgresql/*/bin after installing postgresql" >&2
    exit 1
  }
}

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
[ "$(id -u)" -eq 0 ] && chown "$pguser" "$dir"
if ! as_user test -w "$dir"; then
  echo "$dir: not writable by $pguser (is a folder above it closed to that user?)" >&2
  exit 1
fi

if pg_running && [ -f "$dir/url" ]; then
  cat "$dir/url"
  exit 0
fi

if [ ! -f "$dir/data/PG_VERSION" ]; then
  as_user "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
    >"$dir/initdb.log" 2>&1 || {
    cat "$dir/initdb.log" >&2
    exit 1
  }
fi

# A unix socket path has a limit of 107 bytes; tests connect over TCP, so a
# folder too deep for one just goes without it.
socket_dir=$dir
[ ${#dir} -gt 90 ] && socket_dir=""

# A free port can be taken between picking and binding: try a few.
for _ in 1 2 3 4 5; do
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  # Several servers with connection pools of 20 each, plus the tests' psql.
  options="-c listen_addresses=127.0.0.1 -c port=$port -c max_connections=300"
  options+=" -c unix_socket_directories='$socket_dir'"
  if as_user "$bin/pg_ctl" start -D "$dir/data" -l "$dir/postgres.log" -o "$options" -w -t 60 >/dev/null; then
    url="postgres://postgres@127.0.0.1:$port/postgres"
    echo "$url" >"$dir/url"
    echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') in $dir, port $port, as $pguser" >&2
    echo "$url"
    exit 0
  fi
  grep -q "could not bind" "$dir/postgres.log" 2>/dev/null || break
done
echo "PostgreSQL did not start; its log:" >&2
tail -n 30 "$dir/postgres.log" >&2 || true
exit 1
