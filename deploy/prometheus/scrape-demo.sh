#!/usr/bin/env bash
# A real Prometheus (Debian's prometheus package) scraping a running './floodwatch demo', then asked, through its own
# HTTP API, for every metric the Grafana dashboard (deploy/grafana/floodwatch-dashboard.json) queries. Prints each
# metric with its current value; exits 1 if one never shows up. Everything stays on loopback and stops by itself.
#   apt-get install -y prometheus curl && deploy/prometheus/scrape-demo.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
PROMETHEUS=${PROMETHEUS:-prometheus}
command -v "$PROMETHEUS" >/dev/null || { echo "scrape-demo: prometheus is needed: apt-get install -y prometheus" >&2; exit 2; }
command -v curl >/dev/null || { echo "scrape-demo: curl is needed: apt-get install -y curl" >&2; exit 2; }

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

./floodwatch demo --duration 20m --speed 10x --data-dir "$work/demo" > "$work/demo.out" 2> "$work/demo.err" &
pids+=($!)
address=""
for _ in $(seq 1 120); do
  address=$(grep -o 'Dashboard: http://[^/]*' "$work/demo.out" 2>/dev/null | head -1 | sed 's|Dashboard: http://||') || true
  [ -n "$address" ] && break
  sleep 1
done
[ -n "$address" ] || { echo "scrape-demo: the demo did not start: $(tail -3 "$work/demo.err")" >&2; exit 1; }

port=$(( 20000 + RANDOM % 20000 ))
cat > "$work/prometheus.yml" <<YAML
global:
  scrape_interval: 2s
scrape_configs:
  - job_name: floodwatch-detector
    metrics_path: /metrics
    static_configs:
      - targets: ["$address"]
YAML
"$PROMETHEUS" --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
  --web.listen-address="127.0.0.1:$port" > "$work/prometheus.log" 2>&1 &
pids+=($!)
echo "demo: detector on http://$address/, Prometheus on http://127.0.0.1:$port/ scraping it every 2 s"

metrics=$(grep -o '\(floodwatch\|kafka\|jvm\|process\)_[a-z_]*' deploy/grafana/floodwatch-dashboard.json | sort -u)
missing=""
for _ in $(seq 1 60); do
  sleep 2
  names=$(curl -sf "http://127.0.0.1:$port/api/v1/label/__name__/values" || true)
  missing=""
  for metric in $metrics; do
    grep -q "\"$metric\"" <<<"$names" || missing="$missing $metric"
  done
  [ -z "$missing" ] && break
done
for metric in $metrics; do
  value=$(curl -sf "http://127.0.0.1:$port/api/v1/query" --data-urlencode "query=sum($metric)" \
    | grep -o '"value":\[[^]]*\]' | sed 's/.*,"\(.*\)"\]/\1/' || true)
  printf '%-52s %s\n' "$metric" "${value:-absent}"
done
if [ -n "$missing" ]; then
  echo "scrape-demo: Prometheus never saw:$missing" >&2
  exit 1
fi
echo "scrape-demo: Prometheus scraped every metric the Grafana dashboard queries"
