package io.floodwatch.gateway.sidecar;

/** A user-facing sidecar error whose message says what was wrong and how to fix it, on one line. */
public final class SidecarException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message what went wrong and how to fix it */
    public SidecarException(String message) {
        super(message, null, false, false);
    }
}
