package io.floodwatch.detector.integration;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.floodwatch.detector.app.DetectorApp;
import io.floodwatch.detector.config.FloodwatchConfig;
import io.floodwatch.gateway.sidecar.AccessLogLines;
import io.floodwatch.gateway.sidecar.Sidecar;
import io.floodwatch.schema.sign.CommandKeys;
import io.floodwatch.schema.MitigationAction;
import io.floodwatch.schema.RequestEvent;
import io.floodwatch.testing.TestBroker;

/**
 * The whole loop with real parts, all on loopback: Debian's nginx, configured with the shipped
 * {@code deploy/nginx} snippets, in front of a tiny upstream (an nginx server block); the decision sidecar; the
 * detector on a real KRaft broker. Legitimate clients from 20 addresses and a wrk flood from 4 others (addresses
 * passed in X-Forwarded-For, which nginx trusts only from loopback) go through nginx; nginx's access logs reach the
 * detector through the sidecar; the detector's commands reach nginx through the sidecar.
 *
 * <p>What it asserts holds at any machine speed: the per-address limits are set well under what even a slow wrk
 * sends, so every flooding address is blocked; once the block of an address is in the sidecar's table, every request of
 * that address nginx logs is refused, but for the few that were already in flight (at most one per wrk connection);
 * and every legitimate request gets 200. It prints the wall-clock time from the flood's first request to its first
 * refused one, as nginx logged them.
 *
 * <p>Needs {@code nginx} and {@code wrk} ({@code apt-get install -y nginx wrk}); skipped without them unless
 * {@code FLOODWATCH_E2E=required} (as in CI), where their absence fails the test.
 */
@Tag("integration")
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class NginxEndToEndTest {

    private static final List<String> ATTACKERS = List.of("203.0.113.10", "203.0.113.11", "203.0.113.12", "203.0.113.13");
    private static final int LEGITIMATE_CLIENTS = 20;
    private static final int WRK_CONNECTIONS = 4;
    private static final Duration FLOOD = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @Test
    void shouldRefuseTheFloodWhileLegitimateClientsKeepGetting200WhenTrafficGoesThroughNginx() throws Exception {
        String nginx = executable("nginx", "/usr/sbin/nginx");
        String wrk = executable("wrk", "/usr/bin/wrk");
        boolean required = "required".equals(System.getenv("FLOODWATCH_E2E"));
        if (nginx == null || wrk == null) {
            if (required) {
                fail("nginx and wrk are needed: apt-get install -y nginx wrk");
            }
            Assumptions.abort("nginx or wrk not installed (apt-get install -y nginx wrk); FLOODWATCH_E2E=required makes this fail");
        }
        try (TestBroker broker = TestBroker.start(dir.resolve("broker"))) {
            // Given the detector, with per-address limits far under any flood and far over a person, the sidecar, and
            // nginx in front of an upstream
            Map<String, Object> settings = broker.detectorSettings(dir.resolve("detector"));
            settings.put(FloodwatchConfig.IP_THROTTLE_RATE_CONFIG, "3");
            settings.put(FloodwatchConfig.IP_BLOCK_RATE_CONFIG, "5");
            try (DetectorApp detector = DetectorApp.start(new FloodwatchConfig(settings), new PrintStream(new ByteArrayOutputStream()));
                 Sidecar sidecar = Sidecar.start(new Sidecar.Settings(broker.bootstrapServers(), new InetSocketAddress("127.0.0.1", 0),
                     new InetSocketAddress("127.0.0.1", 0), null, "requests", "mitigations", 1, 8, 100_000, Map.of(), CommandKeys.NONE))) {
                assertTrue(sidecar.awaitReady(Duration.ofSeconds(60)), "the sidecar loaded the commands in force");
                int front = freePort();
                Process server = startNginx(nginx, front, freePort(), sidecar);
                try {
                    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
                    ConcurrentLinkedQueue<Integer> legitimateStatuses = new ConcurrentLinkedQueue<>();
                    ScheduledExecutorService clients = Executors.newScheduledThreadPool(4);
                    try {
                        for (int i = 0; i < LEGITIMATE_CLIENTS; i++) {
                            String address = "198.18.0." + (i + 1);
                            clients.scheduleAtFixedRate(() -> legitimateStatuses.add(get(client, front, address)),
                                i * 50L, 1_000, TimeUnit.MILLISECONDS);
                        }
                        await().atMost(Duration.ofSeconds(60)).until(() -> legitimateStatuses.size() >= LEGITIMATE_CLIENTS * 3);

                        // When wrk floods the login endpoint from four addresses
                        Process flood = flood(wrk, front);
                        Map<String, Long> blockedAt = new ConcurrentHashMap<>();
                        await().atMost(FLOOD).pollInterval(Duration.ofMillis(20)).until(() -> {
                            for (String attacker : ATTACKERS) {
                                if (!blockedAt.containsKey(attacker) && sidecar.table().onAddress(attacker).stream()
                                    .anyMatch(command -> command.getAction() == MitigationAction.BLOCK)) {
                                    blockedAt.put(attacker, System.currentTimeMillis());
                                }
                            }
                            return blockedAt.size() == ATTACKERS.size();
                        });
                        String wrkOutput = finish(flood);
                        int servedBefore = legitimateStatuses.size();
                        await().atMost(Duration.ofSeconds(60)).until(() -> legitimateStatuses.size() >= servedBefore + LEGITIMATE_CLIENTS * 2);
                        clients.shutdown();
                        assertTrue(clients.awaitTermination(10, TimeUnit.SECONDS));

                        // Then
                        List<RequestEvent> logged = accessLog();
                        Result result = Result.of(logged, blockedAt);
                        String summary = result.describe(wrkOutput, sidecar.server().decisions());
                        System.out.println(summary);
                        Path report = Path.of("target", "e2e", "nginx-e2e.txt");
                        Files.createDirectories(report.getParent());
                        Files.writeString(report, summary);

                        assertTrue(result.attack > ATTACKERS.size() * 50L, "wrk sent a flood: " + result.attack);
                        assertNotNull(result.firstRefused, "the flood was refused at some point");
                        for (String attacker : ATTACKERS) {
                            long sent = result.afterBlock.getOrDefault(attacker, 0L);
                            long served = result.servedAfterBlock.getOrDefault(attacker, 0L);
                            assertTrue(sent > 0, attacker + " kept flooding after its block");
                            assertTrue(served <= WRK_CONNECTIONS, "after its block reached the sidecar, " + attacker
                                + " got " + served + " of " + sent + " requests through (at most one in flight per connection)");
                        }
                        assertTrue(result.legitimate >= LEGITIMATE_CLIENTS * 5, "legitimate requests logged: " + result.legitimate);
                        assertEquals(result.legitimate, result.legitimateServed, "every legitimate request got 200");
                        assertTrue(legitimateStatuses.stream().allMatch(status -> status == 200), "clients saw " + legitimateStatuses);
                    } finally {
                        clients.shutdownNow();
                    }

                    // And with the sidecar gone, nginx fails open
                    sidecar.close();
                    assertEquals(200, get(client, front, "198.18.0.99"), "nginx lets requests through when the sidecar is down");
                } finally {
                    server.destroy();
                    server.waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }

    /**
     * What nginx logged, split between the flood and the legitimate clients; for each flooding address, the requests
     * logged after its block was seen in the sidecar's table, and how many of those were served.
     */
    private record Result(long attack, long firstAttack, Long firstRefused, Map<String, Long> afterBlock,
                          Map<String, Long> servedAfterBlock, long legitimate, long legitimateServed) {

        static Result of(List<RequestEvent> logged, Map<String, Long> blockedAt) {
            long firstAttack = Long.MAX_VALUE;
            Long firstRefused = null;
            long attack = 0;
            long legitimate = 0;
            long served = 0;
            Map<String, Long> after = new TreeMap<>();
            Map<String, Long> servedAfter = new TreeMap<>();
            for (RequestEvent event : logged) {
                Long blocked = blockedAt.get(event.getSourceIp());
                if (ATTACKERS.contains(event.getSourceIp())) {
                    attack++;
                    firstAttack = Math.min(firstAttack, event.getTimestamp());
                    if (refused(event) && (firstRefused == null || event.getTimestamp() < firstRefused)) {
                        firstRefused = event.getTimestamp();
                    }
                    if (blocked != null && event.getTimestamp() > blocked) {
                        after.merge(event.getSourceIp(), 1L, Long::sum);
                        servedAfter.merge(event.getSourceIp(), refused(event) ? 0L : 1L, Long::sum);
                    }
                } else {
                    legitimate++;
                    served += event.getStatus() == 200 ? 1 : 0;
                }
            }
            return new Result(attack, firstAttack, firstRefused, after, servedAfter, legitimate, served);
        }

        private static boolean refused(RequestEvent event) {
            return event.getStatus() == 403 || event.getStatus() == 429;
        }

        String describe(String wrkOutput, Map<String, Long> decisions) {
            return String.format("nginx end to end: time to enforcement %s (wall clock, attack's first request to its first "
                    + "403/429, as nginx logged them)%nflood: %,d requests; after each address's block reached the sidecar, "
                    + "requests %s, of which served %s%nlegitimate: %,d requests, %,d got 200%nsidecar decisions: %s%nwrk:%n%s",
                firstRefused == null ? "never" : String.format("%,d ms", firstRefused - firstAttack), attack, afterBlock,
                servedAfterBlock, legitimate, legitimateServed, decisions, wrkOutput.strip());
        }
    }

    private static int get(HttpClient client, int port, String address) {
        try {
            return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/models"))
                    .header("X-Forwarded-For", address).header("X-Region", "US").timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private Process flood(String wrk, int port) throws Exception {
        Path script = dir.resolve("flood.lua");
        StringBuilder lua = new StringBuilder("local addresses = {");
        for (String attacker : ATTACKERS) {
            lua.append('"').append(attacker).append("\",");
        }
        lua.append("}\nlocal i = 0\nrequest = function()\n  i = i + 1\n  return wrk.format(\"POST\", \"/api/v1/auth/login\", ")
            .append("{[\"X-Forwarded-For\"] = addresses[(i % #addresses) + 1], [\"X-Region\"] = \"ZZ\", ")
            .append("[\"User-Agent\"] = \"python-requests/2.31\"}, \"user=a&password=b\")\nend\n");
        Files.writeString(script, lua.toString());
        return new ProcessBuilder(wrk, "-t1", "-c" + WRK_CONNECTIONS, "-d" + FLOOD.toSeconds() + "s", "-s", script.toString(),
            "http://127.0.0.1:" + port + "/").redirectErrorStream(true).redirectOutput(dir.resolve("wrk.txt").toFile()).start();
    }

    private String finish(Process flood) throws Exception {
        assertTrue(flood.waitFor(FLOOD.toSeconds() + 30, TimeUnit.SECONDS), "wrk stops by itself");
        return Files.readString(dir.resolve("wrk.txt"));
    }

    private Process startNginx(String nginx, int front, int upstream, Sidecar sidecar) throws Exception {
        Path conf = dir.resolve("nginx");
        Files.createDirectories(conf.resolve("logs"));
        Path shipped = Path.of(System.getProperty("basedir", ".")).resolve("../deploy/nginx");
        String decisions = "127.0.0.1:" + sidecar.address().getPort();
        String logs = "127.0.0.1:" + sidecar.syslogAddress().getPort();
        for (String snippet : List.of("floodwatch-http.conf", "floodwatch-server.conf")) {
            Files.writeString(conf.resolve(snippet), Files.readString(shipped.resolve(snippet))
                .replace("127.0.0.1:9191", decisions).replace("127.0.0.1:5140", logs));
        }
        String root = "root".equals(System.getProperty("user.name")) ? "user root;\n" : "";
        Files.writeString(conf.resolve("nginx.conf"), root + """
            worker_processes 1;
            pid %1$s/nginx.pid;
            error_log %1$s/logs/error.log warn;
            events { worker_connections 1024; }
            http {
                client_body_temp_path %1$s/body;
                proxy_temp_path %1$s/proxy;
                fastcgi_temp_path %1$s/fastcgi;
                uwsgi_temp_path %1$s/uwsgi;
                scgi_temp_path %1$s/scgi;
                include %1$s/floodwatch-http.conf;
                upstream app {
                    server 127.0.0.1:%3$d;
                    keepalive 16;
                }
                server {
                    listen 127.0.0.1:%3$d;
                    access_log off;
                    location / { return 200 "ok\\n"; }
                }
                server {
                    listen 127.0.0.1:%2$d;
                    set_real_ip_from 127.0.0.0/8;
                    real_ip_header X-Forwarded-For;
                    include %1$s/floodwatch-server.conf;
                    access_log %1$s/logs/access.log floodwatch;
                    location / {
                        auth_request /_floodwatch;
                        auth_request_set $floodwatch_decision $upstream_http_x_floodwatch_decision;
                        error_page 403 = @floodwatch_refused;
                        proxy_pass http://app;
                        proxy_http_version 1.1;
                        proxy_set_header Connection "";
                    }
                }
            }
            """.formatted(conf, front, upstream));
        Process process = new ProcessBuilder(nginx, "-p", conf.toString(), "-c", conf.resolve("nginx.conf").toString(),
            "-g", "daemon off;").redirectErrorStream(true).redirectOutput(conf.resolve("logs/stdout.log").toFile()).start();
        HttpClient probe = HttpClient.newHttpClient();
        try {
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> !process.isAlive() || get(probe, front, "192.0.2.1") == 200);
        } catch (ConditionTimeoutException e) {
            process.destroy();
        }
        if (!process.isAlive()) {
            fail("nginx did not start: " + Files.readString(conf.resolve("logs/error.log")) + Files.readString(conf.resolve("logs/stdout.log")));
        }
        return process;
    }

    private List<RequestEvent> accessLog() throws IOException {
        List<RequestEvent> events = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("nginx/logs/access.log"))) {
            if (!line.isBlank()) {
                events.add(AccessLogLines.parse(line));
            }
        }
        return events;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String executable(String name, String fallback) {
        for (String directory : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!directory.isEmpty() && Files.isExecutable(Path.of(directory, name))) {
                return Path.of(directory, name).toString();
            }
        }
        return Files.isExecutable(Path.of(fallback)) ? fallback : null;
    }
}
