#!/usr/bin/env bash
# Start a throwaway real etcd + real kube-apiserver on free loopback ports,
# with everything (certs, tokens, data, logs) under DIR, then install the
# SoftwareTask CRD, namespaces and RBAC the integration tests expect.
#
# Usage: tests/kube/up.sh DIR
#   DIR must be empty or not exist. On success prints DIR/env (a sourceable
#   file, see below) as the last line of stdout; progress goes to stderr.
#   On failure everything started is stopped again and it exits non-zero.
#   Stop with tests/kube/down.sh DIR; restart the apiserver with
#   tests/kube/kas.sh DIR stop|start.
# Env:   KUBE_BIN_DIR  directory with kube-apiserver and etcd
#                      (default: the one tests/kube/build.sh prints,
#                      building them on first use).
#
# DIR/env exports KUBE_URL KUBE_CA ADMIN_TOKEN LIMITED_TOKEN ADMIN_TOKEN_FILE
# LIMITED_TOKEN_FILE CLIENT_CERT CLIENT_KEY KAS_PID ETCD_PID KUBE_DIR
# (see README.md next to this script).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=SCRIPTDIR/lib.sh
source "$here/lib.sh"

[[ $# -eq 1 ]] || kube_die "usage: $0 DIR"
crd_file=$here/../fixtures/k8s/softwaretasks.crd.yaml
[[ -f $crd_file ]] || kube_die "CRD fixture missing: $crd_file"
for tool in curl openssl; do
	command -v "$tool" >/dev/null || kube_die "$tool not found in PATH"
done

mkdir -p "$1"
KUBE_DIR=$(cd "$1" && pwd)
[[ -z $(ls -A "$KUBE_DIR") ]] || kube_die "$KUBE_DIR is not empty"
export KUBE_DIR
umask 077 # keys and tokens are for this user only

start=$SECONDS
bin_dir=${KUBE_BIN_DIR:-$("$here/build.sh" | tail -n1)}
for b in etcd kube-apiserver; do
	[[ -x $bin_dir/$b ]] || kube_die "$bin_dir/$b missing (run tests/kube/build.sh)"
done

# Anything failing from here on stops what was started, so no process leaks.
ok=0
cleanup() { ((ok)) || "$here/down.sh" "$KUBE_DIR" || true; }
trap cleanup EXIT

# --- certificates: one CA signs the serving cert and a client cert --------
cd "$KUBE_DIR"
cat >openssl.cnf <<'EOF'
[req]
distinguished_name = dn
prompt = no
[dn]
[ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[server]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1,DNS:localhost
authorityKeyIdentifier = keyid
[client]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = clientAuth
authorityKeyIdentifier = keyid
EOF
ossl() { openssl "$@" 2>>openssl.log || { kube_log_tail openssl.log; kube_die "openssl $1 failed"; }; }
ossl req -x509 -config openssl.cnf -extensions ca -newkey rsa:2048 -nodes -days 30 \
	-subj /CN=factory-webhook-test-ca -keyout ca.key -out ca.crt
# $1 = file stem, $2 = CN, $3 = extension section
sign_cert() {
	ossl req -new -config openssl.cnf -newkey rsa:2048 -nodes -subj "/CN=$2" \
		-keyout "$1.key" -out "$1.csr"
	ossl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 30 \
		-extfile openssl.cnf -extensions "$3" -out "$1.crt"
	rm -f "$1.csr"
}
sign_cert apiserver kube-apiserver server
sign_cert client cert-user client
ossl genrsa -out sa.key 2048 # service-account token signing key

# --- static tokens: token,user,uid,"groups" --------------------------------
new_token() { od -An -N16 -tx1 /dev/urandom | tr -d ' \n'; }
ADMIN_TOKEN=$(new_token)
LIMITED_TOKEN=$(new_token)
printf '%s\n' "$ADMIN_TOKEN" >admin.token
printf '%s\n' "$LIMITED_TOKEN" >limited.token
cat >tokens.csv <<EOF
$ADMIN_TOKEN,test-admin,uid-admin,"system:masters"
$LIMITED_TOKEN,limited-user,uid-limited,"test-users"
EOF

# --- etcd ---------------------------------------------------------------
touch etcd.log kas.log
# A bind clash (port taken between picking and binding) is retried on new ports.
ETCD_PID=
for ((attempt = 1; ; attempt++)); do
	etcd_port=$(kube_free_port)
	peer_port=$(kube_free_port "$etcd_port")
	etcd_url=http://127.0.0.1:$etcd_port
	kube_log "starting etcd on $etcd_url (attempt $attempt)"
	log_lines=$(wc -l <etcd.log)
	(
		kube_close_fds
		exec "$bin_dir/etcd" --name test --data-dir "$KUBE_DIR/etcd" \
			--listen-client-urls "$etcd_url" --advertise-client-urls "$etcd_url" \
			--listen-peer-urls "http://127.0.0.1:$peer_port" \
			--initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
			--initial-cluster "test=http://127.0.0.1:$peer_port" \
			--unsafe-no-fsync --log-level warn
	) </dev/null >>etcd.log 2>&1 &
	ETCD_PID=$!
	printf '%s\n' "$ETCD_PID" >etcd.pid
	deadline=$((SECONDS + 30))
	until curl -fsS --max-time 2 "$etcd_url/health" 2>/dev/null | grep -q '"health":"true"'; do
		if ! kube_alive "$ETCD_PID"; then
			if tail -n "+$((log_lines + 1))" etcd.log | grep -q 'address already in use' &&
				((attempt < 5)); then
				rm -rf "$KUBE_DIR/etcd"
				continue 2
			fi
			kube_log_tail etcd.log
			kube_die "etcd exited during startup"
		fi
		if ((SECONDS >= deadline)); then
			kube_log_tail etcd.log
			kube_die "etcd not healthy after 30 s"
		fi
		sleep 0.1
	done
	break
done

# --- kube-apiserver -----------------------------------------------------
# The flags go to kas.cmd so kas.sh can restart it identically (same port).
# --endpoint-reconciler-type=none: nothing to reconcile on a test server; it
#   also allows the loopback --advertise-address, which the other reconcilers
#   reject. Without an explicit address kube-apiserver derives one from the
#   default route and fails on a machine without one.
# --disable-admission-plugins=ServiceAccount: no controller-manager creates
#   default service accounts here.
KAS_PID=
for ((attempt = 1; ; attempt++)); do
	kas_port=$(kube_free_port "$etcd_port" "$peer_port")
	KUBE_URL=https://127.0.0.1:$kas_port
	export KUBE_URL ADMIN_TOKEN
	kas_args=(
		"$bin_dir/kube-apiserver"
		--etcd-servers="$etcd_url"
		--bind-address=127.0.0.1 --secure-port="$kas_port"
		--tls-cert-file="$KUBE_DIR/apiserver.crt"
		--tls-private-key-file="$KUBE_DIR/apiserver.key"
		--client-ca-file="$KUBE_DIR/ca.crt"
		--cert-dir="$KUBE_DIR/kas-certs"
		--token-auth-file="$KUBE_DIR/tokens.csv"
		--authorization-mode=RBAC
		--service-account-issuer="$KUBE_URL"
		--service-account-key-file="$KUBE_DIR/sa.key"
		--service-account-signing-key-file="$KUBE_DIR/sa.key"
		--service-cluster-ip-range=10.0.0.0/24
		--disable-admission-plugins=ServiceAccount
		--endpoint-reconciler-type=none --advertise-address=127.0.0.1
		--profiling=false --v=1
	)
	{
		echo '# kube-apiserver command line, written by up.sh, used by kas.sh'
		printf 'KAS_CMD=('
		printf ' %q' "${kas_args[@]}"
		printf ' )\n'
	} >kas.cmd
	kube_log "starting kube-apiserver on $KUBE_URL (attempt $attempt)"
	log_lines=$(wc -l <kas.log)
	kube_start_kas
	rc=0
	kube_wait_readyz 120 || rc=$?
	((rc == 0)) && break
	if ((rc == 2)) && ((attempt < 5)) &&
		tail -n "+$((log_lines + 1))" kas.log | grep -q 'address already in use'; then
		continue
	fi
	kube_log_tail kas.log
	((rc == 2)) && kube_die "kube-apiserver exited during startup"
	kube_die "kube-apiserver not ready after 120 s"
done
kube_log "ready after $((SECONDS - start)) s"

# --- CRD, namespaces, RBAC ------------------------------------------------
# POST body $2 (a file with @, else a string) with content type $3 to $1 as admin.
admin_post() {
	local out
	out=$(curl -sS --max-time 30 --fail-with-body --cacert ca.crt \
		-H "Authorization: Bearer $ADMIN_TOKEN" -H "Content-Type: $3" \
		-X POST --data-binary "$2" "$KUBE_URL$1") || {
		printf '%s\n' "$out" >&2
		kube_die "POST $1 failed"
	}
}

admin_post /apis/apiextensions.k8s.io/v1/customresourcedefinitions "@$crd_file" application/yaml
# The CR list URL answers 404 until the CRD is established and served.
deadline=$((SECONDS + 60))
until [[ $(kube_admin_status /apis/factory.factory.io/v1alpha1/softwaretasks) == 200 ]]; do
	((SECONDS < deadline)) || { kube_log_tail kas.log; kube_die "CRD not served after 60 s"; }
	sleep 0.2
done

for ns in team-a team-b; do
	admin_post /api/v1/namespaces \
		"{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"$ns\"}}" \
		application/json
done

# limited-user and cert-user may only create SoftwareTasks, in team-a and default.
for ns in team-a default; do
	admin_post "/apis/rbac.authorization.k8s.io/v1/namespaces/$ns/roles" "$(
		cat <<EOF
{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"Role",
 "metadata":{"name":"softwaretask-creator","namespace":"$ns"},
 "rules":[{"apiGroups":["factory.factory.io"],"resources":["softwaretasks"],"verbs":["create"]}]}
EOF
	)" application/json
	admin_post "/apis/rbac.authorization.k8s.io/v1/namespaces/$ns/rolebindings" "$(
		cat <<EOF
{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding",
 "metadata":{"name":"softwaretask-creator","namespace":"$ns"},
 "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"softwaretask-creator"},
 "subjects":[{"apiGroup":"rbac.authorization.k8s.io","kind":"User","name":"limited-user"},
             {"apiGroup":"rbac.authorization.k8s.io","kind":"User","name":"cert-user"}]}
EOF
	)" application/json
done

# RBAC sees new bindings through an informer: wait until the apiserver itself
# says limited-user may create in both namespaces.
for ns in team-a default; do
	ssar="{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SelfSubjectAccessReview\",
\"spec\":{\"resourceAttributes\":{\"group\":\"factory.factory.io\",\"resource\":\"softwaretasks\",
\"verb\":\"create\",\"namespace\":\"$ns\"}}}"
	deadline=$((SECONDS + 60))
	until curl -sS --max-time 5 --cacert ca.crt -H "Authorization: Bearer $LIMITED_TOKEN" \
		-H 'Content-Type: application/json' -X POST --data-binary "$ssar" \
		"$KUBE_URL/apis/authorization.k8s.io/v1/selfsubjectaccessreviews" 2>/dev/null |
		grep -qE '"allowed": *true'; do
		((SECONDS < deadline)) || { kube_log_tail kas.log; kube_die "RBAC for limited-user not effective after 60 s"; }
		sleep 0.2
	done
done

# --- env file -------------------------------------------------------------
{
	echo '# written by tests/kube/up.sh; source it'
	for v in KUBE_URL KUBE_CA ADMIN_TOKEN LIMITED_TOKEN ADMIN_TOKEN_FILE LIMITED_TOKEN_FILE \
		CLIENT_CERT CLIENT_KEY KAS_PID ETCD_PID KUBE_DIR; do
		case $v in
		KUBE_CA) val=$KUBE_DIR/ca.crt ;;
		ADMIN_TOKEN_FILE) val=$KUBE_DIR/admin.token ;;
		LIMITED_TOKEN_FILE) val=$KUBE_DIR/limited.token ;;
		CLIENT_CERT) val=$KUBE_DIR/client.crt ;;
		CLIENT_KEY) val=$KUBE_DIR/client.key ;;
		*) val=${!v} ;;
		esac
		printf 'export %s=%q\n' "$v" "$val"
	done
} >"$KUBE_DIR/env"

ok=1
kube_log "environment ready in $((SECONDS - start)) s: $KUBE_URL (source $KUBE_DIR/env)"
printf '%s\n' "$KUBE_DIR/env"
