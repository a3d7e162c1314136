package io.floodwatch.detector.app;

/**
 * The detector cannot start as configured. The message says what was wrong and how to fix it, on one line, so that
 * a command line can print it as it is, without a stack trace.
 */
public class StartupException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message what was wrong and how to fix it */
    public StartupException(String message) {
        super(message, null, false, false);
    }
}
