package io.floodwatch.gateway.enforce;

/** What a gateway does with one request, and the HTTP status it answers when it refuses it. */
public enum Decision {
    /** Serve the request. */
    ALLOW(200),
    /** Refuse it: its source, account or endpoint is blocked. */
    BLOCK(403),
    /** Refuse it: its target is throttled and has used up its rate. */
    THROTTLE(429),
    /** Refuse a registration from a region outside the ones allowed for its endpoint. */
    REFUSE_REGISTRATION(403),
    /** Refuse a request to a region-restricted route from outside its allowed regions (past their budget, if any). */
    REFUSE_REGION(403),
    /** Refuse a request without an account to a route that requires one. */
    REFUSE_ANONYMOUS(401),
    /** Refuse a request with a script's user agent (or none) to a route that refuses them. */
    REFUSE_SCRIPTED(403);

    private final int status;

    Decision(int status) {
        this.status = status;
    }

    /** The HTTP status for the client: 200, 401, 403 or 429. */
    public int status() {
        return status;
    }
}
