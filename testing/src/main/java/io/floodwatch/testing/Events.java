package io.floodwatch.testing;

import java.nio.charset.StandardCharsets;

import io.floodwatch.schema.RequestEvent;
import io.floodwatch.schema.serde.PlainJson;

/** Builders of request events for tests. */
public final class Events {

    /** 2025-01-27T00:00:00Z, the start of every test's event time. */
    public static final long T0 = 1_737_936_000_000L;

    private Events() {
    }

    /** A GET of a path. */
    public static RequestEvent get(long timestamp, String ip, String path) {
        return event(timestamp, ip, "GET", path, 200, "CN");
    }

    /** A registration from a region with a status. */
    public static RequestEvent register(long timestamp, String ip, String region, int status) {
        return event(timestamp, ip, "POST", "/api/v1/auth/register", status, region);
    }

    /** A login from a region. */
    public static RequestEvent login(long timestamp, String ip, String region) {
        return event(timestamp, ip, "POST", "/api/v1/auth/login", 200, region);
    }

    /** Any event. */
    public static RequestEvent event(long timestamp, String ip, String method, String path, int status, String region) {
        return RequestEvent.newBuilder()
            .setTimestamp(timestamp)
            .setSourceIp(ip)
            .setMethod(method)
            .setPath(path)
            .setStatus(status)
            .setLatencyMs(25)
            .setRegion(region)
            .setUserAgent("Mozilla/5.0 (test)")
            .setGatewayId("edge-test")
            .build();
    }

    /** The event as the JSON the contract describes. */
    public static byte[] json(RequestEvent event) {
        return PlainJson.toBytes(event);
    }

    /** UTF-8 bytes of a text. */
    public static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
