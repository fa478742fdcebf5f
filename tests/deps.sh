#!/bin/sh
# Installs the Debian packages the build and the tests need, when run as
# root and something is missing; otherwise says what to install.
set -eu

pkgs="build-essential pkg-config libcjson-dev libcurl4-openssl-dev libssl-dev
libyaml-dev bats curl jq openssl ca-certificates systemd xinetd mandoc
clang valgrind procps iproute2 python3 tinyproxy util-linux time"

missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "deps: missing Debian packages:$missing" >&2
		echo "deps: run as root, or: sudo apt-get install$missing" >&2
		exit 1
	fi
	echo "deps: installing$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# The test API server is built from Go modules with Go >= 1.26.
if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
	:	# tests/run.sh adds /usr/local/go/bin to PATH
elif ! command -v go >/dev/null 2>&1; then
	echo "deps: Go 1.26 or newer is needed to build the test API server" \
	    "(expected at /usr/local/go)" >&2
	exit 1
fi
