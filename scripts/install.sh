#!/usr/bin/env bash
# One install script for every place the crawler runs: `make demo`, `make test`, CI and the
# Dockerfile call it. Each step checks first and returns at once when already done.
#
#   scripts/install.sh [--python] [--ferretdb] [--debian PKG...]
#
# Environment: VENV (default .venv), TOOLS_DIR (default .tools), PYTHON (default python3),
# FERRETDB_VERSION (default v1.24.2), EXTRAS (pip extras, default "test"; EXTRAS= for none,
# as the Dockerfile does with VENV=/opt/venv).
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${VENV:-.venv}
TOOLS_DIR=${TOOLS_DIR:-.tools}
PYTHON=${PYTHON:-python3}
FERRETDB_VERSION=${FERRETDB_VERSION:-v1.24.2}
EXTRAS=${EXTRAS-test}

say() { printf 'install: %s\n' "$*" >&2; }

install_python() {
    local stamp="$VENV/.installed"
    if [ -f "$stamp" ] && [ "$stamp" -nt pyproject.toml ] && [ -x "$VENV/bin/crawler" ]; then
        return 0
    fi
    if [ ! -x "$VENV/bin/python" ]; then
        say "creating virtualenv $VENV"
        "$PYTHON" -m venv "$VENV"
    fi
    say "installing Python packages into $VENV"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
    local spec="."
    [ -n "$EXTRAS" ] && spec=".[${EXTRAS}]"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e "$spec"
    touch "$stamp"
}

# FerretDB's module omits build/version/version.txt, so a plain `go install ...@v1.24.2` builds a
# binary that panics at start ("Invalid build/version/version.txt file content"). We fetch the
# same module with the Go toolchain, write the version file its docs ask for, apply
# scripts/patch_ferretdb.py (its SQLite backend never used the _id index, so every update by _id
# scanned the collection, and it committed each updated document on its own) and build it. The patch's checksum beside the binary says which build
# it is, so a changed patch rebuilds.
install_ferretdb() {
    local bin="$TOOLS_DIR/bin/ferretdb"
    local patch="scripts/patch_ferretdb.py"
    local want
    want=$(sha256sum "$patch" | cut -d' ' -f1)
    if [ -x "$bin" ] && [ "$(cat "$bin.patch" 2>/dev/null)" = "$want" ] &&
        [[ "$("$bin" --version 2>/dev/null)" == *"version: $FERRETDB_VERSION"* ]]; then
        return 0
    fi
    if ! command -v go >/dev/null 2>&1; then
        say "FerretDB needs the Go toolchain to build: install Go (https://go.dev/doc/install) or"
        say "set MONGO_URI to a MongoDB server you already run."
        exit 1
    fi
    say "building FerretDB $FERRETDB_VERSION into $bin (once; about a minute)"
    mkdir -p "$TOOLS_DIR/bin"
    local dir src
    dir=$(go mod download -json "github.com/FerretDB/FerretDB@$FERRETDB_VERSION" |
        "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
    src=$(mktemp -d)
    trap 'rm -rf "$src"' RETURN
    cp -r "$dir/." "$src/"
    chmod -R u+w "$src"
    echo "$FERRETDB_VERSION" > "$src/build/version/version.txt"
    "$PYTHON" "$patch" "$src"
    (cd "$src" && go build -trimpath -buildvcs=false -o "$OLDPWD/$bin.tmp" ./cmd/ferretdb)
    mv "$bin.tmp" "$bin"
    echo "$want" > "$bin.patch"
}

install_debian() {
    local missing=()
    local pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" ||
            missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    say "installing Debian packages: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

[ $# -eq 0 ] && set -- --python --ferretdb
while [ $# -gt 0 ]; do
    case "$1" in
        --python) install_python ;;
        --ferretdb) install_ferretdb ;;
        --debian)
            shift
            pkgs=()
            while [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; do pkgs+=("$1"); shift; done
            install_debian "${pkgs[@]}"
            continue
            ;;
        *) say "unknown option $1"; exit 2 ;;
    esac
    shift
done
