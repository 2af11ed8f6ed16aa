#!/bin/sh
# The image's entrypoint (run by tini, PID 1, which reaps every child: a killed crawl's browser
# driver and Chromium included). It checks what the container needs before the command starts,
# and says what to do in one line, exit 2, when something is missing:
#   - MONGO_URI: the image carries no embedded database (FerretDB is built on hosts by
#     `make setup`), so every command that reads or writes stories needs a MongoDB server;
#   - a writable data directory (CRAWLER_DATA_DIR, /data): a named volume is; a bind mount must
#     belong to the user the container runs as.
set -eu

DATA_DIR=${CRAWLER_DATA_DIR:-/data}

# Commands that never touch the database.
needs_database=yes
if [ "${1:-}" = "crawler" ]; then
    case "${2:-}" in
        extract|timestamps|profile|--help|-h|--version|"") needs_database=no ;;
    esac
fi

if [ "$needs_database" = yes ] && [ -z "${MONGO_URI:-}" ]; then
    echo "crawler container: MONGO_URI is not set and this image has no embedded database; set MONGO_URI=mongodb://HOST:27017/ (docker-compose.yml points it at its mongo service)" >&2
    exit 2
fi

probe="$DATA_DIR/.write-test-$$"
if ! mkdir -p "$DATA_DIR" 2>/dev/null || ! (: >"$probe") 2>/dev/null; then
    echo "crawler container: $DATA_DIR is not writable by uid $(id -u) (a bind mount owned by another user?); run 'chown -R $(id -u):$(id -g) HOSTDIR' on the host, or use a named volume, or run the container as the directory's owner (user: in compose)" >&2
    exit 2
fi
rm -f "$probe"

exec "$@"
