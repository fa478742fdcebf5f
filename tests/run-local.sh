#!/usr/bin/env bash
# make run: a local, real kube-apiserver with the SoftwareTask CRD, and
# factory-webhook behind systemd-socket-activate on $PORT (default 8080),
# exactly as systemd's Accept=yes would run it.  Ctrl-C stops everything.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"
export PATH=$PATH:/usr/local/go/bin
port=${PORT:-8080}
ns=${NAMESPACE:-default}

work=$(mktemp -d "${TMPDIR:-/tmp}/factory-webhook-run.XXXXXX")
act=""
cleanup() {
	[[ -n $act ]] && kill "$act" 2>/dev/null
	tests/kube/down.sh "$work/kube" >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 0' INT TERM

echo "run: building (first time only) and starting the test API server..." >&2
bin=$(tests/kube/build.sh | tail -n1)
KUBE_BIN_DIR=$bin tests/kube/up.sh "$work/kube" >/dev/null
# shellcheck disable=SC1091
source "$work/kube/env"

export KUBE_API_SERVER=$KUBE_URL KUBE_CA_FILE=$KUBE_CA
export KUBE_TOKEN_FILE=$ADMIN_TOKEN_FILE NAMESPACE=$ns
vars=(KUBE_API_SERVER KUBE_CA_FILE KUBE_TOKEN_FILE NAMESPACE)
for v in GITHUB_WEBHOOK_SECRET GITHUB_WEBHOOK_SECRET_FILE API_TOKEN \
    API_TOKEN_FILE TRIGGER_LABEL MAX_BODY_BYTES GITHUB_ALLOWED_REPOS DRY_RUN \
    GITHUB_TASK_AGENT GITHUB_TASK_BRANCH GITHUB_TASK_SECRET_REF \
    REQUEST_TIMEOUT_SECONDS K8S_TIMEOUT_SECONDS; do
	[[ -n ${!v-} ]] && vars+=("$v")
done
args=()
for v in "${vars[@]}"; do args+=(-E "$v"); done
systemd-socket-activate --inetd -a -l "127.0.0.1:$port" "${args[@]}" \
    "$top/factory-webhook" 2> >(grep -v '^\(Communication attempt\|Connection from\|Spawned\|Execing\|Child\)' >&2) &
act=$!
sleep 0.3
kill -0 "$act" 2>/dev/null || { echo "run: cannot listen on port $port" >&2; exit 1; }

cat <<MSG
factory-webhook is serving on http://127.0.0.1:$port (namespace $ns).
Kubernetes API server: $KUBE_URL (admin token in $ADMIN_TOKEN_FILE)

Try:
  curl -X POST http://127.0.0.1:$port/api/v1/tasks -H "Content-Type: application/json" \\
    -d '{"repo":"https://github.com/yourorg/yourapp","task":"Add dark mode support"}'
  curl -s --cacert $KUBE_CA -H "Authorization: Bearer \$(cat $ADMIN_TOKEN_FILE)" \\
    $KUBE_URL/apis/factory.factory.io/v1alpha1/namespaces/$ns/softwaretasks

Press Ctrl-C to stop.
MSG
wait "$act"
