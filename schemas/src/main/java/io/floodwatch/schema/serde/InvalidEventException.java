package io.floodwatch.schema.serde;

/**
 * A request event that cannot be accepted: unparseable, missing a required field, or carrying an impossible
 * value. The message is the reason written to the dead-letter topic, so it names the field and what is wrong,
 * and quotes at most a short, sanitised excerpt of attacker-controlled input.
 *
 * <p>Bad input is expected traffic, not a bug, so no stack trace is captured.
 */
public class InvalidEventException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private static final int MAX_EXCERPT = 64;

    /** An exception with the given reason. */
    public InvalidEventException(String reason) {
        super(reason, null, false, false);
    }

    /**
     * A short, printable excerpt of untrusted text for an error message: control characters replaced,
     * length capped.
     */
    public static String excerpt(CharSequence untrusted) {
        return excerpt(untrusted, MAX_EXCERPT);
    }

    /** Like {@link #excerpt(CharSequence)}, with a chosen length cap. */
    public static String excerpt(CharSequence untrusted, int maxLength) {
        if (untrusted == null) {
            return "null";
        }
        int length = Math.min(untrusted.length(), maxLength);
        StringBuilder out = new StringBuilder(length + 3);
        for (int i = 0; i < length; i++) {
            char c = untrusted.charAt(i);
            out.append(c < 0x20 || c == 0x7f || Character.isSurrogate(c) ? '?' : c);
        }
        if (untrusted.length() > maxLength) {
            out.append("...");
        }
        return out.toString();
    }
}
