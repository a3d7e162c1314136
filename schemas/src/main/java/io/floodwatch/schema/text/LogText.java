package io.floodwatch.schema.text;

/**
 * Makes text that attackers may have shaped (paths, user agents, reasons quoting them) safe for a log line: at most
 * {@value #MAX_LENGTH} characters, control characters (newlines that would forge log lines, terminal escapes)
 * replaced by {@code ?}.
 */
public final class LogText {

    public static final int MAX_LENGTH = 300;

    private LogText() {
    }

    /** The text, bounded and without control characters; "null" for null. */
    public static String bounded(CharSequence text) {
        if (text == null) {
            return "null";
        }
        int length = Math.min(text.length(), MAX_LENGTH);
        StringBuilder out = new StringBuilder(length + 1);
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            out.append(Character.isISOControl(c) ? '?' : c);
        }
        if (text.length() > MAX_LENGTH) {
            out.append('…');
        }
        return out.toString();
    }
}
