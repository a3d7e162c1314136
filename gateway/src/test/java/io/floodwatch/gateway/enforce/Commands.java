package io.floodwatch.gateway.enforce;

import java.util.List;
import java.util.Map;

import io.floodwatch.schema.MitigationAction;
import io.floodwatch.schema.MitigationCommand;
import io.floodwatch.schema.MitigationMode;
import io.floodwatch.schema.MitigationScope;

/** Commands for tests, as the detector writes them. */
public final class Commands {

    private Commands() {
    }

    /** An ENFORCE command expiring at {@code expiresAt}. */
    public static MitigationCommand command(MitigationAction action, MitigationScope scope, String target, long expiresAt) {
        return MitigationCommand.newBuilder()
            .setCommandId(action + "-" + target)
            .setAction(action)
            .setScope(scope)
            .setTarget(target)
            .setAllowedRegions(null)
            .setRateLimitPerSecond(action == MitigationAction.THROTTLE ? 2.0 : null)
            .setMode(MitigationMode.ENFORCE)
            .setDetectedAt(expiresAt - 60_000)
            .setIssuedAt(expiresAt - 60_000)
            .setExpiresAt(expiresAt)
            .setReason("test")
            .setEvidence(Map.of())
            .build();
    }

    /** A RESTRICT_REGISTRATION of a route to some regions. */
    public static MitigationCommand restrict(String route, List<String> regions, long expiresAt) {
        MitigationCommand command = command(MitigationAction.RESTRICT_REGISTRATION, MitigationScope.ENDPOINT, route, expiresAt);
        command.setAllowedRegions(List.copyOf(regions));
        return command;
    }
}
