package io.floodwatch.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.floodwatch.detector.rules.RouteClassifier;
import io.floodwatch.schema.MitigationAction;
import io.floodwatch.schema.MitigationCommand;
import io.floodwatch.schema.MitigationMode;
import io.floodwatch.schema.MitigationScope;
import io.floodwatch.schema.RequestEvent;
import io.floodwatch.schema.serde.FloodwatchSchemas;

class EnforcementTest {

    private static final long T0 = 1_737_936_000_000L;
    private static final RouteClassifier CLASSIFIER = new RouteClassifier(
        Pattern.compile("(?i)/(register|signup|sign-up)(/|$)"), Pattern.compile("(?i)/(login|signin|sign-in)(/|$)"));

    @BeforeAll
    static void trust() {
        FloodwatchSchemas.trustGeneratedClasses();
    }

    private static MitigationCommand command(MitigationAction action, MitigationScope scope, String target, long at,
                                             long expires, List<String> regions) {
        return MitigationCommand.newBuilder().setCommandId("c-" + at).setAction(action).setScope(scope).setTarget(target)
            .setAllowedRegions(regions).setMode(MitigationMode.ENFORCE).setDetectedAt(at).setIssuedAt(at)
            .setExpiresAt(expires).setReason("test").setEvidence(Map.of()).build();
    }

    private static RequestEvent event(long t, String ip, String method, String path, String region) {
        return RequestEvent.newBuilder().setTimestamp(t).setSourceIp(ip).setMethod(method).setPath(path).setStatus(200)
            .setRegion(region).build();
    }

    @Test
    void shouldActOnlyWhileTheCommandIsInForceWhenALiftEndsIt() {
        // Given
        Enforcement enforcement = new Enforcement(new ActiveCommands(List.of(
            command(MitigationAction.BLOCK, MitigationScope.SOURCE_IP, "203.0.113.7", T0 + 1000, T0 + 600_000, null),
            command(MitigationAction.LIFT, MitigationScope.SOURCE_IP, "203.0.113.7", T0 + 5000, T0 + 5000, null))),
            CLASSIFIER);

        // When / Then
        assertNull(enforcement.applied(event(T0 + 999, "203.0.113.7", "GET", "/", "CN")), "before detection");
        assertEquals(MitigationAction.BLOCK, enforcement.applied(event(T0 + 1000, "203.0.113.7", "GET", "/", "CN")).getAction());
        assertNull(enforcement.applied(event(T0 + 5000, "203.0.113.7", "GET", "/", "CN")), "after the lift");
        assertNull(enforcement.applied(event(T0 + 2000, "203.0.113.8", "GET", "/", "CN")), "another address");
    }

    @Test
    void shouldCoverEveryAddressOfThePrefixWhenAPrefixIsBlocked() {
        // Given
        Enforcement enforcement = new Enforcement(new ActiveCommands(List.of(
            command(MitigationAction.BLOCK, MitigationScope.SOURCE_PREFIX, "198.51.100.0/24", T0, T0 + 60_000, null))),
            CLASSIFIER);

        // When / Then
        assertEquals(MitigationAction.BLOCK, enforcement.applied(event(T0 + 1, "198.51.100.200", "GET", "/x", "BR")).getAction());
        assertNull(enforcement.applied(event(T0 + 1, "198.51.101.1", "GET", "/x", "BR")));
    }

    @Test
    void shouldCoverEveryAddressOfAWiderBlockWhenTheBlockIsOfAnyLength() {
        // Given a /48 and a /16 blocked, and a /24 inside another /16
        Enforcement enforcement = new Enforcement(new ActiveCommands(List.of(
            command(MitigationAction.BLOCK, MitigationScope.SOURCE_PREFIX, "2001:db8:1::/48", T0, T0 + 60_000, null),
            command(MitigationAction.BLOCK, MitigationScope.SOURCE_PREFIX, "198.18.0.0/16", T0, T0 + 60_000, null),
            command(MitigationAction.BLOCK, MitigationScope.SOURCE_PREFIX, "198.51.100.0/24", T0, T0 + 60_000, null))),
            CLASSIFIER);

        // When / Then
        assertEquals("2001:db8:1::/48", enforcement.applied(event(T0 + 1, "2001:db8:1:ff:1::2", "GET", "/x", "BR")).getTarget());
        assertNull(enforcement.applied(event(T0 + 1, "2001:db8:2::1", "GET", "/x", "BR")));
        assertEquals("198.18.0.0/16", enforcement.applied(event(T0 + 1, "198.18.77.3", "GET", "/x", "BR")).getTarget());
        assertNull(enforcement.applied(event(T0 + 1, "198.51.101.1", "GET", "/x", "BR")));
    }

    @Test
    void shouldRefuseOnlyRegistrationsFromOtherRegionsWhenRegistrationsAreRestricted() {
        // Given
        Enforcement enforcement = new Enforcement(new ActiveCommands(List.of(
            command(MitigationAction.RESTRICT_REGISTRATION, MitigationScope.ENDPOINT, "POST /api/v1/auth/register", T0,
                T0 + 60_000, List.of("CN")))), CLASSIFIER);

        // When / Then
        assertEquals(MitigationAction.RESTRICT_REGISTRATION,
            enforcement.applied(event(T0 + 1, "10.0.0.1", "POST", "/api/v1/auth/register", "BR")).getAction());
        assertNull(enforcement.applied(event(T0 + 1, "10.0.0.2", "POST", "/api/v1/auth/register", "CN")), "usual region");
        assertNull(enforcement.applied(event(T0 + 1, "10.0.0.3", "POST", "/api/v1/auth/login", "BR")), "login untouched");
    }

    @Test
    void shouldHoldOtherRegionsToTheBudgetWhenAnyRouteIsRegionRestricted() {
        // Given login restricted to CN, other regions held to 1 request/s in all
        MitigationCommand restriction = command(MitigationAction.RESTRICT_REGION, MitigationScope.ENDPOINT,
            "POST /api/v1/auth/login", T0, T0 + 60_000, List.of("CN"));
        restriction.setRateLimitPerSecond(1.0);
        Enforcement enforcement = new Enforcement(new ActiveCommands(List.of(restriction)), CLASSIFIER);

        // When / Then: the usual region always passes; the first foreign request takes the budget, the next is refused
        assertNull(enforcement.applied(event(T0 + 1, "10.0.0.1", "POST", "/api/v1/auth/login", "CN")));
        assertNull(enforcement.applied(event(T0 + 2, "10.0.0.2", "POST", "/api/v1/auth/login", "BR")));
        assertEquals(MitigationAction.RESTRICT_REGION,
            enforcement.applied(event(T0 + 3, "10.0.0.3", "POST", "/api/v1/auth/login", null)).getAction());
        assertNull(enforcement.applied(event(T0 + 4, "10.0.0.4", "POST", "/api/v1/auth/register", "BR")), "other routes untouched");
    }

    @Test
    void shouldEndACommandWhenANewerOneForTheSameTargetReplacesIt() {
        // Given
        Enforcement enforcement = new Enforcement(new ActiveCommands(List.of(
            command(MitigationAction.THROTTLE, MitigationScope.SOURCE_IP, "203.0.113.7", T0, T0 + 600_000, null),
            command(MitigationAction.BLOCK, MitigationScope.SOURCE_IP, "203.0.113.7", T0 + 3000, T0 + 600_000, null))),
            CLASSIFIER);

        // When / Then
        assertEquals(MitigationAction.THROTTLE, enforcement.applied(event(T0 + 2999, "203.0.113.7", "GET", "/", "CN")).getAction());
        assertEquals(MitigationAction.BLOCK, enforcement.applied(event(T0 + 3000, "203.0.113.7", "GET", "/", "CN")).getAction());
    }
}
