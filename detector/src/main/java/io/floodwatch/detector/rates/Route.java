package io.floodwatch.detector.rates;

/**
 * A normalised endpoint, {@code "<METHOD> <path template>"}. Instances are cached by {@link RouteNormalizer};
 * {@code lastSeenWindow} lets idle routes be evicted.
 */
public final class Route {

    private final String name;
    long lastSeenWindow;

    Route(String name) {
        this.name = name;
    }

    /** The route, e.g. {@code POST /api/v1/auth/register}. */
    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return name;
    }
}
