#!/usr/bin/env python3
"""Writes registration-flood.jsonl: five minutes of ordinary sign-ups (mostly CN, some US) and logins,
then thirty seconds of a registration flood from BR, IN and VN, as JSON lines in the contract's shape.
Deterministic; event time starts at 2025-01-27T00:00:00Z."""
import json

T0 = 1737936000000
events = []


def add(ts, ip, path, status, region):
    events.append((ts, json.dumps({"timestamp": ts, "sourceIp": ip, "method": "POST", "path": path,
                                   "status": status, "latencyMs": 40, "region": region,
                                   "userAgent": "Mozilla/5.0", "gatewayId": "edge-1"})))


usual = ["CN", "CN", "CN", "CN", "US"]
for n in range(600):
    add(T0 + n * 500, f"10.1.{n // 250}.{n % 250 + 1}", "/api/v1/auth/register", 400 if n % 3 == 0 else 200, usual[n % 5])
for n in range(660):
    add(T0 + n * 500, f"172.16.{n // 250}.{n % 250 + 1}", "/api/v1/auth/login", 200, "CN")
for n in range(900):
    add(T0 + 300000 + n * 33, f"198.18.{n // 250}.{n % 250 + 1}", "/api/v1/auth/register",
        400 if n % 3 == 0 else 200, ["BR", "IN", "VN"][n % 3])
events.sort(key=lambda e: e[0])
with open("registration-flood.jsonl", "w") as out:
    out.write("\n".join(line for _, line in events) + "\n")
