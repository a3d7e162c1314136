package io.floodwatch.schema.target;

import io.floodwatch.schema.MitigationScope;

/** Keys of sources and targets, as used on the {@code mitigations} topic: {@code ip:…}, {@code prefix:…}, {@code endpoint:…}. */
public final class TargetKeys {

    private TargetKeys() {
    }

    /** The key of a target of the given scope. */
    public static String key(MitigationScope scope, String target) {
        return switch (scope) {
            case SOURCE_IP -> "ip:" + target;
            case SOURCE_PREFIX -> "prefix:" + target;
            case ACCOUNT -> "account:" + target;
            case ENDPOINT -> "endpoint:" + target;
            default -> "other:" + target;
        };
    }
}
