#!/usr/bin/env bash
# Floodwatch's Kafka ACLs, one principal per role (the same as the secured embedded broker, `floodwatch run --secure`):
#   detector  reads requests and detector-control, is the only writer of mitigations and the other outputs,
#             and owns its internal topics, consumer group and transactional ids (prefix: its application id);
#   gateway   gateways, sidecars and the gateway publisher: write requests, read mitigations;
#   operator  operators and the CLI (lift, rules, commands): write detector-control, read the outputs.
# Run with the cluster's authorizer on and allow.everyone.if.no.acl.found=false, as an admin principal:
#   KAFKA_HOME=/opt/kafka BOOTSTRAP=broker:9092 ADMIN_CONFIG=admin.properties deploy/kafka/acls.sh
# APP_ID (default floodwatch-detector) must match the detector's application.id.
set -euo pipefail
: "${KAFKA_HOME:?set KAFKA_HOME to the Kafka installation}"
: "${BOOTSTRAP:?set BOOTSTRAP to host:port of a broker}"
: "${ADMIN_CONFIG:?set ADMIN_CONFIG to the client properties of an admin principal}"
APP_ID="${APP_ID:-floodwatch-detector}"

acl() {
  local principal="$1"
  shift
  "$KAFKA_HOME/bin/kafka-acls.sh" --bootstrap-server "$BOOTSTRAP" --command-config "$ADMIN_CONFIG" \
    --add --allow-principal "User:$principal" --allow-host '*' "$@"
}

for topic in requests requests-json detector-control; do
  acl detector --topic "$topic" --operation Read --operation Describe --operation Create --operation DescribeConfigs --operation AlterConfigs
done
for topic in requests-dlq endpoint-rates anomalies mitigations; do
  acl detector --topic "$topic" --operation Write --operation Read --operation Describe --operation Create --operation DescribeConfigs --operation AlterConfigs
done
acl detector --topic "$APP_ID" --resource-pattern-type prefixed --operation All
acl detector --group "$APP_ID" --resource-pattern-type prefixed --operation Read --operation Describe
acl detector --transactional-id "$APP_ID" --resource-pattern-type prefixed --operation Write --operation Describe

for topic in requests requests-json; do
  acl gateway --topic "$topic" --operation Write --operation Describe
done
acl gateway --topic mitigations --operation Read --operation Describe

acl operator --topic detector-control --operation Write --operation Read --operation Describe
for topic in requests-dlq endpoint-rates anomalies mitigations; do
  acl operator --topic "$topic" --operation Read --operation Describe
done
