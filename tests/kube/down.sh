#!/usr/bin/env bash
# Stop the kube-apiserver and etcd that up.sh started for DIR: the apiserver
# first (SIGTERM, up to 20 s, then SIGKILL), then etcd. Idempotent: a DIR
# with nothing running (or no DIR at all) is fine. DIR itself is kept (logs);
# remove it yourself.
#
# Usage: tests/kube/down.sh DIR
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=SCRIPTDIR/lib.sh
source "$here/lib.sh"

[[ $# -eq 1 ]] || kube_die "usage: $0 DIR"
[[ -d $1 ]] || exit 0
dir=$(cd "$1" && pwd)

# Pids of kube-apiserver/etcd processes whose arguments point into DIR: this
# also finds a process whose pid file was never written (interrupted up.sh).
find_pids() {
	local p cmd
	for p in /proc/[0-9]*; do
		cmd=$(tr '\0' ' ' 2>/dev/null <"$p/cmdline") || continue
		case ${cmd%% *} in */"$1" | "$1") ;; *) continue ;; esac
		[[ $cmd == *"$dir/"* ]] && printf '%s\n' "${p#/proc/}"
	done
}

rc=0
for name in kube-apiserver etcd; do
	pidfile=$dir/${name/kube-apiserver/kas}.pid
	pids=$(find_pids "$name")
	[[ -f $pidfile ]] && pids+=" $(<"$pidfile")"
	for pid in $pids; do
		kube_stop_pid "$pid" "$dir/" 20 || rc=1
	done
	((rc)) || rm -f "$pidfile"
done
exit "$rc"
