#!/usr/bin/env bash
# A throwaway PostgreSQL + PostGIS cluster for gridmap's tests.
#
#   scripts/pg-test-cluster.sh start DIR   # prints postgres://postgres@127.0.0.1:PORT/postgres
#   scripts/pg-test-cluster.sh stop DIR
#
# `start` installs PostgreSQL and PostGIS with apt-get when the PostGIS extension is missing (root only),
# creates a fresh cluster in DIR/pgdata listening on 127.0.0.1 only, on a free port, with trust
# authentication and fsync off (the data is disposable; speed matters more than durability), starts it
# and prints its admin URL on stdout. Everything else goes to stderr and DIR/postgres.log.
# When the cluster in DIR is already running, `start` just prints its URL again; a stopped one is
# thrown away and created anew, so every run starts from an empty cluster.
#
# PostgreSQL refuses to run as root: when run by root, the server runs as the `postgres` OS user;
# otherwise it runs as the calling user, who must then have PostgreSQL and PostGIS installed.
#
# Environment: PG_BINDIR (where initdb and pg_ctl live; default: the newest /usr/lib/postgresql/*/bin),
# PG_VERSION_WANTED (the major version to install when none is present; default 15, Debian 12's),
# PG_EXTRA_CONF (more postgresql.conf lines for a new cluster, e.g. memory settings for benchmarks).
set -euo pipefail

log() { printf 'pg-test-cluster: %s\n' "$*" >&2; }
die() {
    log "$*"
    exit 1
}

usage() {
    cat >&2 <<'EOF'
usage: pg-test-cluster.sh start DIR   start a throwaway PostGIS cluster in DIR and print its admin URL
       pg-test-cluster.sh stop DIR    stop the cluster in DIR
EOF
    exit 2
}

# The folder of PostgreSQL's server programs, or nothing when PostgreSQL is not installed.
find_bindir() {
    if [[ -n "${PG_BINDIR:-}" ]]; then
        echo "$PG_BINDIR"
        return
    fi
    local dir best=""
    # Newest major version wins; `sort -V` orders 9.6 < 15 < 16 correctly.
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V); do
        [[ -x "$dir/initdb" && -x "$dir/pg_ctl" ]] && best="$dir"
    done
    echo "$best"
}

has_postgis() {
    local bindir=$1
    [[ -n "$bindir" && -x "$bindir/pg_config" ]] || return 1
    [[ -f "$("$bindir/pg_config" --sharedir)/extension/postgis.control" ]]
}

ensure_installed() {
    local bindir
    bindir=$(find_bindir)
    if has_postgis "$bindir"; then
        echo "$bindir"
        return
    fi
    if [[ $EUID -ne 0 ]]; then
        die "PostgreSQL with PostGIS is not installed and only root can install it; install postgresql and postgis (e.g. apt-get install postgresql-15-postgis-3) or set PG_BINDIR"
    fi
    local version
    if [[ -n "$bindir" ]]; then
        version=$(basename "$(dirname "$bindir")")
    else
        version=${PG_VERSION_WANTED:-15}
    fi
    log "installing PostgreSQL $version with PostGIS 3"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update >&2
    apt-get install -y --no-install-recommends "postgresql-$version" "postgresql-$version-postgis-3" >&2
    bindir=$(find_bindir)
    has_postgis "$bindir" || die "PostGIS is still missing after installing postgresql-$version-postgis-3"
    echo "$bindir"
}

# Runs a command as the user the server runs as: `postgres` when we are root, ourselves otherwise.
as_owner() {
    if [[ $EUID -ne 0 ]]; then
        "$@"
    elif command -v runuser >/dev/null; then
        runuser -u postgres -- "$@"
    else
        su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
    fi
}

# A TCP port on 127.0.0.1 that nothing listens on right now.
pick_port() {
    if command -v python3 >/dev/null &&
        python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null; then
        return
    fi
    local port
    while :; do
        port=$((20000 + RANDOM % 40000))
        # A refused connection means the port is free (bash's /dev/tcp needs no extra tool).
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return
        fi
    done
}

# The port of the server running on DIR/pgdata, or nothing when none runs.
running_port() {
    local bindir=$1 data=$2
    [[ -f "$data/postmaster.pid" ]] || return 0
    as_owner "$bindir/pg_ctl" status -D "$data" >/dev/null 2>&1 || return 0
    # postmaster.pid: line 4 is the port.
    sed -n 4p "$data/postmaster.pid"
}

start() {
    local dir=$1 bindir data port marker
    bindir=$(ensure_installed)
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    data="$dir/pgdata"
    marker="$data/gridmap-test-cluster"

    port=$(running_port "$bindir" "$data")
    if [[ -n "$port" ]]; then
        log "already running in $data"
        echo "postgres://postgres@127.0.0.1:$port/postgres"
        return
    fi

    if [[ -e "$data" ]]; then
        # Only ever delete a cluster this script made.
        [[ -f "$marker" ]] || die "$data exists and is not a cluster made by this script; remove it or pick another DIR"
        log "throwing away the stopped cluster in $data"
        rm -rf "$data"
    fi
    if [[ $EUID -eq 0 ]]; then
        chown postgres: "$dir"
        as_owner test -w "$dir" -a -x "$dir" ||
            die "the postgres user cannot write to $dir (is a parent folder private?); pick a DIR such as /tmp/gridmap-pg"
    fi

    # The server process must not inherit a working directory its user cannot enter (/root).
    cd "$dir"
    log "creating a cluster in $data"
    as_owner "$bindir/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --no-locale --no-sync >&2
    touch "$marker"
    [[ $EUID -ne 0 ]] || chown postgres: "$marker"
    cat >"$data/pg_hba.conf" <<'EOF'
# Throwaway test cluster: anyone on this machine may connect over TCP to 127.0.0.1, without a password.
# TYPE  DATABASE  USER  ADDRESS       METHOD
host    all       all   127.0.0.1/32  trust
EOF
    cat >>"$data/postgresql.conf" <<'EOF'

# gridmap test cluster: reachable over 127.0.0.1 only, no unix socket (no shared socket folder to own),
# durability traded for speed because the data is thrown away.
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 300
EOF
    if [[ -n "${PG_EXTRA_CONF:-}" ]]; then
        printf '\n# From PG_EXTRA_CONF.\n%s\n' "$PG_EXTRA_CONF" >>"$data/postgresql.conf"
    fi

    # Another process may grab the port between picking and binding it: try a few.
    local attempt
    for attempt in 1 2 3 4 5; do
        port=$(pick_port)
        log "starting on port $port (log: $dir/postgres.log)"
        if as_owner "$bindir/pg_ctl" start -w -t 60 -D "$data" -l "$dir/postgres.log" -o "-p $port" >&2; then
            echo "postgres://postgres@127.0.0.1:$port/postgres"
            return
        fi
        log "start attempt $attempt failed; last log lines:"
        tail -n 5 "$dir/postgres.log" >&2 || true
    done
    die "could not start PostgreSQL; see $dir/postgres.log"
}

stop() {
    local dir=$1 bindir data
    data="$(cd "$dir" 2>/dev/null && pwd)/pgdata" || {
        log "$dir does not exist; nothing to stop"
        return
    }
    bindir=$(find_bindir)
    if [[ -z "$bindir" || -z "$(running_port "$bindir" "$data")" ]]; then
        log "no cluster running in $data"
        return
    fi
    cd "$dir"
    as_owner "$bindir/pg_ctl" stop -m fast -w -D "$data" >&2
}

[[ $# -eq 2 ]] || usage
case $1 in
start) start "$2" ;;
stop) stop "$2" ;;
*) usage ;;
esac
