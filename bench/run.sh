#!/usr/bin/env bash
# make bench: per-request cost of each path of factory-webhook against the
# exec floor, a bare curl POST to the API server, and adnanh/webhook running
# kubectl; all measured in this one run, on loopback, behind the same
# activator (systemd-socket-activate --inetd -a).  Prints one table.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"
export PATH=$PATH:/usr/local/go/bin
N=${BENCH_REQUESTS:-300}	# requests per measurement
NSLOW=${BENCH_SLOW_REQUESTS:-30}	# for webhook + kubectl
work=$(mktemp -d "${TMPDIR:-/tmp}/factory-webhook-bench.XXXXXX")
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	tests/kube/down.sh "$work/kube" >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT

need() {
	command -v "$1" >/dev/null && return 0
	[ "$(id -u)" = 0 ] || { echo "bench: needs $2 (apt-get install $2)" >&2; exit 1; }
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
}
need webhook webhook
need kubectl kubernetes-client
need valgrind valgrind
need /usr/bin/time time

make -s all
cc -O2 -o "$work/floor" bench/floor.c
cc -O2 -static -o "$work/floor-static" bench/floor.c

bin=$(tests/kube/build.sh | tail -n1)
KUBE_BIN_DIR=$bin tests/kube/up.sh "$work/kube" >/dev/null
# shellcheck disable=SC1091
source "$work/kube/env"
export KUBE_URL KUBE_CA KUBE_TOKEN_FILE=$ADMIN_TOKEN_FILE
export KUBE_API_SERVER=$KUBE_URL KUBE_CA_FILE=$KUBE_CA NAMESPACE=default
export GITHUB_WEBHOOK_SECRET=bench-secret

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
activate() {	# PORT PROGRAM
	systemd-socket-activate --inetd -a -l "127.0.0.1:$1" -E KUBE_API_SERVER \
		-E KUBE_CA_FILE -E KUBE_TOKEN_FILE -E NAMESPACE -E GITHUB_WEBHOOK_SECRET \
		"$2" 2>/dev/null &
	pids+=($!)
}
P_FW=$(port); P_FLOOR=$(port); P_STATIC=$(port); P_HOOK=$(port)
activate "$P_FW" "$top/factory-webhook"
activate "$P_FLOOR" "$work/floor"
activate "$P_STATIC" "$work/floor-static"
cat >"$work/hooks.json" <<JSON
[{"id": "tasks", "execute-command": "$top/bench/kubectl-hook.sh",
  "include-command-output-in-response": true,
  "pass-arguments-to-command": [{"source": "entire-payload"}]}]
JSON
webhook -hooks "$work/hooks.json" -ip 127.0.0.1 -port "$P_HOOK" >/dev/null 2>&1 &
pids+=($!)
sleep 0.5

# The requests.
req() {	# NAME PATH BODY-FILE HEADERS...
	local name=$1 path=$2 body=$3
	shift 3
	{
		printf 'POST %s HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n' "$path"
		for h in "$@"; do printf '%s\r\n' "$h"; done
		printf 'Content-Length: %s\r\n\r\n' "$(stat -c %s "$body")"
		cat "$body"
	} >"$work/$name.req"
}
printf 'GET /healthz HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n' >"$work/healthz.req"
jq -c '.label.name = "factory:do"' tests/fixtures/github/issues.labeled.payload.json >"$work/labeled.json"
sig=$(openssl dgst -sha256 -hmac bench-secret -r "$work/labeled.json" | cut -d' ' -f1)
req ignored /webhooks/github "$work/labeled.json" 'X-GitHub-Event: issue_comment' \
	'Content-Type: application/json' "X-Hub-Signature-256: sha256=$sig"
req forged /webhooks/github "$work/labeled.json" 'X-GitHub-Event: issues' \
	'Content-Type: application/json' "X-Hub-Signature-256: sha256=$(printf '%064d' 0)"
printf '{"repo":"https://github.com/o/r","task":"t","maxRetries":9}' >"$work/invalid.json"
req invalid /api/v1/tasks "$work/invalid.json" 'Content-Type: application/json'
printf '{"repo":"https://github.com/o/bench","task":"bench TASKNO"}' >"$work/create.json"
req create /api/v1/tasks "$work/create.json" 'Content-Type: application/json'
req hook /hooks/tasks "$work/create.json" 'Content-Type: application/json'
jq -c '{apiVersion: "factory.factory.io/v1alpha1", kind: "SoftwareTask",
  metadata: {generateName: "task-", labels: {"factory.io/source": "api"}},
  spec: {repo: .repo, task: .task, branch: "main", agent: "claude-code",
         credentials: {secretRef: "factory-creds"}}}' "$work/create.json" >"$work/object.json"

load() {	# PORT REQ N CONC -> p50 p99 rps status-codes
	python3 bench/client.py "$1" "$2" "$3" "$4" --vary |
		jq -r '"\(.p50_ms) \(.p99_ms) \(.rps) \(.codes)"'
}
instr() {	# PROGRAM REQ -> instructions of one request
	valgrind --tool=callgrind --callgrind-out-file=/dev/null "$1" <"$2" 2>&1 >/dev/null |
		sed -n 's/.*Collected : //p'
}
rss() { /usr/bin/time -f %M "$1" <"$2" 2>&1 >/dev/null | tail -n1; }

# A bare curl process POSTing the same object: the Kubernetes floor.
curl_floor() {	# N CONC -> p50 p99 rps
	python3 - "$1" "$2" "$work/object.json" <<'PY'
import subprocess, sys, threading, time, os
n, conc, obj = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
url = os.environ["KUBE_URL"] + "/apis/factory.factory.io/v1alpha1/namespaces/default/softwaretasks"
cmd = ["curl", "-sS", "-o", "/dev/null", "--cacert", os.environ["KUBE_CA"], "-H",
       "Authorization: Bearer " + open(os.environ["KUBE_TOKEN_FILE"]).read().strip(),
       "-H", "Content-Type: application/json", "--data-binary", "@" + obj, url]
lat, lock, left = [], threading.Lock(), [n]
def w():
    while True:
        with lock:
            if left[0] == 0: return
            left[0] -= 1
        t = time.perf_counter(); subprocess.run(cmd, check=True); d = time.perf_counter() - t
        with lock: lat.append(d)
t0 = time.perf_counter()
ts = [threading.Thread(target=w) for _ in range(conc)]
[t.start() for t in ts]; [t.join() for t in ts]
el = time.perf_counter() - t0; lat.sort()
p = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] * 1000
print(p(0.5), p(0.99), n / el, 0)
PY
}

declare -A P50 P99 R1 R8 INS RSS
measure() {	# NAME PORT REQ PROGRAM N EXPECTED-STATUS
	local name=$1 a b c1 c8
	read -r P50[$name] P99[$name] R1[$name] c1 <<<"$(load "$2" "$3" "$5" 1)"
	read -r a b R8[$name] c8 <<<"$(load "$2" "$3" "$5" 8)"
	if [[ $c1 != "$6" || $c8 != "$6" ]]; then
		echo "bench: $name answered $c1 / $c8, not only $6" >&2
		exit 1
	fi
	if [[ -n $4 ]]; then
		INS[$name]=$(instr "$4" "$3")
		RSS[$name]=$(rss "$4" "$3")
	fi
}
echo "bench: $N requests per row (webhook+kubectl: $NSLOW), loopback, 1 and 8 clients" >&2
measure floor-static "$P_STATIC" "$work/healthz.req" "$work/floor-static" "$N" 200
measure floor "$P_FLOOR" "$work/healthz.req" "$work/floor" "$N" 200
measure healthz "$P_FW" "$work/healthz.req" "$top/factory-webhook" "$N" 200
measure ignored "$P_FW" "$work/ignored.req" "$top/factory-webhook" "$N" 200
measure forged "$P_FW" "$work/forged.req" "$top/factory-webhook" "$N" 401
measure invalid "$P_FW" "$work/invalid.req" "$top/factory-webhook" "$N" 400
measure create "$P_FW" "$work/create.req" "$top/factory-webhook" "$N" 201
read -r P50[curl] P99[curl] R1[curl] _ <<<"$(curl_floor "$N" 1)"
read -r _ _ R8[curl] _ <<<"$(curl_floor "$N" 8)"
INS[curl]=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null curl -sS -o /dev/null \
	--cacert "$KUBE_CA" -H "Authorization: Bearer $ADMIN_TOKEN" -H 'Content-Type: application/json' \
	--data-binary "@$work/object.json" \
	"$KUBE_URL/apis/factory.factory.io/v1alpha1/namespaces/default/softwaretasks" 2>&1 |
	sed -n 's/.*Collected : //p')
measure webhook+kubectl "$P_HOOK" "$work/hook.req" "" "$NSLOW" 200

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
printf '\n%-16s %8s %8s %8s %8s %12s %9s  %s\n' path p50_ms p99_ms rps@1 rps@8 instructions rss_KiB "ratio"
row() {	# NAME REFERENCE-NOTE RATIO
	printf '%-16s %8.2f %8.2f %8.0f %8.0f %12s %9s  %s\n' "$1" "${P50[$1]}" "${P99[$1]}" \
		"${R1[$1]}" "${R8[$1]}" "${INS[$1]:--}" "${RSS[$1]:--}" "${2:-}"
}
row floor-static
row floor "(reference)"
row healthz "instr $(ratio "${INS[healthz]}" "${INS[floor]}")x floor, time $(ratio "${P50[healthz]}" "${P50[floor]}")x floor"
row ignored "instr $(ratio "${INS[ignored]}" 1000000)M (target <= 4M)"
row forged "time $(ratio "${P50[forged]}" "${P50[floor]}")x floor"
row invalid "time $(ratio "${P50[invalid]}" "${P50[floor]}")x floor"
row curl "(Kubernetes floor: one curl POST)"
row create "time $(ratio "${P50[create]}" "${P50[curl]}")x curl"
row webhook+kubectl "time $(ratio "${P50[webhook+kubectl]}" "${P50[create]}")x factory-webhook create"
