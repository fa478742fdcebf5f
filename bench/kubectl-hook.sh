#!/bin/sh
# The alternative a user would otherwise deploy: adnanh/webhook runs this for
# each request, building the same SoftwareTask and piping it to kubectl.
# $1 is the request's JSON payload.
set -e
printf '%s' "$1" | jq -c '{apiVersion: "factory.factory.io/v1alpha1", kind: "SoftwareTask",
  metadata: {generateName: "task-", labels: {"factory.io/source": "api"}},
  spec: {repo: .repo, task: .task, branch: "main", agent: "claude-code",
         credentials: {secretRef: "factory-creds"}}}' |
  kubectl --server="$KUBE_URL" --token="$(cat "$KUBE_TOKEN_FILE")" \
    --certificate-authority="$KUBE_CA" -n default create -f - -o name
