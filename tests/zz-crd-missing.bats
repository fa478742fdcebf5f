#!/usr/bin/env bats
# Runs last (it removes the CRD, and with it every task): a missing CRD is
# 502 saying so; with the CRD installed again, tasks are created again.

load helpers

setup() { common_setup; }
teardown() { common_teardown; }

CRD=/apis/apiextensions.k8s.io/v1/customresourcedefinitions

list_code() {
	curl -s -o /dev/null -w '%{http_code}' --cacert "$KUBE_CA" \
		-H "Authorization: Bearer $ADMIN_TOKEN" "$KUBE_URL$CRD_PATH/softwaretasks"
}

wait_code() {
	for _ in $(seq 300); do
		[ "$(list_code)" = "$1" ] && return 0
		sleep 0.2
	done
	return 1
}

@test "CRD missing: 502 naming the CRD; installed again: 201" {
	kube DELETE "$CRD/softwaretasks.factory.factory.io" >/dev/null
	wait_code 404
	fw_raw "$(req POST /api/v1/tasks '{"repo":"https://github.com/o/r","task":"t"}' 'Content-Type: application/json')"
	expect 502 '{"error":"the SoftwareTask CRD (softwaretasks.factory.factory.io) is not installed in Kubernetes; apply it first"}'
	kube POST "$CRD" -H 'Content-Type: application/yaml' \
		--data-binary "@$FIXTURES/k8s/softwaretasks.crd.yaml" >/dev/null
	wait_code 200
	for _ in $(seq 50); do
		fw_raw "$(req POST /api/v1/tasks '{"repo":"https://github.com/o/r","task":"t"}' 'Content-Type: application/json')"
		[ "$(status_code)" = 201 ] && break
		sleep 0.2
	done
	expect 201
}
