package io.floodwatch.detector.rates;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.datasketches.hll.HllSketch;
import org.junit.jupiter.api.Test;

import io.floodwatch.schema.EndpointTick;
import io.floodwatch.schema.MitigationScope;
import io.floodwatch.schema.RequestEvent;
import io.floodwatch.schema.SourceTick;
import io.floodwatch.schema.target.IpAddress;

class TrafficTickTest {

    private static final long T0 = 1_737_936_000_000L;
    private static final long WINDOW_MS = 10_000L;
    private static final long DAY_MS = 86_400_000L;
    private static final long SETTLE_MS = 2_000L;
    private static final long STEP_MS = 2_500L;

    private final TrafficTick tick = newTick(64, 256, 0, 0, 0);
    private final Route users = new Route("GET /api/v1/users/{id}");
    private final Route login = new Route("POST /api/v1/auth/login");

    @Test
    void shouldCountRequestsAndErrorsPerRouteWhenDrained() {
        // Given
        tick.add(event("203.0.113.7", 200, "US"), users, T0 + 100);
        tick.add(event("203.0.113.7", 404, "US"), users, T0 + 200);
        tick.add(event("203.0.113.8", 503, "US"), users, T0 + 300);
        tick.add(event("203.0.113.9", 302, "US"), users, T0 + 400);
        tick.add(event("198.51.100.1", 401, "US"), login, T0 + 500);

        // When
        TrafficTick.Summaries summaries = tick.drain(T0 - WINDOW_MS);

        // Then
        assertEquals(2, summaries.endpoints().size());
        EndpointTick usersTick = endpoint(summaries, users.name(), T0);
        assertEquals(4, usersTick.getRequests());
        assertEquals(1, usersTick.getClientErrors());
        assertEquals(1, usersTick.getServerErrors());
        assertEquals(3, Math.round(distinctSources(usersTick)));
        EndpointTick loginTick = endpoint(summaries, login.name(), T0);
        assertEquals(1, loginTick.getRequests());
        assertEquals(1, loginTick.getClientErrors());
        assertEquals(T0 + 500, summaries.maxTimestamp());
    }

    @Test
    void shouldCountRegionsAsUpperCaseOrUnknownWhenRegionIsLowerCaseOrMissing() {
        // Given
        tick.add(event("203.0.113.7", 200, "CN"), users, T0);
        tick.add(event("203.0.113.7", 200, "cn"), users, T0);
        tick.add(event("203.0.113.7", 200, "US"), users, T0);
        tick.add(event("203.0.113.7", 200, null), users, T0);

        // When
        TrafficTick.Summaries summaries = tick.drain(T0);

        // Then
        assertEquals(Map.of("CN", 2L, "US", 1L, "ZZ", 1L), endpoint(summaries, users.name(), T0).getRegionCounts());
    }

    @Test
    void shouldReportTheSourceIpAndItsPrefixWhenIpv4SourcesSendRequests() {
        // Given
        for (int i = 0; i < 3; i++) {
            tick.add(event("203.0.113.7", 200, "US"), users, T0 + i);
        }
        tick.add(event("203.0.113.9", 200, "US"), users, T0 + 3);

        // When
        TrafficTick.Summaries summaries = tick.drain(T0);

        // Then
        assertEquals(3, sourceRequests(summaries, MitigationScope.SOURCE_IP, "203.0.113.7", T0));
        assertEquals(1, sourceRequests(summaries, MitigationScope.SOURCE_IP, "203.0.113.9", T0));
        assertEquals(4, sourceRequests(summaries, MitigationScope.SOURCE_PREFIX, "203.0.113.0/24", T0));
        assertEquals(3, summaries.sources().size());
    }

    @Test
    void shouldReportASlash64PrefixWhenSourcesAreIpv6() {
        // Given
        tick.add(event("2001:db8:1:2::5", 200, "DE"), users, T0);
        tick.add(event("2001:db8:1:2:0:0:0:5", 200, "DE"), users, T0 + 1);
        tick.add(event("2001:db8:1:2::6", 200, "DE"), users, T0 + 2);

        // When
        TrafficTick.Summaries summaries = tick.drain(T0);

        // Then
        assertEquals(3, sourceRequests(summaries, MitigationScope.SOURCE_PREFIX, "2001:db8:1:2::/64", T0));
        SourceTick heaviest = summaries.sources().stream()
            .filter(s -> s.getScope() == MitigationScope.SOURCE_IP && s.getRequests() == 2)
            .findFirst().orElseThrow(() -> new AssertionError("no IP tick with 2 requests: " + summaries.sources()));
        assertArrayEquals(IpAddress.parseIpv6("2001:db8:1:2::5"), IpAddress.parseIpv6(heaviest.getSource()),
            "both spellings of the address count as one source");
        assertEquals(2, Math.round(distinctSources(endpoint(summaries, users.name(), T0))));
    }

    @Test
    void shouldCountIpv4MappedSourcesAsTheirIpv4AddressWhenAGatewayWritesThemMapped() {
        // Given a dual-stack gateway writing some IPv4 clients in IPv4-mapped form
        tick.add(event("::ffff:203.0.113.7", 200, "US"), users, T0);
        tick.add(event("203.0.113.7", 200, "US"), users, T0 + 1);
        tick.add(event("::ffff:198.51.100.1", 200, "US"), users, T0 + 2);

        // When
        TrafficTick.Summaries summaries = tick.drain(T0);

        // Then
        assertEquals(2, sourceRequests(summaries, MitigationScope.SOURCE_IP, "203.0.113.7", T0));
        assertEquals(2, sourceRequests(summaries, MitigationScope.SOURCE_PREFIX, "203.0.113.0/24", T0));
        assertEquals(1, sourceRequests(summaries, MitigationScope.SOURCE_PREFIX, "198.51.100.0/24", T0));
        assertFalse(summaries.sources().stream().anyMatch(s -> s.getSource().startsWith("0::")),
            "mapped IPv4 clients must not share one IPv6 prefix: " + summaries.sources());
    }

    @Test
    void shouldReturnNothingWhenDrainedAgainWithoutNewEvents() {
        // Given
        tick.add(event("203.0.113.7", 200, "US"), users, T0);
        assertFalse(tick.isEmpty());
        tick.drain(T0);

        // When
        TrafficTick.Summaries again = tick.drain(T0);

        // Then
        assertTrue(tick.isEmpty());
        assertTrue(again.endpoints().isEmpty(), again.endpoints().toString());
        assertTrue(again.sources().isEmpty(), again.sources().toString());
    }

    @Test
    void shouldProduceTicksForBothWindowsWhenEventsSpanAWindowBoundary() {
        // Given
        tick.add(event("203.0.113.7", 200, "US"), users, T0 + WINDOW_MS - 1);
        tick.add(event("203.0.113.7", 200, "US"), users, T0 + WINDOW_MS);
        tick.add(event("203.0.113.7", 200, "US"), users, T0 + WINDOW_MS + 1);

        // When
        TrafficTick.Summaries summaries = tick.drain(T0);

        // Then
        assertEquals(1, endpoint(summaries, users.name(), T0).getRequests());
        assertEquals(2, endpoint(summaries, users.name(), T0 + WINDOW_MS).getRequests());
        assertEquals(1, sourceRequests(summaries, MitigationScope.SOURCE_IP, "203.0.113.7", T0));
        assertEquals(2, sourceRequests(summaries, MitigationScope.SOURCE_IP, "203.0.113.7", T0 + WINDOW_MS));
        assertEquals(T0 + WINDOW_MS, tick.windowStart(T0 + WINDOW_MS + 1));
    }

    @Test
    void shouldReportOnlySourcesAboveTheFloorRateWhenManySourcesSendLittle() {
        // Given: a floor of 1 request/s for IPs and 5 for /24 prefixes; 10 s of event time
        TrafficTick floored = newTick(256, 256, 1.0, 5.0, 1000);
        for (int i = 0; i < 100; i++) {
            floored.add(event("198.51." + i + ".1", 200, "US"), users, T0 + i * 100L);
        }
        for (int i = 0; i < 50; i++) {
            floored.add(event("203.0.113.7", 200, "US"), users, T0 + i * 200L);
        }

        // When
        List<SourceTick> sources = floored.drain(T0).sources();

        // Then: the floors are 10 requests per IP and 50 per prefix over the 10 s covered
        assertEquals(2, sources.size(), sources.toString());
        assertTrue(sources.stream().anyMatch(t -> t.getSource().equals("203.0.113.7") && t.getRequests() == 50));
        assertTrue(sources.stream().anyMatch(t -> t.getSource().equals("203.0.113.0/24") && t.getRequests() == 50));
    }

    @Test
    void shouldDrainTheOldestWindowFirstWhenATickSpansSeveralWindows() {
        // Given: events arrive for windows 3, 1 and 2 in that order (a late gateway, a replay)
        tick.add(event("203.0.113.1", 200, "CN"), users, T0 + 3 * WINDOW_MS);
        tick.add(event("203.0.113.1", 200, "CN"), users, T0 + WINDOW_MS);
        tick.add(event("203.0.113.1", 200, "CN"), users, T0 + 2 * WINDOW_MS);

        // When
        List<EndpointTick> endpoints = tick.drain(T0).endpoints();

        // Then
        assertEquals(List.of(T0 + WINDOW_MS, T0 + 2 * WINDOW_MS, T0 + 3 * WINDOW_MS),
            endpoints.stream().map(EndpointTick::getWindowStart).toList());
    }

    @Test
    void shouldReportSourcesByTheirFailuresWhenTheyFailMoreThanTheFailureFloor() {
        // Given a floor of 100 requests/s by volume and 0.2 failures/s, over 10 s: a slow source failing 5 times
        TrafficTick failing = newTick(256, 256, 100, 100, 0.2);
        for (int i = 0; i < 5; i++) {
            failing.add(event("203.0.113.7", 401, "US"), login, T0 + i * 2_000L);
        }
        failing.add(event("198.51.100.1", 200, "US"), login, T0 + 9_999);

        // When
        List<SourceTick> sources = failing.drain(T0).sources();

        // Then the failing address and its prefix are reported with their failures; the quiet one is not
        SourceTick ip = sources.stream().filter(s -> s.getSource().equals("203.0.113.7")).findFirst().orElseThrow();
        assertEquals(5, ip.getFailures());
        assertEquals(5, ip.getRequests());
        assertTrue(sources.stream().anyMatch(s -> s.getSource().equals("203.0.113.0/24") && s.getFailures() == 5), sources.toString());
        assertTrue(sources.stream().noneMatch(s -> s.getSource().startsWith("198.51.100.")), sources.toString());
    }

    @Test
    void shouldCountScriptedAgentsNewSourcesAndHeavyPrefixesPerRoute() {
        // Given three requests from a script in one prefix and one from a browser elsewhere
        for (int i = 1; i <= 3; i++) {
            tick.add(RequestEvent.newBuilder(event("203.0.113." + i, 200, "US")).setUserAgent("python-requests/2.32").build(),
                users, T0 + i);
        }
        tick.add(RequestEvent.newBuilder(event("198.51.100.1", 200, "US")).setUserAgent("Mozilla/5.0 (X11) Firefox/133.0").build(),
            users, T0 + 10);

        // When
        EndpointTick usersTick = endpoint(tick.drain(T0 - WINDOW_MS), users.name(), T0);

        // Then
        assertEquals(3, usersTick.getScriptedRequests());
        assertEquals(4, usersTick.getNewSourceRequests(), "nothing was seen the day before");
        assertEquals(Map.of("203.0.113.0/24", 3L, "198.51.100.0/24", 1L), usersTick.getTopPrefixes());
    }

    @Test
    void shouldTellReturningSourcesWhenTheyWereSeenInThePreviousGeneration() {
        // Given a source seen yesterday
        tick.add(event("203.0.113.7", 200, "US"), users, T0);
        tick.drain(T0 - WINDOW_MS);

        // When it comes back a day later, with a source never seen
        tick.add(event("203.0.113.7", 200, "US"), users, T0 + DAY_MS);
        tick.add(event("198.51.100.1", 200, "US"), users, T0 + DAY_MS + 1);
        EndpointTick usersTick = endpoint(tick.drain(T0 + DAY_MS - WINDOW_MS), users.name(), T0 + DAY_MS);

        // Then
        assertEquals(2, usersTick.getRequests());
        assertEquals(1, usersTick.getNewSourceRequests());
    }

    @Test
    void shouldReportABotAtEveryStepWithWhatTheOrdinarySourceSendsWhenManySourcesSendARequestEach() {
        // Given 200 passers-by with one request each, and a bot with 40 requests, none with an account, over one
        // window; the volume floors are far above the bot (100/s), the floor for requests without an account is 0.5/s
        TrafficTick cold = newTick(256, 256, 100, 1000, 1000, 0.5);
        for (int i = 0; i < 200; i++) {
            cold.add(event("198.51." + i + ".1", 200, null), users, T0 + i * 50L);
        }
        for (int i = 0; i < 40; i++) {
            cold.add(event("203.0.113.7", 200, null), users, T0 + i * 250L);
        }

        // When the partition's events have gone past the first step and the settling time, then past the window's end
        boolean early = cold.closeWindowsUpTo(T0 + STEP_MS + SETTLE_MS - 1);
        boolean verdict = cold.closeWindowsUpTo(T0 + WINDOW_MS + SETTLE_MS);
        TrafficTick.Summaries summaries = cold.drain(T0);
        List<TrafficTick.Verdict> verdicts = summaries.verdicts();

        // Then only the bot is reported, once per step, with what it sent so far and the population it stands out of,
        // stamped with the step's end plus the settling time, and no requests of its own (the ticks count those)
        assertFalse(early, "no verdict before the first step and the settling time");
        assertTrue(verdict);
        assertEquals(List.of(), summaries.sources(), "the ticks report nobody: the floors are far above every source");
        assertEquals(4, verdicts.size(), verdicts.toString());
        for (int step = 1; step <= 4; step++) {
            TrafficTick.Verdict taken = verdicts.get(step - 1);
            SourceTick bot = taken.source();
            assertEquals("203.0.113.7", bot.getSource());
            assertEquals(T0 + step * STEP_MS + SETTLE_MS, taken.at());
            assertEquals(10L * step, bot.getAnonymous());
            assertEquals(1.0, bot.getPopulationCount(), 1e-9, "the median source sent one request");
            assertEquals(50L * step + 1, bot.getPopulationSources(), "the passers-by so far and the bot, all sampled");
            assertEquals(0, bot.getRequests());
        }
    }

    @Test
    void shouldJudgeTheLastWindowsLengthOfTrafficWhenAStepCrossesIntoTheNextWindow() {
        // Given a bot sending 2 requests/s without an account from 7.5 s into one window to 2.5 s into the next, among
        // a passer-by every 100 ms
        TrafficTick cold = newTick(256, 256, 100, 1000, 1000, 0.5);
        for (int ms = 0; ms < 2 * WINDOW_MS; ms += 100) {
            cold.add(event("198.51." + (ms / 100 % 250) + "." + (ms / 25_000 + 1), 200, null), users, T0 + ms);
        }
        for (long ms = 7_500; ms < WINDOW_MS + STEP_MS; ms += 500) {
            cold.add(event("203.0.113.7", 200, null), users, T0 + ms);
        }

        // When the partition's events have gone past the first step of the second window and the settling time
        cold.closeWindowsUpTo(T0 + WINDOW_MS + STEP_MS + SETTLE_MS);
        List<TrafficTick.Verdict> verdicts = cold.drain(T0 - WINDOW_MS).verdicts();

        // Then the last verdict counts all ten of the bot's requests, five from each window, under the second window
        TrafficTick.Verdict last = verdicts.get(verdicts.size() - 1);
        assertEquals(T0 + WINDOW_MS + STEP_MS + SETTLE_MS, last.at());
        assertEquals(T0 + WINDOW_MS, last.source().getWindowStart());
        assertEquals(10, last.source().getAnonymous());
        assertEquals(101, last.source().getPopulationSources(), "a window's length of passers-by, and the bot");
    }

    @Test
    void shouldTakeTheSameVerdictsWhateverTheTicksWhenAWindowIsCutLiveOrReadAsABacklog() {
        // Given a bot sending 2 requests/s without an account among passers-by with a request each, read once by a
        // live detector that drains every 200 ms and once by one catching up that drains once per window; the floor
        // for requests without an account is 0.5/s over the 10 s window, 5 requests
        TrafficTick live = newTick(256, 256, 100, 1000, 1000, 0.5);
        TrafficTick backlog = newTick(256, 256, 100, 1000, 1000, 0.5);
        List<TrafficTick.Verdict> liveVerdicts = new java.util.ArrayList<>();
        List<TrafficTick.Verdict> backlogVerdicts = new java.util.ArrayList<>();

        // When both read the same window, then an event 2 s after it
        for (int ms = 0; ms <= WINDOW_MS + SETTLE_MS; ms += 100) {
            for (TrafficTick tick : List.of(live, backlog)) {
                tick.add(event("198.51." + (ms / 100) + ".1", 200, null), users, T0 + ms);
                if (ms % 500 == 0 && ms < WINDOW_MS) {
                    tick.add(event("203.0.113.7", 200, null), users, T0 + ms);
                }
            }
            if (ms % 200 == 100) {
                live.closeWindowsUpTo(T0 + ms);
                liveVerdicts.addAll(live.drain(T0 - WINDOW_MS).verdicts());
            }
        }
        live.closeWindowsUpTo(T0 + WINDOW_MS + SETTLE_MS);
        liveVerdicts.addAll(live.drain(T0 - WINDOW_MS).verdicts());
        backlog.closeWindowsUpTo(T0 + WINDOW_MS + SETTLE_MS);
        backlogVerdicts.addAll(backlog.drain(T0 - WINDOW_MS).verdicts());

        // Then each takes one verdict per step of the window, and the same ones: the bot's 5, 10, 15 and 20 requests
        // against the passers-by
        assertEquals(backlogVerdicts, liveVerdicts);
        assertEquals(4, liveVerdicts.size(), liveVerdicts.toString());
        assertEquals(List.of(5L, 10L, 15L, 20L), liveVerdicts.stream().map(v -> v.source().getAnonymous()).toList());
        assertEquals("203.0.113.7", liveVerdicts.get(3).source().getSource());
        assertEquals(1.0, liveVerdicts.get(3).source().getPopulationCount(), 1e-9);
    }

    @Test
    void shouldCountThePeopleBehindAnAddressAndTakeItOffItsPrefixesWhenManyShareIt() {
        // Given 60 successful requests from one address, each from another account, and 30 from a bot beside it
        for (int i = 0; i < 60; i++) {
            tick.add(RequestEvent.newBuilder(event("36.64.0.10", 200, "CN")).setAccountId("user-" + i)
                .setUserAgent("DeepChat/1.4.2 (Android 14; SM-S918B)").build(), users, T0 + i);
        }
        for (int i = 0; i < 30; i++) {
            tick.add(RequestEvent.newBuilder(event("36.64.0.99", 200, "CN")).setAccountId("bot")
                .setUserAgent("python-requests/2.32.3").build(), users, T0 + i);
        }

        // When
        TrafficTick.Summaries summaries = tick.drain(T0);
        List<SourceTick> sources = summaries.sources();

        // Then the accounts seen once the address was heavy are counted (all but the first few), the bot has one
        SourceTick nat = sources.stream().filter(s -> s.getSource().equals("36.64.0.10")).findFirst().orElseThrow();
        assertTrue(nat.getIdentities() >= 50 && nat.getIdentities() <= 66, "59 accounts, HyperLogLog error aside: " + nat);
        SourceTick bot = sources.stream().filter(s -> s.getSource().equals("36.64.0.99")).findFirst().orElseThrow();
        assertEquals(1, bot.getIdentities());
        SourceTick prefix = sources.stream().filter(s -> s.getSource().equals("36.64.0.0/24")).findFirst().orElseThrow();
        assertEquals(90, prefix.getRequests());
        assertEquals(60, prefix.getSharedRequests(), "the shared address is judged on its own");
        assertEquals(Map.of("36.64.0.0/24", 30L), endpoint(summaries, users.name(), T0).getTopPrefixes(),
            "the route's heavy prefixes leave the NAT's requests out");
    }

    private static RequestEvent event(String ip, int status, String region) {
        return RequestEvent.newBuilder()
            .setTimestamp(T0)
            .setSourceIp(ip)
            .setMethod("GET")
            .setPath("/")
            .setStatus(status)
            .setRegion(region)
            .build();
    }

    private static EndpointTick endpoint(TrafficTick.Summaries summaries, String route, long windowStart) {
        List<EndpointTick> matching = summaries.endpoints().stream()
            .filter(t -> t.getRoute().equals(route) && t.getWindowStart() == windowStart)
            .toList();
        assertEquals(1, matching.size(), "one tick per route and window: " + summaries.endpoints());
        return matching.get(0);
    }

    private static long sourceRequests(TrafficTick.Summaries summaries, MitigationScope scope, String source,
                                       long windowStart) {
        Optional<SourceTick> match = summaries.sources().stream()
            .filter(s -> s.getScope() == scope && s.getSource().equals(source) && s.getWindowStart() == windowStart)
            .findFirst();
        return match.orElseThrow(() -> new AssertionError("no " + scope + " tick for " + source + " in "
            + summaries.sources())).getRequests();
    }

    private static double distinctSources(EndpointTick tick) {
        ByteBuffer bytes = tick.getSourcesSketch().duplicate();
        byte[] copy = new byte[bytes.remaining()];
        bytes.get(copy);
        return HllSketch.heapify(copy).getEstimate();
    }

    private static TrafficTick newTick(int sketchSize, int top, double ipFloor, double prefixFloor, double failureFloor) {
        return newTick(sketchSize, top, ipFloor, prefixFloor, failureFloor, ipFloor);
    }

    private static TrafficTick newTick(int sketchSize, int top, double ipFloor, double prefixFloor, double failureFloor,
                                       double anonymousFloor) {
        return new TrafficTick(new TrafficTick.Settings(WINDOW_MS, 64, sketchSize, top, 24, 64, ipFloor, prefixFloor, failureFloor,
            anonymousFloor, 0.5, 9, 512, 5, SETTLE_MS, STEP_MS, 4096, List.of(20, 16), List.of(56, 48, 40, 32)),
            new SourceMemory(DAY_MS, 10_000, 0.01));
    }
}
