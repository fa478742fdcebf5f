#!/usr/bin/env bash
# Build a real kube-apiserver and a real etcd from the wrapper modules in
# tests/kube/apiserver and tests/kube/etcd, into a per-user cache outside the
# clone. The cache key is both versions plus a hash of both go.sum files, so a
# version bump builds anew and an unchanged tree reuses the binaries.
#
# Usage: tests/kube/build.sh
#   Prints the directory holding kube-apiserver and etcd as the last line of
#   stdout; progress goes to stderr.
# Env:   FACTORY_WEBHOOK_CACHE  cache root (default
#        ${XDG_CACHE_HOME:-$HOME/.cache}/factory-webhook)
#        GOMODCACHE/GOCACHE/GOPROXY are honoured as usual by go.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
kas_mod=$here/apiserver
etcd_mod=$here/etcd

log() { printf 'build.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# Module version of $2 as required in go.mod $1 (read without running go, so
# the cached path needs no Go toolchain).
mod_version() {
	sed -n "s#^[[:space:]]*$2[[:space:]]\{1,\}\(v[^[:space:]]*\).*#\1#p" "$1" | head -n1
}

k8s_ver=$(mod_version "$kas_mod/go.mod" 'k8s\.io/kubernetes')
etcd_ver=$(mod_version "$etcd_mod/go.mod" 'go\.etcd\.io/etcd/server/v3')
[[ -n $k8s_ver ]] || die "no k8s.io/kubernetes version in $kas_mod/go.mod"
[[ -n $etcd_ver ]] || die "no go.etcd.io/etcd/server/v3 version in $etcd_mod/go.mod"

sum_hash=$(cat "$kas_mod/go.sum" "$etcd_mod/go.sum" | sha256sum | cut -c1-12)
# The cache and Go's own caches live under HOME; a CI job may run without it.
HOME=${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}
export HOME=${HOME:-/tmp}
cache_root=${FACTORY_WEBHOOK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/factory-webhook}
bin_dir=$cache_root/kube-$k8s_ver-etcd-$etcd_ver-$sum_hash

have_bins() { [[ -x $bin_dir/kube-apiserver && -x $bin_dir/etcd ]]; }

if have_bins; then
	log "cached: $bin_dir"
	printf '%s\n' "$bin_dir"
	exit 0
fi

# Go's official install location, for shells that did not add it to PATH.
command -v go >/dev/null || PATH=$PATH:/usr/local/go/bin
command -v go >/dev/null || die "go not found in PATH (Go >= 1.26 needed)"
mkdir -p "$cache_root"

# Serialise concurrent builds of the same key; the second one finds the result.
exec 9>"$cache_root/.lock-${bin_dir##*/}"
flock 9
if have_bins; then
	log "cached (built concurrently): $bin_dir"
	printf '%s\n' "$bin_dir"
	exit 0
fi

# Build into a temp dir next to the target and rename it at the end, so an
# interrupted build never looks like a cached one. Leftovers of a killed
# build of this key are removed (safe: we hold this key's lock).
rm -rf "$cache_root/.build-${bin_dir##*/}".*
tmp=$(mktemp -d "$cache_root/.build-${bin_dir##*/}.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

# Never fetch a toolchain, never use a parent go.work, never touch go.mod or
# go.sum (they are committed complete), static binaries like upstream's.
export GOTOOLCHAIN=local GOWORK=off CGO_ENABLED=0
export GOFLAGS='-mod=readonly -buildvcs=false'

minor=${k8s_ver#v1.}
minor=${minor%%.*}
kv_ldflags=''
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
	kv_ldflags+=" -X $pkg.gitVersion=$k8s_ver -X $pkg.gitMajor=1"
	kv_ldflags+=" -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
done

start=$SECONDS
log "building kube-apiserver $k8s_ver (cold: about 7 min on 2 cores)"
(cd "$kas_mod" && go build -trimpath -ldflags "-s -w$kv_ldflags" \
	-o "$tmp/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver)
log "building etcd $etcd_ver"
(cd "$etcd_mod" && go build -trimpath \
	-ldflags "-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=$etcd_ver" \
	-o "$tmp/etcd" go.etcd.io/etcd/server/v3)

# Smoke-check both binaries before publishing them.
"$tmp/kube-apiserver" --version >&2
"$tmp/etcd" --version >&2

chmod 755 "$tmp"
rm -rf "$bin_dir" # an empty or partial leftover would block the rename
mv -T "$tmp" "$bin_dir"
log "built in $((SECONDS - start)) s: $bin_dir"
printf '%s\n' "$bin_dir"
