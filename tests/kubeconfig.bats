#!/usr/bin/env bats
# Kubernetes credentials as kubectl finds them: kubeconfig files (YAML and
# JSON, lists, contexts, files and -data fields, exec plugins, proxy-url,
# tls-server-name) and a pod's service account, against the real API server.

load helpers

setup() {
	common_setup
	unset KUBE_API_SERVER KUBE_TOKEN_FILE KUBE_CA_FILE
	K=$BATS_TEST_TMPDIR/kube
	mkdir -p "$K"
	export KUBECONFIG=$K/config
}
teardown() {
	[[ -n ${PROXY_PID-} ]] && kill "$PROXY_PID" 2>/dev/null
	common_teardown
}

post() { fw_raw "$(req POST /api/v1/tasks "{\"repo\":\"https://github.com/o/kc\",\"task\":\"$1\"}" 'Content-Type: application/json')"; }
b64() { base64 -w0 "$1"; }

# kubeconfig CLUSTER-LINES USER-LINES: one context "main", current.
kubeconfig() {
	cat >"$KUBECONFIG" <<-EOF
	apiVersion: v1
	kind: Config
	current-context: main
	contexts:
	- name: other
	  context: {cluster: nowhere, user: nobody}
	- name: main
	  context:
	    cluster: test
	    user: me
	clusters:
	- name: nowhere
	  cluster: {server: "https://127.0.0.1:1"}
	- name: test
	  cluster:
	$(sed 's/^/    /' <<<"$1")
	users:
	- name: me
	  user:
	$(sed 's/^/    /' <<<"$2")
	EOF
}

@test "token context, CA file: the current context is the one used" {
	kubeconfig "server: $KUBE_URL
certificate-authority: $KUBE_CA" "token: $LIMITED_TOKEN"
	post "kubeconfig token"
	expect 201
	task_get "$(json_field .name)" | jq -e '.spec.task == "kubeconfig token"'
	run "$FW" --check-config
	[[ $output == *"kubernetes             kubeconfig $KUBECONFIG, context main"* ]]
	[[ $output != *"$LIMITED_TOKEN"* ]]
}

@test "tokenFile and a CA path relative to the kubeconfig's directory" {
	cp "$KUBE_CA" "$K/ca.crt"
	printf '%s\n' "$LIMITED_TOKEN" >"$K/token"
	kubeconfig "server: $KUBE_URL
certificate-authority: ca.crt" "tokenFile: token"
	(cd / && post "relative paths")
	expect 201
}

@test "client certificate files, and the same embedded as -data fields" {
	kubeconfig "server: $KUBE_URL
certificate-authority: $KUBE_CA" "client-certificate: $CLIENT_CERT
client-key: $CLIENT_KEY"
	post "client cert files"
	expect 201
	kubeconfig "server: $KUBE_URL
certificate-authority-data: $(b64 "$KUBE_CA")" "client-certificate-data: $(b64 "$CLIENT_CERT")
client-key-data: $(b64 "$CLIENT_KEY")"
	post "client cert data"
	expect 201
}

@test "a JSON kubeconfig, and a KUBECONFIG list merged first-file-wins" {
	jq -n --arg s "$KUBE_URL" --arg ca "$KUBE_CA" --arg t "$LIMITED_TOKEN" '{
		apiVersion: "v1", kind: "Config", "current-context": "j",
		contexts: [{name: "j", context: {cluster: "c", user: "u"}}],
		clusters: [{name: "c", cluster: {server: $s, "certificate-authority": $ca}}],
		users: [{name: "u", user: {token: $t}}]}' >"$K/config.json"
	KUBECONFIG=$K/config.json post "json kubeconfig"
	expect 201
	jq -n '{"current-context": "j", contexts: [{name: "j", context: {cluster: "c", user: "u"}}]}' >"$K/first.json"
	jq -n '{clusters: [{name: "c", cluster: {server: "https://127.0.0.1:1"}}]}' >"$K/shadowed.json"
	KUBECONFIG=$K/first.json:$K/missing:$K/config.json:$K/shadowed.json post "merged"
	expect 201
	KUBECONFIG=$K/shadowed.json:$K/first.json:$K/config.json post "shadowed"
	expect 503
}

@test "\$HOME/.kube/config when KUBECONFIG is not set" {
	unset KUBECONFIG
	mkdir -p "$HOME/.kube"
	KUBECONFIG=$HOME/.kube/config kubeconfig "server: $KUBE_URL
certificate-authority: $KUBE_CA" "token: $LIMITED_TOKEN"
	post "home config"
	expect 201
}

@test "exec plugin supplies the token, with its env and KUBERNETES_EXEC_INFO" {
	cat >"$K/plugin" <<-EOF
	#!/bin/sh
	[ "\$FROM_KUBECONFIG" = yes ] || { echo "env missing" >&2; exit 2; }
	case "\$KUBERNETES_EXEC_INFO" in *ExecCredential*) ;; *) exit 3;; esac
	printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}\n' "$LIMITED_TOKEN"
	EOF
	chmod +x "$K/plugin"
	kubeconfig "server: $KUBE_URL
certificate-authority: $KUBE_CA" "exec:
  apiVersion: client.authentication.k8s.io/v1
  command: $K/plugin
  args: [get-token, --cluster, test]
  env: [{name: FROM_KUBECONFIG, value: \"yes\"}]
  interactiveMode: Never"
	post "exec plugin"
	expect 201
}

@test "a failing exec plugin is 503 with its message; a hanging one is cut off" {
	printf '#!/bin/sh\necho "boom: no credentials" >&2\nexit 3\n' >"$K/fail"
	printf '#!/bin/sh\nsleep 30\n' >"$K/hang"
	chmod +x "$K/fail" "$K/hang"
	kubeconfig "server: $KUBE_URL
certificate-authority: $KUBE_CA" "exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: $K/fail}"
	post "fails"
	expect 503 "{\"error\":\"Kubernetes credentials unusable: exec plugin $K/fail failed (exit 3): boom: no credentials\"}"
	kubeconfig "server: $KUBE_URL
certificate-authority: $KUBE_CA" "exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: $K/hang}"
	local start
	start=$(date +%s)
	K8S_TIMEOUT_SECONDS=1 post "hangs"
	expect 503 "{\"error\":\"Kubernetes credentials unusable: exec plugin $K/hang did not finish within 1 s\"}"
	[ $(($(date +%s) - start)) -lt 5 ]
}

@test "proxy-url: through a real HTTP CONNECT proxy (tinyproxy)" {
	local pport
	pport=$(free_port)
	cat >"$K/tinyproxy.conf" <<-EOF
	Port $pport
	Listen 127.0.0.1
	Allow 127.0.0.1
	LogFile "$K/tinyproxy.log"
	LogLevel Connect
	MaxClients 10
	EOF
	tinyproxy -d -c "$K/tinyproxy.conf" 2>/dev/null &
	PROXY_PID=$!
	for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$pport") 2>/dev/null && break; sleep 0.1; done
	kubeconfig "server: $KUBE_URL
certificate-authority: $KUBE_CA
proxy-url: http://127.0.0.1:$pport" "token: $LIMITED_TOKEN"
	post "via proxy"
	expect 201
	grep -q "CONNECT.*127.0.0.1:${KUBE_URL##*:}" "$K/tinyproxy.log"
}

@test "tls-server-name is the name verified; insecure-skip-tls-verify skips it" {
	kubeconfig "server: $KUBE_URL
certificate-authority: $KUBE_CA
tls-server-name: localhost" "token: $LIMITED_TOKEN"
	post "tls-server-name"
	expect 201
	kubeconfig "server: $KUBE_URL
certificate-authority: $KUBE_CA
tls-server-name: wrong.example" "token: $LIMITED_TOKEN"
	post "wrong name"
	expect 503
	kubeconfig "server: $KUBE_URL
insecure-skip-tls-verify: true" "token: $LIMITED_TOKEN"
	post "insecure"
	expect 201
}

@test "malformed kubeconfig or no current-context: 503 naming the file and the fix" {
	printf 'clusters: [unclosed\n' >"$KUBECONFIG"
	post "bad"
	expect 503
	[[ $(json_field .error) == "Kubernetes credentials unusable: kubeconfig $KUBECONFIG is not valid YAML or JSON"* ]]
	printf 'apiVersion: v1\nkind: Config\n' >"$KUBECONFIG"
	post "no context"
	expect 503 "{\"error\":\"Kubernetes credentials unusable: kubeconfig $KUBECONFIG has no current-context; run kubectl config use-context NAME\"}"
	run "$FW" --check-config
	[ "$status" = 1 ]
}

@test "in-cluster: the service account mounted where Kubernetes puts it; rotation" {
	local sa=$BATS_TEST_TMPDIR/sa port=${KUBE_URL##*:}
	unset KUBECONFIG
	mkdir -p "$sa"
	cp "$KUBE_CA" "$sa/ca.crt"
	printf '%s' "$LIMITED_TOKEN" >"$sa/token"
	req POST /api/v1/tasks '{"repo":"https://github.com/o/r","task":"in cluster"}' 'Content-Type: application/json' >"$BATS_TEST_TMPDIR/req"
	incluster() {
		unshare -m sh -c 'mount -t tmpfs tmpfs /run &&
			mkdir -p /run/secrets/kubernetes.io/serviceaccount &&
			mount --bind "$1" /run/secrets/kubernetes.io/serviceaccount &&
			exec "$2"' sh "$sa" "$FW" <"$BATS_TEST_TMPDIR/req" >"$RESP" 2>>"$ERR"
	}
	KUBERNETES_SERVICE_HOST=127.0.0.1 KUBERNETES_SERVICE_PORT=$port incluster
	expect 201
	printf 'rotated-away' >"$sa/token"
	KUBERNETES_SERVICE_HOST=127.0.0.1 KUBERNETES_SERVICE_PORT=$port incluster
	expect 502
	printf '%s\n' "$LIMITED_TOKEN" >"$sa/token"
	KUBERNETES_SERVICE_HOST=127.0.0.1 KUBERNETES_SERVICE_PORT=$port incluster
	expect 201
	run unshare -m sh -c 'mount -t tmpfs tmpfs /run &&
		mkdir -p /run/secrets/kubernetes.io/serviceaccount &&
		mount --bind "$1" /run/secrets/kubernetes.io/serviceaccount &&
		KUBERNETES_SERVICE_HOST=fd00::1 exec "$2" --check-config' sh "$sa" "$FW"
	[[ $output == *"api server             https://[fd00::1]:443"* ]]
}
