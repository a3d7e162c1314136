package io.floodwatch.gateway.bench;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.floodwatch.gateway.enforce.Decision;
import io.floodwatch.gateway.enforce.EnforcementTable;
import io.floodwatch.gateway.enforce.GatewayRequest;
import io.floodwatch.schema.MitigationAction;
import io.floodwatch.schema.MitigationCommand;
import io.floodwatch.schema.MitigationMode;
import io.floodwatch.schema.MitigationScope;

/**
 * The cost of one {@link EnforcementTable#decide} with many active commands: a mix of IP blocks, /24 and /16
 * prefix blocks, IPv6 /64 blocks and IP throttles, and one registration restriction, looked up by requests that
 * mostly match nothing (the common case at a gateway: most traffic is legitimate) and partly hit a command.
 * Run with {@code mvn -B -q -pl gateway test-compile exec:exec@jmh}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EnforcementTableBenchmark {

    private static final String BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";

    private static final int REQUESTS = 4_096;

    @Param({"1000", "100000"})
    int commands;

    private EnforcementTable table;
    private GatewayRequest[] misses;
    private GatewayRequest[] hits;
    private int next;

    @Setup(Level.Trial)
    public void fill() throws Exception {
        long expiresAt = System.currentTimeMillis() + 3_600_000;
        table = new EnforcementTable();
        for (int i = 0; i < commands; i++) {
            int kind = i % 10;
            MitigationScope scope = kind < 6 ? MitigationScope.SOURCE_IP : MitigationScope.SOURCE_PREFIX;
            MitigationAction action = kind == 5 ? MitigationAction.THROTTLE : MitigationAction.BLOCK;
            String target = switch (kind) {
                case 6, 7 -> "100." + (64 + i % 64) + "." + (i / 64 % 256) + ".0/24";
                case 8 -> "2001:db8:" + Integer.toHexString(i >> 16) + ":" + Integer.toHexString(i & 0xffff) + "::/64";
                case 9 -> "100." + (i % 64) + ".0.0/16";
                default -> "10." + ((i >> 16) & 0xff) + "." + ((i >> 8) & 0xff) + "." + (i & 0xff);
            };
            table.apply(MitigationCommand.newBuilder().setCommandId("c" + i).setAction(action).setScope(scope).setTarget(target)
                .setAllowedRegions(null).setRateLimitPerSecond(action == MitigationAction.THROTTLE ? 1e9 : null)
                .setMode(MitigationMode.ENFORCE).setDetectedAt(0).setIssuedAt(0).setExpiresAt(expiresAt).setReason("bench")
                .build());
        }
        table.apply(MitigationCommand.newBuilder().setCommandId("r").setAction(MitigationAction.RESTRICT_REGISTRATION)
            .setScope(MitigationScope.ENDPOINT).setTarget("POST /api/v1/auth/register").setAllowedRegions(java.util.List.of("CN"))
            .setRateLimitPerSecond(null).setMode(MitigationMode.ENFORCE).setDetectedAt(0).setIssuedAt(0).setExpiresAt(expiresAt)
            .setReason("bench").build());
        misses = new GatewayRequest[REQUESTS];
        hits = new GatewayRequest[REQUESTS];
        for (int i = 0; i < REQUESTS; i++) {
            misses[i] = new GatewayRequest("172.16." + (i >> 8 & 0xff) + "." + (i & 0xff), "GET", "/api/v1/chat/completions",
                null, "US", BROWSER);
            int j = (i * 7919) % commands;
            hits[i] = new GatewayRequest("10." + ((j >> 16) & 0xff) + "." + ((j >> 8) & 0xff) + "." + (j & 0xff), "GET",
                "/api/v1/models", null, "US", BROWSER);
        }
    }

    /** A request no command applies to: every index is consulted. */
    @Benchmark
    public Decision decideLegitimateRequest() {
        return table.decide(misses[next++ & (REQUESTS - 1)]);
    }

    /** A request from a blocked, throttled or unlisted address of the command range. */
    @Benchmark
    public Decision decideAttackerRequest() {
        return table.decide(hits[next++ & (REQUESTS - 1)]);
    }
}
