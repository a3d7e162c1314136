package io.floodwatch.schema.target;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;

/**
 * Path templates, the way routes are written in endpoint command targets ({@code "POST /api/v1/users/{id}"}):
 * the detector names routes with it, and gateways map a request to the route a command names with it.
 */
public final class RoutePaths {

    /** Template of an id-like path segment. */
    public static final String ID = "{id}";
    /** Segments kept before a path is cut. */
    public static final int MAX_SEGMENTS = 8;

    /** Method name of requests with a non-standard method. */
    public static final String OTHER_METHOD = "OTHER";

    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS",
        "CONNECT", "TRACE");
    /** How many method names routes use: the standard methods and {@value #OTHER_METHOD}. */
    public static final int METHOD_NAMES = METHODS.size() + 1;

    private RoutePaths() {
    }

    /** The route of a request, {@code "<METHOD> <template>"}, as endpoint commands name it. */
    public static String route(String method, String path) {
        return method(method) + " " + template(path);
    }

    /** The method as routes name it: a standard method, or {@value #OTHER_METHOD}. */
    public static String method(String method) {
        return METHODS.contains(method) ? method : OTHER_METHOD;
    }

    /**
     * The template of a raw path: the query string and fragment dropped, empty segments skipped, id-like segments
     * (numbers, UUIDs, hex strings, tokens, anything longer than 48 characters or with unusual characters) replaced
     * by {@code {id}}, and paths deeper than {@value #MAX_SEGMENTS} segments cut to {@code /{more}}.
     */
    public static String template(String path) {
        int end = path.length();
        int query = path.indexOf('?');
        if (query >= 0) {
            end = query;
        }
        int fragment = path.indexOf('#');
        if (fragment >= 0 && fragment < end) {
            end = fragment;
        }
        if (needsCanonicalForm(path, end)) {
            path = canonical(path, end);
            end = path.length();
        }
        StringBuilder template = new StringBuilder(Math.min(end, 128) + 8);
        int segments = 0;
        int start = 0;
        while (start < end) {
            int slash = path.indexOf('/', start);
            int segmentEnd = slash < 0 || slash > end ? end : slash;
            if (segmentEnd > start) {
                if (segments == MAX_SEGMENTS) {
                    template.append("/{more}");
                    break;
                }
                template.append('/');
                appendSegment(template, path, start, segmentEnd);
                segments++;
            }
            start = segmentEnd + 1;
        }
        if (template.length() == 0) {
            template.append('/');
        }
        return template.toString();
    }

    private static boolean needsCanonicalForm(String path, int end) {
        int percent = path.indexOf('%');
        int dot = path.indexOf("/.");
        boolean leadingDot = end > 0 && path.charAt(0) == '.';
        return (percent >= 0 && percent < end) || (dot >= 0 && dot < end) || leadingDot;
    }

    /**
     * The path as a server resolves it, so that one resource has one route whatever spelling a client uses to dodge
     * a command: percent-encoded unreserved characters decoded ({@code regist%65r} is {@code register}), other escapes
     * kept (upper case), {@code .} segments dropped and {@code ..} segments resolved (never above the root).
     */
    private static String canonical(String path, int end) {
        StringBuilder decoded = new StringBuilder(end);
        for (int i = 0; i < end; i++) {
            char c = path.charAt(i);
            if (c == '%' && i + 2 < end && hex(path.charAt(i + 1)) >= 0 && hex(path.charAt(i + 2)) >= 0) {
                char value = (char) (hex(path.charAt(i + 1)) * 16 + hex(path.charAt(i + 2)));
                if (unreserved(value)) {
                    decoded.append(value);
                } else {
                    decoded.append('%').append(Character.toUpperCase(path.charAt(i + 1))).append(Character.toUpperCase(path.charAt(i + 2)));
                }
                i += 2;
            } else {
                decoded.append(c);
            }
        }
        Deque<String> segments = new ArrayDeque<>();
        for (String segment : decoded.toString().split("/")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                segments.pollLast();
            } else {
                segments.addLast(segment);
            }
        }
        return "/" + String.join("/", segments);
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }

    private static boolean unreserved(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    }

    private static void appendSegment(StringBuilder template, String path, int start, int end) {
        if (isIdLike(path, start, end)) {
            template.append(ID);
        } else {
            template.append(path, start, end);
        }
    }

    private static boolean isIdLike(String path, int start, int end) {
        int length = end - start;
        if (length > 48) {
            return true;
        }
        int digits = 0;
        int hex = 0;
        int dashes = 0;
        for (int i = start; i < end; i++) {
            char c = path.charAt(i);
            if (c >= '0' && c <= '9') {
                digits++;
                hex++;
            } else if ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) {
                hex++;
            } else if (c == '-') {
                dashes++;
            } else if (!((c >= 'g' && c <= 'z') || (c >= 'G' && c <= 'Z') || c == '_' || c == '.' || c == '~')) {
                return true;
            }
        }
        if (digits == length) {
            return true;
        }
        boolean uuid = length == 36 && dashes == 4 && hex == 32;
        boolean hexId = hex == length && length >= 8 && digits > 0;
        boolean token = digits >= 3 && length >= 8;
        return uuid || hexId || token;
    }
}
