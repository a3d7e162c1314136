package io.floodwatch.detector.rates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.junit.jupiter.api.Test;

import io.floodwatch.schema.EndpointRate;
import io.floodwatch.schema.EndpointTick;
import io.floodwatch.schema.RequestEvent;

class EndpointRatesTest {

    private static final long T0 = 1_737_936_000_000L;
    private static final long WINDOW_MS = 10_000L;
    private static final long DAY_MS = 86_400_000L;
    private static final String ROUTE = "GET /api/v1/users/{id}";

    private final EndpointRates rates = new EndpointRates(WINDOW_MS, 64);

    @Test
    void shouldSumCountsAndSetTheWindowWhenTicksAreMerged() {
        // Given
        EndpointTick first = tick(10, 2, 1, Map.of("US", 10L), 1, 2);
        EndpointTick second = tick(5, 1, 3, Map.of("US", 5L), 3);

        // When
        EndpointRate merged = rates.merge(ROUTE, second, rates.merge(ROUTE, first, EndpointRates.empty()));

        // Then
        assertEquals(ROUTE, merged.getRoute());
        assertEquals(15, merged.getRequests());
        assertEquals(3, merged.getClientErrors());
        assertEquals(4, merged.getServerErrors());
        assertEquals(T0, merged.getWindowStart());
        assertEquals(T0 + WINDOW_MS, merged.getWindowEnd());
    }

    @Test
    void shouldSumRegionCountsWhenTicksShareRegions() {
        // Given
        EndpointTick first = tick(3, 0, 0, Map.of("CN", 2L, "US", 1L), 1);
        EndpointTick second = tick(4, 0, 0, Map.of("CN", 3L, "DE", 1L), 2);

        // When
        EndpointRate merged = rates.merge(ROUTE, second, rates.merge(ROUTE, first, EndpointRates.empty()));

        // Then
        assertEquals(Map.of("CN", 5L, "US", 1L, "DE", 1L), merged.getRegionCounts());
    }

    @Test
    void shouldCountExtraRegionsAsOtherWhenTheRegionCapIsReached() {
        // Given
        EndpointRates capped = new EndpointRates(WINDOW_MS, 2);
        EndpointTick first = tick(2, 0, 0, Map.of("CN", 1L, "US", 1L), 1);
        EndpointTick second = tick(4, 0, 0, Map.of("CN", 1L, "DE", 2L, "FR", 1L), 2);

        // When
        EndpointRate merged = capped.merge(ROUTE, second, capped.merge(ROUTE, first, EndpointRates.empty()));

        // Then
        assertEquals(Map.of("CN", 2L, "US", 1L, "other", 3L), merged.getRegionCounts());
        assertEquals(6, merged.getRequests());
    }

    @Test
    void shouldCountDistinctSourcesFromTheSketchUnionWhenSourcesOverlap() {
        // Given
        EndpointTick first = tick(3, 0, 0, Map.of(), 1, 2, 3);
        EndpointTick second = tick(3, 0, 0, Map.of(), 3, 4, 4);

        // When
        EndpointRate once = rates.merge(ROUTE, first, EndpointRates.empty());
        EndpointRate merged = rates.merge(ROUTE, second, once);

        // Then
        assertEquals(3, once.getDistinctSources());
        assertEquals(4, merged.getDistinctSources());
        byte[] sketch = new byte[merged.getSourcesSketch().remaining()];
        merged.getSourcesSketch().duplicate().get(sketch);
        assertEquals(4, Math.round(HllSketch.heapify(sketch).getEstimate()), "the merged sketch is kept for the next merge");
    }

    @Test
    void shouldMergeTicksWhenTheyComeFromATrafficTickDrain() {
        // Given
        TrafficTick traffic = newTick(64, 16, 0, 0, 0);
        Route route = new Route(ROUTE);
        traffic.add(event("203.0.113.1", 200, "US"), route, T0 + 1);
        traffic.add(event("203.0.113.2", 500, "US"), route, T0 + 2);
        EndpointTick firstTick = traffic.drain(T0).endpoints().get(0);
        traffic.add(event("203.0.113.2", 404, "CN"), route, T0 + 3);
        traffic.add(event("2001:db8::1", 200, null), route, T0 + 4);
        EndpointTick secondTick = traffic.drain(T0).endpoints().get(0);

        // When
        EndpointRate merged = rates.merge(ROUTE, secondTick, rates.merge(ROUTE, firstTick, EndpointRates.empty()));

        // Then
        assertEquals(4, merged.getRequests());
        assertEquals(1, merged.getClientErrors());
        assertEquals(1, merged.getServerErrors());
        assertEquals(3, merged.getDistinctSources());
        assertEquals(Map.of("US", 2L, "CN", 1L, "ZZ", 1L), merged.getRegionCounts());
    }

    @Test
    void shouldCountEveryWiderLevelOfTheHierarchyWhenAFloodComesFromFreshSlash64s() {
        // Given 300 requests, each from a fresh /64 of one /48, a third of them with an account, over two ticks
        TrafficTick traffic = newTick(64, 16, 0, 0, 0);
        Route route = new Route(ROUTE);
        List<EndpointTick> ticks = new java.util.ArrayList<>();
        for (int i = 0; i < 300; i++) {
            RequestEvent event = event(String.format("2001:db8:1:%x::1", i), 200, "US");
            event.setAccountId(i % 3 == 0 ? "acct-" + i : null);
            traffic.add(event, route, T0 + i);
            if (i == 149 || i == 299) {
                ticks.add(traffic.drain(T0).endpoints().get(0));
            }
        }

        // When
        EndpointRate merged = rates.merge(ROUTE, ticks.get(1), rates.merge(ROUTE, ticks.get(0), EndpointRates.empty()));

        // Then no /64 is heavy, while the /48 and every level above it carry all 300
        assertTrue(merged.getTopPrefixes().values().stream().allMatch(count -> count == 1), merged.getTopPrefixes().toString());
        assertEquals(300L, merged.getWiderPrefixes().get("2001:db8:1::/48"));
        assertEquals(300L, merged.getWiderPrefixes().get("2001:db8::/32"));
        assertEquals(256L, merged.getWiderPrefixes().get("2001:db8:1::/56"), "subnets 0 to ff");
        assertEquals(100L, merged.getWiderPrefixAccounts().get("2001:db8:1::/48"));
        assertEquals(100L, merged.getAccountRequests());
    }

    private static EndpointTick tick(long requests, long clientErrors, long serverErrors, Map<String, Long> regions,
                                     long... sources) {
        HllSketch sketch = new HllSketch(10, TgtHllType.HLL_4);
        for (long source : sources) {
            sketch.update(source);
        }
        return EndpointTick.newBuilder()
            .setRoute(ROUTE)
            .setWindowStart(T0)
            .setRequests(requests)
            .setClientErrors(clientErrors)
            .setServerErrors(serverErrors)
            .setRegionCounts(regions)
            .setSourcesSketch(ByteBuffer.wrap(sketch.toCompactByteArray()))
            .build();
    }

    private static RequestEvent event(String ip, int status, String region) {
        return RequestEvent.newBuilder()
            .setTimestamp(T0)
            .setSourceIp(ip)
            .setMethod("GET")
            .setPath("/api/v1/users/1")
            .setStatus(status)
            .setRegion(region)
            .build();
    }

    private static TrafficTick newTick(int sketchSize, int top, double ipFloor, double prefixFloor, double failureFloor) {
        return new TrafficTick(new TrafficTick.Settings(WINDOW_MS, 64, sketchSize, top, 24, 64, ipFloor, prefixFloor, failureFloor,
            ipFloor, 0.5, 9, 512, 5, 2_000, 2_500, 4096, List.of(20, 16), List.of(56, 48, 40, 32)),
            new SourceMemory(DAY_MS, 10_000, 0.01));
    }
}
