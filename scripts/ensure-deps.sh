#!/usr/bin/env bash
# Installs the system libraries ntm links against when they are missing: with apt-get when run as root,
# otherwise prints the exact command to run. Used by `make run` and `make test`.
set -euo pipefail
need=()
dpkg -s libopenblas-dev >/dev/null 2>&1 || need+=(libopenblas-dev)
dpkg -s libglpk-dev >/dev/null 2>&1 || need+=(libglpk-dev)
dpkg -s zlib1g-dev >/dev/null 2>&1 || need+=(zlib1g-dev)
dpkg -s pkg-config >/dev/null 2>&1 || command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -eq 0 ]; then
    echo "ntm: installing ${need[*]} with apt-get" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${need[@]}" >/dev/null
else
    echo "ntm: missing system libraries: ${need[*]}" >&2
    echo "run:  sudo apt-get update && sudo apt-get install -y ${need[*]}" >&2
    exit 1
fi
