// Floodwatch live dashboard. Everything shown comes from the query API and may be attacker-controlled (paths,
// user agents, account ids, reasons quoting them): it is only ever put on the page as text (textContent,
// createTextNode, SVG attributes set from numbers), never as HTML. The page's Content-Security-Policy forbids
// inline scripts as a second line of defence.
"use strict";

const REFRESH_MS = 2000;
const SVG = "http://www.w3.org/2000/svg";

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

function row(cells) {
  const tr = document.createElement("tr");
  for (const cell of cells) tr.appendChild(cell instanceof Node ? cell : el("td", cell));
  return tr;
}

function replaceRows(tbody, rows) {
  tbody.replaceChildren(...rows);
}

function ago(ms) {
  const s = Math.round(ms / 1000);
  if (Math.abs(s) < 90) return s + " s";
  const m = Math.round(s / 60);
  return Math.abs(m) < 90 ? m + " min" : Math.round(m / 60) + " h";
}

// An event-time lag as people read it: "850 ms", "42 s", "4 min 12 s", "3 h 5 min".
function duration(ms) {
  if (ms < 1000) return Math.round(ms) + " ms";
  const s = Math.floor(ms / 1000);
  if (s < 60) return s + " s";
  if (s < 3600) return Math.floor(s / 60) + " min" + (s % 60 ? " " + (s % 60) + " s" : "");
  const m = Math.floor(s / 60);
  if (s < 86400) return Math.floor(m / 60) + " h" + (m % 60 ? " " + (m % 60) + " min" : "");
  return Math.floor(s / 86400) + " d" + (Math.floor(s / 3600) % 24 ? " " + (Math.floor(s / 3600) % 24) + " h" : "");
}

async function getJson(path) {
  const response = await fetch(path, { cache: "no-store" });
  if (!response.ok) throw new Error(path + ": " + response.status);
  return response.json();
}

function renderCommands(data) {
  const items = data.items || [];
  document.getElementById("command-count").textContent = items.length;
  document.getElementById("no-commands").hidden = items.length > 0;
  const now = Date.now();
  replaceRows(document.querySelector("#commands tbody"), items.map((c) => {
    const limits = c.allowedRegions ? "only " + c.allowedRegions.join(", ")
      : (c.rateLimitPerSecond != null ? c.rateLimitPerSecond.toFixed(1) + "/s" : "");
    const why = el("td", c.reason, "why");
    why.title = Object.entries(c.evidence || {}).map(([k, v]) => k + " = " + v).join("\n");
    return row([el("td", c.action, "action-" + c.action), el("td", c.scope + " " + c.target),
      el("td", c.mode, "mode-" + c.mode), limits, "in " + ago(c.expiresAt - now), c.rule || "", why]);
  }));
}

function sparkline(windows) {
  const width = 300, height = 60, pad = 4;
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 " + width + " " + height);
  svg.setAttribute("preserveAspectRatio", "none");
  const values = windows.flatMap((w) => [w.requests, w.expectedRequests || 0]);
  const max = Math.max(1, ...values);
  const x = (i) => windows.length < 2 ? width / 2 : pad + i * (width - 2 * pad) / (windows.length - 1);
  const y = (v) => height - pad - (v / max) * (height - 2 * pad);
  const line = (key, cls) => {
    const points = windows.map((w, i) => [x(i), y(Number(w[key]) || 0)]);
    const path = document.createElementNS(SVG, "polyline");
    path.setAttribute("points", points.map((p) => p[0].toFixed(1) + "," + p[1].toFixed(1)).join(" "));
    path.setAttribute("class", cls);
    svg.appendChild(path);
  };
  if (windows.some((w) => w.expectedRequests != null)) line("expectedRequests", "line-expected");
  line("requests", "line-actual");
  return svg;
}

function renderEndpoints(data) {
  const items = (data.items || []).slice().sort((a, b) => last(b).requests - last(a).requests).slice(0, 24);
  document.getElementById("endpoints").replaceChildren(...items.map((endpoint) => {
    const latest = last(endpoint);
    const box = el("div", null, "endpoint");
    box.appendChild(el("div", endpoint.route, "route"));
    const expected = endpoint.baselineWarm && latest.expectedRequests != null ? Math.round(latest.expectedRequests) : "still learning";
    box.appendChild(el("div", latest.requests + " requests in the latest window (baseline " + expected + ")"
      + ", 4xx " + latest.clientErrors + ", 5xx " + latest.serverErrors + ", 429 " + latest.rateLimited, "muted"));
    box.appendChild(sparkline(endpoint.windows));
    const regions = Object.entries(latest.regions || {}).sort((a, b) => b[1] - a[1]).slice(0, 6);
    if (regions.length) {
      const total = Object.values(latest.regions).reduce((s, v) => s + v, 0) || 1;
      box.appendChild(el("div", "regions: " + regions.map(([r, n]) => r + " " + Math.round(100 * n / total) + "%").join(", "),
        "regions"));
    }
    return box;
  }));
}

function last(endpoint) {
  return endpoint.windows[endpoint.windows.length - 1] || { requests: 0 };
}

function renderSources(data) {
  replaceRows(document.querySelector("#sources tbody"), (data.items || []).map((s) =>
    row([el("td", s.source), s.requests, s.failures])));
}

function renderAnomalies(data) {
  document.getElementById("anomalies").replaceChildren(...(data.items || []).map((a) => {
    const li = el("li");
    li.appendChild(el("span", a.verdict, "verdict-" + a.verdict));
    li.appendChild(document.createTextNode(" " + (a.disposition || "") + " " + a.key + (a.action ? " → " + a.action : "") + ": "));
    li.appendChild(el("span", a.reason, "muted"));
    return li;
  }));
}

function renderDeadLetters(data) {
  document.getElementById("dlq-total").textContent = data.total;
  document.getElementById("dead-letters").replaceChildren(...(data.items || []).map((d) => {
    const li = el("li");
    li.appendChild(el("span", d.reason));
    li.appendChild(el("br"));
    li.appendChild(el("code", d.excerpt, "muted dead-letter-excerpt"));
    return li;
  }));
}

// How far behind the input the detector runs, from /healthz/ready: "behind: 4 min 12 s (1,234 records)".
function renderProgress(ready) {
  const input = ready.input || {};
  const behind = document.getElementById("behind");
  const records = Number(input.lagRecords) || 0;
  if (!input.checkedAt) {
    behind.textContent = "behind: not checked yet";
  } else if (records === 0) {
    behind.textContent = "behind: 0 (caught up)";
  } else {
    behind.textContent = "behind: " + (input.behindMs != null ? duration(Number(input.behindMs)) : "event time unknown")
      + " (" + records.toLocaleString("en-US") + " record" + (records === 1 ? "" : "s") + ")" + (input.stalled ? ", stalled" : "");
  }
  behind.className = "status " + (input.stalled ? "bad" : records > 0 ? "warn" : "ok");
  behind.title = (input.partitions || []).filter((p) => p.lagRecords > 0).map((p) => p.topic + "-" + p.partition + ": "
    + p.lagRecords + " records" + (p.behindMs != null ? ", " + duration(p.behindMs) : "") + (p.stalled ? ", stalled" : "")).join("\n");
}

function renderLate(ready) {
  const late = ready.late || {};
  const records = late.records || {};
  const requests = late.requests || {};
  const stages = Array.from(new Set([...Object.keys(records), ...Object.keys(requests)])).sort();
  replaceRows(document.querySelector("#late tbody"), stages.map((stage) => {
    const count = Number(records[stage]) || 0;
    return row([stage, el("td", count, count > 0 ? "late" : null), Number(requests[stage]) || 0]);
  }));
  document.getElementById("streams-dropped").textContent = "Kafka Streams dropped records (all tasks): "
    + (Number(late.streamsDroppedRecords) || 0);
}

async function refresh() {
  const status = document.getElementById("status");
  try {
    const [ready, commands, endpoints, sources, anomalies, deadLetters] = await Promise.all([
      fetch("/healthz/ready", { cache: "no-store" }).then((r) => r.json()),
      getJson("/api/v1/mitigations"), getJson("/api/v1/endpoints"), getJson("/api/v1/sources/top?limit=15"),
      getJson("/api/v1/anomalies?limit=30"), getJson("/api/v1/dlq?limit=10")]);
    renderCommands(commands);
    renderEndpoints(endpoints);
    renderSources(sources);
    renderAnomalies(anomalies);
    renderDeadLetters(deadLetters);
    renderProgress(ready);
    renderLate(ready);
    const missing = (commands.missing || []).length;
    status.textContent = ready.state + " · " + (commands.instances || []).length + " instance(s)" + (missing ? ", " + missing + " not answering" : "");
    status.className = "status " + (ready.state === "RUNNING" && ready.ready !== false && !missing ? "ok" : "bad");
    document.getElementById("updated").textContent = "updated " + new Date().toLocaleTimeString();
  } catch (e) {
    status.textContent = "disconnected: " + e.message;
    status.className = "status bad";
  }
}

refresh();
setInterval(refresh, REFRESH_MS);
