#!/bin/sh
# Installs the build dependencies (Debian 12) that are missing, builds
# bouncewhy into ./build, and runs it on a sample bounce kept in the
# repository.
#   tools/bootstrap.sh    (root or sudo is needed only when a package is missing)
set -eu
cd "$(dirname "$0")/.."
pkgs=$(grep -v '^#' tools/debian-packages.txt | tr '\n' ' ')
missing=""
for p in $pkgs; do
	# dpkg-query prints "install ok installed" for an installed package
	if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q ' installed$'; then
		missing="$missing $p"
	fi
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" -eq 0 ]; then
		sudo=""
	elif command -v sudo >/dev/null 2>&1; then
		sudo="sudo"
	else
		echo "bootstrap: missing packages:$missing" >&2
		echo "bootstrap: install them as root (apt-get install$missing), or install sudo" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get update -qq
	# shellcheck disable=SC2086
	$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
if [ -d build ]; then meson setup --reconfigure build >/dev/null; else meson setup build >/dev/null; fi
ninja -C build
echo
echo "== build/bouncewhy tests/corpus/postfix/outlook-sc001.eml"
build/bouncewhy tests/corpus/postfix/outlook-sc001.eml
