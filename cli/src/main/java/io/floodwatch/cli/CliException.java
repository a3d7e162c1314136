package io.floodwatch.cli;

/** A user-facing error whose message is printed as it is, on one line, without a stack trace. */
public final class CliException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message what went wrong and how to fix it */
    public CliException(String message) {
        super(message, null, false, false);
    }
}
