package io.floodwatch.schema.serde;

import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.floodwatch.schema.RequestEvent;
import io.floodwatch.schema.target.IpAddress;

/**
 * Reads one {@link RequestEvent} from a line of the NCSA <i>combined</i> access-log format, the default of Apache
 * httpd and of nginx ({@code log_format combined}):
 * <pre>
 * 203.0.113.7 - alice [10/Oct/2025:13:55:36 -0700] "GET /index.html HTTP/1.1" 200 2326 "https://referer/" "Mozilla/5.0 ..."
 * </pre>
 * The <i>common</i> format (without referer and agent) and lines with more fields after the agent (nginx's request
 * time, for one) are read too. The log has no region and no latency; the remote user, when the server
 * authenticated one, is taken as the account. Attacker-controlled text is length-capped like the JSON format's.
 */
public final class CombinedLogFormat {

    private static final String QUOTED = "\"((?:[^\"\\\\]|\\\\.)*)\"";
    private static final Pattern LINE = Pattern.compile("^(\\S+) \\S+ (\\S+) \\[([^\\]]+)\\] " + QUOTED
        + " (\\d{3}) (\\S+)(?: " + QUOTED + " " + QUOTED + ")?.*$");
    private static final Pattern REQUEST = Pattern.compile("^([A-Za-z]{1,16}) (\\S+)(?: \\S+)?$");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH);
    private static final int MAX_LINE = RequestEventJson.MAX_BYTES;

    private CombinedLogFormat() {
    }

    /** Whether a line looks like a combined or common log line rather than JSON (a cheap test on its start). */
    public static boolean looksLike(String line) {
        return !line.isEmpty() && line.charAt(0) != '{' && line.indexOf(" [") > 0;
    }

    /**
     * Parses one line.
     *
     * @throws InvalidEventException naming what is wrong, if the line is not a combined or common log line
     */
    public static RequestEvent parse(String line) {
        if (line.length() > MAX_LINE) {
            throw new InvalidEventException("log line of " + line.length() + " characters exceeds the limit of " + MAX_LINE);
        }
        Matcher fields = LINE.matcher(line);
        if (!fields.matches()) {
            throw new InvalidEventException("not a combined or common log line: " + InvalidEventException.excerpt(line));
        }
        if (!IpAddress.isValid(fields.group(1))) {
            throw new InvalidEventException("client address is not an IPv4 or IPv6 address: "
                + InvalidEventException.excerpt(fields.group(1)));
        }
        Matcher request = REQUEST.matcher(fields.group(4));
        if (!request.matches()) {
            throw new InvalidEventException("request line is not 'METHOD target [protocol]': "
                + InvalidEventException.excerpt(fields.group(4)));
        }
        long timestamp;
        try {
            timestamp = OffsetDateTime.parse(fields.group(3), TIME).toInstant().toEpochMilli();
        } catch (DateTimeException e) {
            throw new InvalidEventException("time is not dd/MMM/yyyy:HH:mm:ss +hhmm: " + InvalidEventException.excerpt(fields.group(3)));
        }
        String user = fields.group(2);
        String agent = fields.group(8);
        return RequestEvent.newBuilder()
            .setTimestamp(timestamp)
            .setSourceIp(fields.group(1))
            .setMethod(request.group(1).toUpperCase(Locale.ROOT))
            .setPath(cut(request.group(2)))
            .setStatus(Integer.parseInt(fields.group(5)))
            .setAccountId("-".equals(user) ? null : cut(user))
            .setUserAgent(agent == null || agent.isEmpty() || "-".equals(agent) ? null : cut(unescape(agent)))
            .build();
    }

    private static String unescape(String quoted) {
        return quoted.indexOf('\\') < 0 ? quoted : quoted.replace("\\\"", "\"").replace("\\\\", "\\");
    }

    private static String cut(String text) {
        return text.length() > RequestEventJson.MAX_STRING ? text.substring(0, RequestEventJson.MAX_STRING) : text;
    }
}
