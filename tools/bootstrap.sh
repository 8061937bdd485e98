#!/bin/sh
# Installs the build dependencies (Debian 12), builds bouncewhy into ./build,
# and runs it on a sample bounce kept in the repository.
#   tools/bootstrap.sh            (as root, or with sudo available)
set -eu
cd "$(dirname "$0")/.."
pkgs=$(grep -v '^#' tools/debian-packages.txt | tr '\n' ' ')
if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends $pkgs >/dev/null
if [ -d build ]; then meson setup --reconfigure build >/dev/null; else meson setup build >/dev/null; fi
ninja -C build
echo
echo "== build/bouncewhy tests/corpus/postfix/outlook-sc001.eml"
build/bouncewhy tests/corpus/postfix/outlook-sc001.eml
