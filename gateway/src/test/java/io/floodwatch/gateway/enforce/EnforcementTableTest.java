package io.floodwatch.gateway.enforce;

import static io.floodwatch.gateway.enforce.Commands.command;
import static io.floodwatch.gateway.enforce.Commands.restrict;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.floodwatch.schema.MitigationAction;
import io.floodwatch.schema.MitigationCommand;
import io.floodwatch.schema.MitigationMode;
import io.floodwatch.schema.MitigationScope;

class EnforcementTableTest {

    private static final String BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";

    private static final long NOW = 1_800_000_000_000L;
    private static final long LATER = NOW + 60_000;

    private final AtomicLong clock = new AtomicLong(NOW);
    private final EnforcementTable table = new EnforcementTable(1.0, clock::get);

    private static GatewayRequest from(String ip) {
        return new GatewayRequest(ip, "GET", "/api/v1/models", null, "US", BROWSER);
    }

    @Test
    void shouldBlockOnlyTheAddressWhenASourceIpIsBlocked() throws Exception {
        // Given
        table.apply(command(MitigationAction.BLOCK, MitigationScope.SOURCE_IP, "203.0.113.7", LATER));

        // When
        Decision blocked = table.decide(from("203.0.113.7"));
        Decision neighbour = table.decide(from("203.0.113.8"));

        // Then
        assertEquals(Decision.BLOCK, blocked);
        assertEquals(Decision.ALLOW, neighbour);
        assertEquals(Decision.BLOCK, table.decide(from("::ffff:203.0.113.7")), "the IPv4-mapped form is the same address");
    }

    @Test
    void shouldBlockEveryAddressInsideWhenAPrefixIsBlocked() throws Exception {
        // Given
        table.apply(command(MitigationAction.BLOCK, MitigationScope.SOURCE_PREFIX, "198.51.100.0/24", LATER));
        table.apply(command(MitigationAction.BLOCK, MitigationScope.SOURCE_PREFIX, "2001:db8:1:2::/64", LATER));

        // When
        Decision inside = table.decide(from("198.51.100.200"));
        Decision outside = table.decide(from("198.51.101.1"));
        Decision inside6 = table.decide(from("2001:db8:1:2::99"));
        Decision outside6 = table.decide(from("2001:db8:1:3::1"));

        // Then
        assertEquals(Decision.BLOCK, inside);
        assertEquals(Decision.ALLOW, outside);
        assertEquals(Decision.BLOCK, inside6);
        assertEquals(Decision.ALLOW, outside6);
    }

    @Test
    void shouldListTheCommandsOnAnAddressWithoutSpendingItsBudgetWhenAnOperatorAsks() throws Exception {
        // Given a throttle of two requests per second on a prefix and a block of one address inside it
        table.apply(command(MitigationAction.THROTTLE, MitigationScope.SOURCE_PREFIX, "198.51.100.0/24", LATER));
        table.apply(command(MitigationAction.BLOCK, MitigationScope.SOURCE_IP, "198.51.100.7", LATER));

        // When the commands on an address of the prefix are asked for, many times
        for (int i = 0; i < 10; i++) {
            table.onAddress("198.51.100.8");
        }

        // Then the most specific comes first, an address outside has none, and the throttle's budget is untouched
        assertEquals(List.of(MitigationAction.BLOCK, MitigationAction.THROTTLE),
            table.onAddress("198.51.100.7").stream().map(MitigationCommand::getAction).toList());
        assertEquals(List.of(), table.onAddress("198.51.101.1"));
        assertEquals(Decision.ALLOW, table.decide(from("198.51.100.8")));
        assertEquals(Decision.ALLOW, table.decide(from("198.51.100.9")));
        assertEquals(Decision.THROTTLE, table.decide(from("198.51.100.10")));
    }

    @Test
    void shouldStopApplyingACommandWhenItExpiresOrIsLifted() throws Exception {
        // Given a block expiring in a minute and another one on a second address
        table.apply(command(MitigationAction.BLOCK, MitigationScope.SOURCE_IP, "203.0.113.7", LATER));
        table.apply(command(MitigationAction.BLOCK, MitigationScope.SOURCE_IP, "203.0.113.9", LATER + 60_000));

        // When the first expires and the second is lifted
        clock.set(LATER);
        EnforcementTable.Outcome lift = table.apply(command(MitigationAction.LIFT, MitigationScope.SOURCE_IP, "203.0.113.9", LATER + 60_000));

        // Then
        assertEquals(Decision.ALLOW, table.decide(from("203.0.113.7")));
        assertEquals(Decision.ALLOW, table.decide(from("203.0.113.9")));
        assertEquals(EnforcementTable.Outcome.LIFTED, lift);
        assertEquals(1, table.sweep(), "the expired command is swept");
        assertEquals(0, table.size());
    }

    @Test
    void shouldNotEnforceWhenTheCommandIsDryRunAndShouldDisarmTheEnforcedOneForItsTarget() throws Exception {
        // Given an enforced block
        table.apply(command(MitigationAction.BLOCK, MitigationScope.SOURCE_IP, "203.0.113.7", LATER));
        MitigationCommand dryRun = command(MitigationAction.BLOCK, MitigationScope.SOURCE_IP, "203.0.113.7", LATER);
        dryRun.setMode(MitigationMode.DRY_RUN);

        // When the newer command for the same target is a DRY_RUN
        EnforcementTable.Outcome outcome = table.apply(dryRun);

        // Then the compacted topic's latest value wins: nothing is enforced
        assertEquals(EnforcementTable.Outcome.DRY_RUN, outcome);
        assertEquals(Decision.ALLOW, table.decide(from("203.0.113.7")));
    }

    @Test
    void shouldRefuseRegistrationsFromOtherRegionsWhileLoginWorksWhenRegistrationIsRestricted() throws Exception {
        // Given
        table.apply(restrict("POST /api/v1/auth/register", List.of("CN"), LATER));

        // When
        Decision home = table.decide(new GatewayRequest("203.0.113.7", "POST", "/api/v1/auth/register", null, "cn", BROWSER));
        Decision abroad = table.decide(new GatewayRequest("203.0.113.8", "POST", "/api/v1/auth/register?ref=x", null, "US", BROWSER));
        Decision unknown = table.decide(new GatewayRequest("203.0.113.9", "POST", "/api/v1/auth/register", null, null, BROWSER));
        Decision login = table.decide(new GatewayRequest("203.0.113.8", "POST", "/api/v1/auth/login", null, "US", BROWSER));

        // Then
        assertEquals(Decision.ALLOW, home);
        assertEquals(Decision.REFUSE_REGISTRATION, abroad);
        assertEquals(Decision.REFUSE_REGISTRATION, unknown, "a registration without a region cannot show it is allowed");
        assertEquals(Decision.ALLOW, login);
    }

    @Test
    void shouldLetTheUsualRegionsThroughAndHoldTheOthersToTheBudgetWhenARouteIsRegionRestricted() throws Exception {
        // Given login restricted to CN, with a budget of 2 requests/s for every other region together
        MitigationCommand restriction = restrict("POST /api/v1/auth/login", List.of("CN"), LATER);
        restriction.setAction(MitigationAction.RESTRICT_REGION);
        restriction.setRateLimitPerSecond(2.0);
        table.apply(restriction);

        // When ten requests come from the home region and ten from abroad or without a region
        int homeAllowed = 0;
        int othersAllowed = 0;
        for (int i = 0; i < 10; i++) {
            homeAllowed += table.decide(new GatewayRequest("203.0.113." + i, "POST", "/api/v1/auth/login", null, "CN", BROWSER))
                == Decision.ALLOW ? 1 : 0;
            Decision other = table.decide(new GatewayRequest("198.51.100." + i, "POST", "/api/v1/auth/login", null,
                i % 2 == 0 ? "BR" : null, BROWSER));
            othersAllowed += other == Decision.ALLOW ? 1 : 0;
            assertTrue(other == Decision.ALLOW || other == Decision.REFUSE_REGION, other.toString());
        }
        Decision registration = table.decide(new GatewayRequest("198.51.100.1", "POST", "/api/v1/auth/register", null, "BR", BROWSER));

        // Then
        assertEquals(10, homeAllowed);
        assertEquals(2, othersAllowed, "one second of burst at 2/s");
        assertEquals(Decision.ALLOW, registration, "other routes are untouched");
    }

    @Test
    void shouldRefuseOtherRegionsAndRejectOtherScopesWhenARegionRestrictionHasNoBudget() throws Exception {
        // Given
        MitigationCommand restriction = restrict("POST /api/v1/auth/login", List.of("CN"), LATER);
        restriction.setAction(MitigationAction.RESTRICT_REGION);
        MitigationCommand onAnAddress = command(MitigationAction.RESTRICT_REGION, MitigationScope.SOURCE_IP, "203.0.113.7", LATER);

        // When
        table.apply(restriction);
        Decision abroad = table.decide(new GatewayRequest("198.51.100.1", "POST", "/api/v1/auth/login", null, "BR", BROWSER));
        EnforcementTable.RejectedCommandException rejected = assertThrows(EnforcementTable.RejectedCommandException.class,
            () -> table.apply(onAnAddress));

        // Then
        assertEquals(Decision.REFUSE_REGION, abroad);
        assertEquals(403, abroad.status());
        assertTrue(rejected.getMessage().contains("applies to an ENDPOINT"), rejected.getMessage());
    }

    @Test
    void shouldRefuseOnlyRequestsWithoutAnAccountWhenARouteRequiresOne() throws Exception {
        // Given
        table.apply(command(MitigationAction.REQUIRE_ACCOUNT, MitigationScope.ENDPOINT, "POST /api/v1/chat/completions", LATER));

        // When
        Decision anonymous = table.decide(new GatewayRequest("203.0.113.7", "POST", "/api/v1/chat/completions", null, "US", BROWSER));
        Decision signedIn = table.decide(new GatewayRequest("203.0.113.7", "POST", "/api/v1/chat/completions", "acct-1", "US", BROWSER));
        Decision elsewhere = table.decide(new GatewayRequest("203.0.113.7", "GET", "/api/v1/models", null, "US", BROWSER));

        // Then
        assertEquals(Decision.REFUSE_ANONYMOUS, anonymous);
        assertEquals(401, anonymous.status());
        assertEquals(Decision.ALLOW, signedIn);
        assertEquals(Decision.ALLOW, elsewhere);
    }

    @Test
    void shouldRefuseOnlyScriptedClientsWhenARouteRefusesThem() throws Exception {
        // Given
        table.apply(command(MitigationAction.REFUSE_SCRIPTED, MitigationScope.ENDPOINT, "POST /api/v1/auth/register", LATER));
        MitigationCommand onAnAddress = command(MitigationAction.REFUSE_SCRIPTED, MitigationScope.SOURCE_IP, "203.0.113.7", LATER);

        // When
        Decision script = table.decide(new GatewayRequest("203.0.113.7", "POST", "/api/v1/auth/register", null, "CN", "python-requests/2.32"));
        Decision none = table.decide(new GatewayRequest("203.0.113.7", "POST", "/api/v1/auth/register", null, "CN", null));
        Decision person = table.decide(new GatewayRequest("203.0.113.7", "POST", "/api/v1/auth/register", null, "CN", BROWSER));
        Decision login = table.decide(new GatewayRequest("203.0.113.7", "POST", "/api/v1/auth/login", null, "CN", "curl/8.5.0"));

        // Then
        assertEquals(Decision.REFUSE_SCRIPTED, script);
        assertEquals(Decision.REFUSE_SCRIPTED, none, "a request without a user agent counts as scripted");
        assertEquals(Decision.ALLOW, person);
        assertEquals(Decision.ALLOW, login, "other routes are untouched");
        assertThrows(EnforcementTable.RejectedCommandException.class, () -> table.apply(onAnAddress));
    }

    @Test
    void shouldAdmitTheRateAndRefuseTheRestWhenASourceIsThrottled() throws Exception {
        // Given a throttle at 2 requests per second
        table.apply(command(MitigationAction.THROTTLE, MitigationScope.SOURCE_IP, "203.0.113.7", LATER));

        // When five requests arrive in the same millisecond, then one a second later
        int allowed = 0;
        for (int i = 0; i < 5; i++) {
            allowed += table.decide(from("203.0.113.7")) == Decision.ALLOW ? 1 : 0;
        }
        Decision sixth = table.decide(from("203.0.113.7"));
        clock.addAndGet(1_000);
        Decision afterASecond = table.decide(from("203.0.113.7"));

        // Then
        assertEquals(2, allowed);
        assertEquals(Decision.THROTTLE, sixth);
        assertEquals(Decision.ALLOW, afterASecond);
        assertEquals(429, Decision.THROTTLE.status());
    }

    @Test
    void shouldAdmitItsShareOfTheRateWhenAnEndpointIsThrottledAcrossGateways() throws Exception {
        // Given one of four gateways, and an endpoint throttled at 100 per second
        EnforcementTable quarter = new EnforcementTable(0.25, clock::get);
        MitigationCommand throttle = command(MitigationAction.THROTTLE, MitigationScope.ENDPOINT, "GET /api/v1/models/{id}", LATER);
        throttle.setRateLimitPerSecond(100.0);
        quarter.apply(throttle);

        // When a burst arrives
        int allowed = 0;
        for (int i = 0; i < 100; i++) {
            allowed += quarter.decide(new GatewayRequest("203.0.113." + i, "GET", "/api/v1/models/42", null, "US", BROWSER)) == Decision.ALLOW ? 1 : 0;
        }

        // Then
        assertEquals(25, allowed);
    }

    @Test
    void shouldBlockTheAccountWhenAnAccountIsBlocked() throws Exception {
        // Given
        table.apply(command(MitigationAction.BLOCK, MitigationScope.ACCOUNT, "acct-42", LATER));

        // When
        Decision account = table.decide(new GatewayRequest("203.0.113.7", "GET", "/x", "acct-42", "US", BROWSER));
        Decision other = table.decide(new GatewayRequest("203.0.113.7", "GET", "/x", "acct-43", "US", BROWSER));

        // Then
        assertEquals(Decision.BLOCK, account);
        assertEquals(Decision.ALLOW, other);
    }

    @Test
    void shouldRejectTheCommandAndKeepTheTableWhenTheTargetOrActionIsBad() throws Exception {
        // Given a block in force
        table.apply(command(MitigationAction.BLOCK, MitigationScope.SOURCE_PREFIX, "198.51.100.0/24", LATER));

        // When
        EnforcementTable.RejectedCommandException cidr = assertThrows(EnforcementTable.RejectedCommandException.class,
            () -> table.apply(command(MitigationAction.BLOCK, MitigationScope.SOURCE_PREFIX, "198.51.100.0/33", LATER)));
        EnforcementTable.RejectedCommandException garbage = assertThrows(EnforcementTable.RejectedCommandException.class,
            () -> table.apply(command(MitigationAction.BLOCK, MitigationScope.SOURCE_PREFIX, "not-a-network", LATER)));
        EnforcementTable.RejectedCommandException action = assertThrows(EnforcementTable.RejectedCommandException.class,
            () -> table.apply(command(MitigationAction.UNKNOWN, MitigationScope.SOURCE_IP, "203.0.113.7", LATER)));

        // Then
        assertTrue(cidr.getMessage().contains("prefix length"), cidr.getMessage());
        assertTrue(garbage.getMessage().contains("CIDR"), garbage.getMessage());
        assertEquals("unknown action", action.getMessage());
        assertEquals(Decision.BLOCK, table.decide(from("198.51.100.1")));
        assertEquals(3L, table.counts().get("rejected"));
    }

    @Test
    void shouldPreferTheMostSpecificCommandWhenNetworksNest() throws Exception {
        // Given a throttle on a /16 and a block on an address inside it
        table.apply(command(MitigationAction.THROTTLE, MitigationScope.SOURCE_PREFIX, "10.1.0.0/16", LATER));
        table.apply(command(MitigationAction.BLOCK, MitigationScope.SOURCE_IP, "10.1.2.3", LATER));

        // When the block is removed by a tombstone
        Decision before = table.decide(from("10.1.2.3"));
        table.remove("ip:10.1.2.3");
        Decision after = table.decide(from("10.1.2.3"));

        // Then
        assertEquals(Decision.BLOCK, before);
        assertEquals(Decision.ALLOW, after, "the /16 throttle still admits its rate");
    }

    @Test
    void shouldTreatTargetsAsOneWhenTheyNameTheSameNetwork() throws Exception {
        // Given a block written three ways and a prefix written with host bits
        table.apply(command(MitigationAction.BLOCK, MitigationScope.SOURCE_IP, "203.0.113.7", LATER));
        table.apply(command(MitigationAction.BLOCK, MitigationScope.SOURCE_PREFIX, "203.0.113.7/32", LATER));
        table.apply(command(MitigationAction.BLOCK, MitigationScope.SOURCE_PREFIX, "198.51.100.9/24", LATER));

        // When one form is lifted and the other prefix form is tombstoned
        table.apply(command(MitigationAction.LIFT, MitigationScope.SOURCE_IP, "::ffff:203.0.113.7", LATER));
        boolean removed = table.remove("prefix:198.51.100.0/24");

        // Then nothing stays half-enforced
        assertEquals(Decision.ALLOW, table.decide(from("203.0.113.7")));
        assertTrue(removed);
        assertEquals(Decision.ALLOW, table.decide(from("198.51.100.1")));
        assertEquals(0, table.size());
    }

    @Test
    void shouldEnforceForTheCommandsLifetimeFromItsIssueWhenTheDetectorRunsBehindTraffic() throws Exception {
        // Given a command decided an hour ago in event time (a backlog), issued now, for ten minutes
        MitigationCommand late = command(MitigationAction.BLOCK, MitigationScope.SOURCE_IP, "203.0.113.7", NOW - 3_000_000);
        late.setDetectedAt(NOW - 3_600_000);
        late.setIssuedAt(NOW);

        // When
        EnforcementTable.Outcome outcome = table.apply(late);
        Decision now = table.decide(from("203.0.113.7"));
        clock.set(NOW + 600_000);
        Decision tenMinutesLater = table.decide(from("203.0.113.7"));

        // Then
        assertEquals(EnforcementTable.Outcome.ENFORCED, outcome);
        assertEquals(Decision.BLOCK, now);
        assertEquals(Decision.ALLOW, tenMinutesLater);
    }

    @Test
    void shouldKeepTheBucketWhenAThrottleIsRefreshedAtTheSameRate() throws Exception {
        // Given a throttle at 2 per second whose bucket is used up
        table.apply(command(MitigationAction.THROTTLE, MitigationScope.SOURCE_IP, "203.0.113.7", LATER));
        table.decide(from("203.0.113.7"));
        table.decide(from("203.0.113.7"));

        // When the detector refreshes the command
        table.apply(command(MitigationAction.THROTTLE, MitigationScope.SOURCE_IP, "203.0.113.7", LATER + 60_000));

        // Then the refresh did not refill it
        assertEquals(Decision.THROTTLE, table.decide(from("203.0.113.7")));
        assertEquals(1, table.size());
    }
}
