#!/usr/bin/env bash
# Creates the Floodwatch topics with the right configs, idempotently (--if-not-exists; the record timestamp type of
# existing topics is set too). The detector creates missing
# topics itself at start (topic.partitions, topic.replication.factor); run this where a platform team owns topic
# creation, or to create them with more partitions and replicas.
#   BOOTSTRAP_SERVERS=kafka:9092 PARTITIONS=12 REPLICATION_FACTOR=3 KAFKA_BIN=/opt/kafka/bin ./create-topics.sh
set -euo pipefail
BOOTSTRAP_SERVERS=${BOOTSTRAP_SERVERS:-127.0.0.1:9092}
PARTITIONS=${PARTITIONS:-4}
REPLICATION_FACTOR=${REPLICATION_FACTOR:-3}
KAFKA_BIN=${KAFKA_BIN:-/opt/kafka/bin}
DAY=86400000
WEEK=604800000

create() {
  local topic=$1 partitions=$2
  shift 2
  local configs=()
  for config in "$@"; do configs+=(--config "$config"); done
  "$KAFKA_BIN/kafka-topics.sh" --bootstrap-server "$BOOTSTRAP_SERVERS" --create --if-not-exists \
    --topic "$topic" --partitions "$partitions" --replication-factor "$REPLICATION_FACTOR" "${configs[@]}"
  # --if-not-exists leaves an existing topic as it was; its record timestamp type is set all the same.
  for config in "$@"; do
    if [[ $config == message.timestamp.type=* ]]; then
      "$KAFKA_BIN/kafka-configs.sh" --bootstrap-server "$BOOTSTRAP_SERVERS" --alter --entity-type topics \
        --entity-name "$topic" --add-config "$config"
    fi
  done
}

# Topics deleted by time take recorded and replayed traffic (or are written with its old event times): their record
# timestamp is the broker's append time, so retention counts from arrival, never from event time (in the payload).
# With CreateTime, a replay older than the retention is deleted by the next retention check while it is read.
# Request events, keyed by source IP: the partition count bounds the detector's parallelism.
create requests "$PARTITIONS" cleanup.policy=delete retention.ms=$DAY message.timestamp.type=LogAppendTime
create requests-json "$PARTITIONS" cleanup.policy=delete retention.ms=$DAY message.timestamp.type=LogAppendTime
create requests-dlq "$PARTITIONS" cleanup.policy=delete retention.ms=$WEEK message.timestamp.type=LogAppendTime
# Outputs for dashboards and audit.
create endpoint-rates "$PARTITIONS" cleanup.policy=delete retention.ms=$WEEK message.timestamp.type=LogAppendTime
create anomalies "$PARTITIONS" cleanup.policy=delete retention.ms=$WEEK message.timestamp.type=LogAppendTime
# Commands, compacted: a gateway reading from the beginning learns every command in force.
create mitigations "$PARTITIONS" cleanup.policy=compact min.compaction.lag.ms=60000 segment.ms=3600000
# Rule changes and lift requests, compacted, read whole by every detector instance.
create detector-control 1 cleanup.policy=compact min.compaction.lag.ms=60000
echo "Floodwatch topics ready on $BOOTSTRAP_SERVERS"
