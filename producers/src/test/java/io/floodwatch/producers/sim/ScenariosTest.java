package io.floodwatch.producers.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.floodwatch.schema.RequestEvent;
import io.floodwatch.schema.serde.PlainJson;

/** The generated streams have the statistical shape each scenario claims (asserted on events, not on a detector). */
class ScenariosTest {

    private static final long T0 = 1_737_936_000_000L;
    private static final ScenarioOptions SHORT = new ScenarioOptions(7, T0, 120_000, 50, 500, 30_000, 60_000, 2000, 20,
        List.of("BR", "IN", "VN"), List.of("US", "GB"), 3000);

    static List<String> names() {
        return Scenarios.names();
    }

    private static List<LabelledEvent> run(String name, ScenarioOptions options) {
        List<LabelledEvent> events = new ArrayList<>();
        new Simulation(Scenarios.build(name, options)).forEachRemaining(events::add);
        return events;
    }

    private static List<RequestEvent> of(List<LabelledEvent> events, Predicate<LabelledEvent> filter) {
        return events.stream().filter(filter).map(LabelledEvent::event).toList();
    }

    private static double share(List<RequestEvent> events, Predicate<RequestEvent> condition) {
        return events.isEmpty() ? 0 : (double) events.stream().filter(condition).count() / events.size();
    }

    private static Set<String> prefixes(List<RequestEvent> events) {
        return events.stream().map(e -> e.getSourceIp().substring(0, e.getSourceIp().lastIndexOf('.'))).collect(Collectors.toSet());
    }

    @ParameterizedTest
    @MethodSource("names")
    void shouldProduceIdenticalEventsWhenRunTwiceWithTheSameSeed(String name) {
        // Given
        List<String> first = run(name, SHORT).stream().map(e -> PlainJson.toJson(e.event()) + e.actor()).toList();

        // When
        List<String> second = run(name, SHORT).stream().map(e -> PlainJson.toJson(e.event()) + e.actor()).toList();

        // Then
        assertEquals(first, second);
    }

    @ParameterizedTest
    @MethodSource("names")
    void shouldKeepEventTimeOrderAndBoundsWhenAnyScenarioRuns(String name) {
        // Given
        List<LabelledEvent> events = run(name, SHORT);

        // When
        long outOfOrder = 0;
        for (int i = 1; i < events.size(); i++) {
            if (events.get(i).event().getTimestamp() < events.get(i - 1).event().getTimestamp()) {
                outOfOrder++;
            }
        }

        // Then
        assertEquals(0, outOfOrder);
        assertTrue(events.stream().allMatch(e -> e.event().getTimestamp() >= T0 && e.event().getTimestamp() < T0 + 120_000));
        assertEquals(events.size(), events.stream().map(e -> e.event().getRequestId()).distinct().count());
    }

    @Test
    void shouldDifferWhenTheSeedDiffers() {
        // Given
        ScenarioOptions other = new ScenarioOptions(8, T0, 120_000, 50, 500, 30_000, 60_000, 2000, 20,
            List.of("BR", "IN", "VN"), List.of("US", "GB"), 3000);

        // When
        List<LabelledEvent> a = run("baseline", SHORT);
        List<LabelledEvent> b = run("baseline", other);

        // Then
        assertNotEquals(PlainJson.toJson(a.get(0).event()), PlainJson.toJson(b.get(0).event()));
    }

    @Test
    void shouldLookLikeAnOrdinaryDayWhenTheScenarioIsBaseline() {
        // Given
        List<LabelledEvent> events = run("baseline", SHORT);
        List<RequestEvent> all = of(events, e -> true);

        // When
        Map<String, Long> byPath = all.stream().collect(Collectors.groupingBy(e -> e.getMethod() + " " + e.getPath()
            .replaceAll("/[0-9]+", "/{id}"), Collectors.counting()));
        long top = byPath.values().stream().mapToLong(Long::longValue).max().orElse(0);

        // Then
        assertTrue(events.stream().noneMatch(LabelledEvent::attack));
        assertTrue(all.size() > 2000 && all.size() < 6000, "about 50/s at most for 120 s: " + all.size());
        assertTrue(share(all, e -> "CN".equals(e.getRegion())) > 0.7, "home region dominates");
        assertTrue((double) top / all.size() > 0.25, "heavy-tailed popularity: " + byPath);
        double registrations = share(all, e -> e.getPath().endsWith("/register"));
        assertTrue(registrations > 0.002 && registrations < 0.03, "few sign-ups: " + registrations);
        assertTrue(share(all, e -> e.getStatus() == 200) > 0.9);
    }

    @Test
    void shouldComeFromManyPrefixesInFewRegionsAndMostlyFailWhenItIsARegistrationFlood() {
        // Given
        List<LabelledEvent> events = run("registration-flood", SHORT);

        // When
        List<RequestEvent> attack = of(events, LabelledEvent::attack);

        // Then
        assertTrue(attack.size() > 25_000 && attack.size() < 35_000, "about 500/s for 60 s: " + attack.size());
        assertTrue(attack.stream().allMatch(e -> e.getMethod().equals("POST") && e.getPath().equals("/api/v1/auth/register")));
        assertTrue(attack.stream().allMatch(e -> e.getTimestamp() >= T0 + 30_000 && e.getTimestamp() < T0 + 90_000));
        assertTrue(attack.stream().map(RequestEvent::getSourceIp).distinct().count() > 1500);
        assertEquals(20, prefixes(attack).size());
        assertEquals(Set.of("BR", "IN", "VN"), attack.stream().map(RequestEvent::getRegion).collect(Collectors.toSet()));
        assertTrue(share(attack, e -> e.getStatus() >= 400) > 0.6);
    }

    @Test
    void shouldHitTheExpensiveEndpointWhenItIsAnHttpFlood() {
        // Given / When
        List<RequestEvent> attack = of(run("http-flood", SHORT), LabelledEvent::attack);

        // Then
        assertTrue(attack.stream().allMatch(e -> e.getPath().equals("/api/v1/chat/completions")));
        assertTrue(attack.size() > 25_000, "volumetric: " + attack.size());
    }

    @Test
    void shouldMostlyFailLoginsThinlyPerSourceWhenItIsCredentialStuffing() {
        // Given / When
        List<RequestEvent> attack = of(run("credential-stuffing", SHORT), LabelledEvent::attack);
        Map<String, Long> perSource = attack.stream().collect(Collectors.groupingBy(RequestEvent::getSourceIp, Collectors.counting()));

        // Then
        assertTrue(attack.stream().allMatch(e -> e.getPath().equals("/api/v1/auth/login")));
        assertTrue(share(attack, e -> e.getStatus() == 401) > 0.85);
        assertTrue(perSource.size() > 4000, "many addresses: " + perSource.size());
        assertTrue(perSource.values().stream().mapToLong(Long::longValue).max().orElse(0) < 30, "thin per source");
    }

    @Test
    void shouldComeFromOneSourceAtAHighRateWhenItIsAScraper() {
        // Given / When
        List<RequestEvent> attack = of(run("scraper", SHORT), LabelledEvent::attack);

        // Then
        assertEquals(1, attack.stream().map(RequestEvent::getSourceIp).distinct().count());
        assertTrue(attack.size() / 60.0 > 200, "rate " + attack.size() / 60.0);
    }

    @Test
    void shouldBeRealNewUsersFromNewRegionsWhenItIsAFlashCrowd() {
        // Given
        List<LabelledEvent> events = run("flash-crowd", SHORT);

        // When
        List<RequestEvent> crowd = of(events, e -> e.actor().equals("flash-crowd"));
        Set<String> registered = crowd.stream().filter(e -> e.getPath().endsWith("/register")).map(RequestEvent::getSourceIp)
            .collect(Collectors.toSet());
        Set<String> loggedIn = crowd.stream().filter(e -> e.getPath().endsWith("/login")).map(RequestEvent::getSourceIp)
            .collect(Collectors.toSet());

        // Then
        assertTrue(events.stream().noneMatch(LabelledEvent::attack), "a flash crowd is not an attack");
        assertTrue(crowd.size() > 10_000);
        assertTrue(crowd.stream().allMatch(e -> Set.of("US", "GB").contains(e.getRegion())));
        assertTrue(share(crowd.stream().filter(e -> e.getPath().endsWith("/register")).toList(), e -> e.getStatus() == 200) > 0.9);
        Set<String> followedThrough = new HashSet<>(registered);
        followedThrough.retainAll(loggedIn);
        assertTrue(followedThrough.size() > registered.size() / 2, "most new accounts log in");
        assertTrue(crowd.stream().allMatch(e -> !e.getUserAgent().startsWith("python") && !e.getUserAgent().startsWith("curl")));
    }

    @Test
    void shouldStayUnderPerSourceLimitsWhenItIsLowAndSlow() {
        // Given / When
        List<RequestEvent> attack = of(run("low-and-slow", SHORT), LabelledEvent::attack);
        Map<String, Long> perSourceWindow = new HashMap<>();
        attack.forEach(e -> perSourceWindow.merge(e.getSourceIp() + "@" + e.getTimestamp() / 10_000, 1L, Long::sum));

        // Then
        assertTrue(attack.size() > 20_000, "in total a flood: " + attack.size());
        assertTrue(perSourceWindow.values().stream().mapToLong(Long::longValue).max().orElse(0) < 20 * 10,
            "every source under 20 requests/s over every 10 s window");
    }

    @Test
    void shouldComeFromAFreshSlash64OfOneSlash48ForEveryRequestWhenItIsAnIpv6SubnetFlood() {
        // Given / When
        List<RequestEvent> attack = of(run("ipv6-subnet-flood", SHORT), LabelledEvent::attack);
        Set<String> slash48 = attack.stream().map(e -> group(e.getSourceIp(), 3)).collect(Collectors.toSet());
        Set<String> slash64 = attack.stream().map(e -> group(e.getSourceIp(), 4)).collect(Collectors.toSet());

        // Then
        assertTrue(attack.size() > 10_000, "a flood: " + attack.size());
        assertEquals(1, slash48.size(), "one /48: " + slash48);
        assertTrue(slash64.size() > 0.5 * Math.min(attack.size(), 65_536), "a fresh /64 nearly every time: " + slash64.size());
    }

    @Test
    void shouldLookLikeResidentialBrowsersUnderEveryPerSourceLimitWhenItIsAResidentialRouteFlood() {
        // Given / When
        List<RequestEvent> attack = of(run("residential-route-flood", SHORT), LabelledEvent::attack);
        Map<String, Long> perSourceWindow = new HashMap<>();
        attack.forEach(e -> perSourceWindow.merge(e.getSourceIp() + "@" + e.getTimestamp() / 10_000, 1L, Long::sum));

        // Then home-region browsers on one expensive route, without an account, each sending at most a few requests
        // per window
        assertTrue(attack.size() > 20_000, "in total a flood: " + attack.size());
        assertTrue(attack.stream().allMatch(e -> e.getAccountId() == null && e.getPath().equals("/api/v1/chat/completions")));
        assertTrue(attack.stream().allMatch(e -> Internet.BROWSERS.contains(e.getUserAgent())));
        assertTrue(attack.stream().allMatch(e -> Set.of("CN", "US").contains(e.getRegion())));
        assertTrue(perSourceWindow.values().stream().mapToLong(Long::longValue).max().orElse(0) <= 12,
            "no source above about 1 request/s over a window");
    }

    @Test
    void shouldComeFromTheUsualRegionsAndMostlyFailWhenItIsAHomeRegistrationFlood() {
        // Given / When
        List<RequestEvent> attack = of(run("home-registration-flood", SHORT), LabelledEvent::attack);

        // Then
        assertTrue(attack.size() > 10_000, "a flood: " + attack.size());
        assertTrue(attack.stream().allMatch(e -> Set.of("CN", "US").contains(e.getRegion())));
        assertTrue(attack.stream().allMatch(e -> Internet.SCRIPTS.contains(e.getUserAgent())));
        assertTrue(share(attack, e -> e.getStatus() >= 400) > 0.8, "most attempts rejected");
        assertTrue(prefixes(attack).size() >= 500, "over many /24s: " + prefixes(attack).size());
    }

    /** The first {@code groups} groups of an uncompressed IPv6 address. */
    private static String group(String ipv6, int groups) {
        String[] parts = ipv6.split(":");
        return String.join(":", java.util.Arrays.copyOf(parts, groups));
    }

    @Test
    void shouldAlternateBurstsAndSilenceWhenItIsPulsing() {
        // Given / When
        List<RequestEvent> attack = of(run("pulsing", SHORT), LabelledEvent::attack);
        long[] perSecond = new long[60];
        attack.forEach(e -> perSecond[(int) ((e.getTimestamp() - T0 - 30_000) / 1000)]++);

        // Then
        long silent = java.util.Arrays.stream(perSecond).filter(c -> c == 0).count();
        long loud = java.util.Arrays.stream(perSecond).filter(c -> c > 300).count();
        assertEquals(40, silent, "20 s off in every 30 s");
        assertEquals(20, loud, "10 s on in every 30 s");
    }

    @Test
    void shouldEnumerateManyPathsWithMostlyClientErrorsWhenItIsProbing() {
        // Given / When
        List<RequestEvent> attack = of(run("probing", SHORT), LabelledEvent::attack);

        // Then
        assertTrue(attack.stream().map(RequestEvent::getSourceIp).distinct().count() <= 3);
        assertTrue(attack.stream().map(RequestEvent::getPath).distinct().count() > 1000);
        assertTrue(share(attack, e -> e.getStatus() == 404 || e.getStatus() == 400) > 0.7);
    }

    @Test
    void shouldFloodRegistrationsDuringAFlashCrowdWhenItIsTheDeepSeekDay() {
        // Given / When
        List<LabelledEvent> events = run("deepseek-day", SHORT);
        List<RequestEvent> crowd = of(events, e -> e.actor().equals("flash-crowd"));
        List<RequestEvent> flood = of(events, LabelledEvent::attack);

        // Then
        assertFalse(crowd.isEmpty());
        assertFalse(flood.isEmpty());
        long crowdStart = crowd.get(0).getTimestamp();
        assertTrue(flood.get(0).getTimestamp() > crowdStart, "the flood starts during the crowd");
        assertTrue(flood.get(flood.size() - 1).getTimestamp() < T0 + 90_000, "then recovery");
        assertTrue(crowd.get(crowd.size() - 1).getTimestamp() > T0 + 100_000, "the crowd stays");
        assertTrue(flood.stream().allMatch(e -> e.getPath().equals("/api/v1/auth/register")));
    }

    @Test
    void shouldNameTheKnownScenariosWhenTheNameIsUnknown() {
        // Given / When
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> Scenarios.build("nope", SHORT));

        // Then
        assertTrue(error.getMessage().contains("registration-flood") && error.getMessage().contains("deepseek-day"));
    }
}
