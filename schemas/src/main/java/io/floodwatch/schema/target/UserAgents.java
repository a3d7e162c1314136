package io.floodwatch.schema.target;

/**
 * Classifies user agents: a request whose user agent is absent, or names an HTTP library, a command-line tool or a
 * headless browser rather than a browser or an app, is "scripted". Only the first {@value #SCANNED} characters
 * are looked at, so an attacker's megabyte-long header costs no more than a short one. One piece of evidence
 * among several: a user agent is trivially forged, so nothing is decided on it alone.
 */
public final class UserAgents {

    static final int SCANNED = 128;

    private static final String[] SCRIPTS = {"python-requests", "python-urllib", "aiohttp", "httpx", "go-http-client",
        "curl/", "wget/", "okhttp", "java/", "java-http-client", "apache-httpclient", "libwww-perl", "node-fetch", "axios/",
        "undici", "ruby", "php/", "guzzlehttp", "postmanruntime", "headlesschrome", "phantomjs", "scrapy", "httpclient",
        "masscan", "zgrab", "nikto", "sqlmap", "nuclei"};

    /** The scripts' names grouped by their first character, so a user agent is scanned once. */
    private static final String[][] BY_FIRST_CHAR = new String[128][];

    static {
        for (String script : SCRIPTS) {
            char first = script.charAt(0);
            String[] group = BY_FIRST_CHAR[first];
            String[] grown = group == null ? new String[1] : java.util.Arrays.copyOf(group, group.length + 1);
            grown[grown.length - 1] = script;
            BY_FIRST_CHAR[first] = grown;
        }
    }

    private UserAgents() {
    }

    /** Whether a user agent is absent or a script's. */
    public static boolean isScripted(CharSequence agent) {
        if (agent == null) {
            return true;
        }
        int length = Math.min(agent.length(), SCANNED);
        if (length == 0) {
            return true;
        }
        for (int i = 0; i < length; i++) {
            char c = Character.toLowerCase(agent.charAt(i));
            String[] candidates = c < 128 ? BY_FIRST_CHAR[c] : null;
            if (candidates != null) {
                for (String script : candidates) {
                    if (startsWithIgnoreCase(agent, i, length, script)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static boolean startsWithIgnoreCase(CharSequence text, int from, int length, String lowerNeedle) {
        if (from + lowerNeedle.length() > length) {
            return false;
        }
        for (int j = 1; j < lowerNeedle.length(); j++) {
            if (Character.toLowerCase(text.charAt(from + j)) != lowerNeedle.charAt(j)) {
                return false;
            }
        }
        return true;
    }
}
