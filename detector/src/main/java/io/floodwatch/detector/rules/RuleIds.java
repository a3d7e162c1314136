package io.floodwatch.detector.rules;

/** The ids of the rules, as {@code detector-control} keys, command and anomaly {@code rule} fields name them. */
public final class RuleIds {

    /** Per-source volume limits. */
    public static final String SOURCE_RATE_LIMIT = "source-rate-limit";
    /** Per-source limits relative to the window's population. */
    public static final String SOURCE_RELATIVE = "source-relative-volume";
    /** Per-source failure limits. */
    public static final String SOURCE_FAILURES = "source-failures";
    /** The heavy prefixes of an attacked route. */
    public static final String ENDPOINT_ATTACK = "endpoint-attack";
    /** A route surging above its baseline. */
    public static final String ENDPOINT_SURGE = "endpoint-surge";
    /** Registrations shifting to regions outside the usual mix. */
    public static final String REGISTRATION_REGION_SHIFT = "registration-region-shift";
    /** Any other route's attack coming mostly from outside the usual regions. */
    public static final String REGION_SHIFT = "region-shift";
    /** An attacked route whose surge comes without the account its real users carry. */
    public static final String ACCOUNT_REQUIRED = "account-required";
    /** An attacked route whose surge comes from scripts where its real users come with browsers and apps. */
    public static final String SCRIPTED_REFUSED = "scripted-refused";
    /** Legitimate traffic above a route's capacity. */
    public static final String ENDPOINT_OVERLOAD = "endpoint-overload";
    /** Real users surging (an observation, never a command). */
    public static final String FLASH_CROWD = "flash-crowd";

    private RuleIds() {
    }
}
