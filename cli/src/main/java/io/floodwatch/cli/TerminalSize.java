package io.floodwatch.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** The width of the terminal a full-screen view draws on, so that its lines never wrap. */
final class TerminalSize {

    private static final int FALLBACK = 120;

    private TerminalSize() {
    }

    /** Columns from {@code COLUMNS}, else from {@code stty size} on the controlling terminal, else 120. */
    static int columns() {
        String fromEnvironment = System.getenv("COLUMNS");
        if (fromEnvironment != null && fromEnvironment.matches("\\d{1,4}") && Integer.parseInt(fromEnvironment) > 0) {
            return Integer.parseInt(fromEnvironment);
        }
        try {
            Process stty = new ProcessBuilder("stty", "size").redirectInput(new File("/dev/tty"))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String size = new String(stty.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
            if (stty.waitFor(2, TimeUnit.SECONDS) && size.matches("\\d+ \\d+")) {
                int columns = Integer.parseInt(size.substring(size.indexOf(' ') + 1));
                return columns > 0 ? columns : FALLBACK;
            }
        } catch (IOException e) {
            return FALLBACK;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return FALLBACK;
    }
}
