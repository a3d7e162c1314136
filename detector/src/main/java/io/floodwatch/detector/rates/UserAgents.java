package io.floodwatch.detector.rates;

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
        for (String script : SCRIPTS) {
            if (containsIgnoreCase(agent, length, script)) {
                return true;
            }
        }
        return false;
    }

    private static boolean containsIgnoreCase(CharSequence text, int length, String lowerNeedle) {
        int last = length - lowerNeedle.length();
        for (int i = 0; i <= last; i++) {
            int j = 0;
            while (j < lowerNeedle.length() && Character.toLowerCase(text.charAt(i + j)) == lowerNeedle.charAt(j)) {
                j++;
            }
            if (j == lowerNeedle.length()) {
                return true;
            }
        }
        return false;
    }
}
