package io.floodwatch.detector.rates;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Maps a request's method and path to a bounded set of routes: ids, numbers, UUIDs, hex strings and tokens
 * become {@code {id}}, the query string is dropped, deep paths are cut. At most {@code maxRoutes} routes are
 * tracked; once full, a new route counts as {@code "<METHOD> /{other}"}, so an attacker requesting random
 * paths cannot grow state. Routes idle for a while are evicted to make room again.
 *
 * <p>Raw paths are cached per method (bounded), so the common case costs two hash lookups and no allocation.
 * Not thread-safe: one instance per task.
 */
public final class RouteNormalizer {

    /** Path template of routes beyond the cap. */
    public static final String OTHER_PATH = "/{other}";
    /** Template of an id-like path segment. */
    public static final String ID = "{id}";

    static final int MAX_SEGMENTS = 8;
    private static final int MAX_CACHED_PATHS = 16_384;
    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS",
        "CONNECT", "TRACE");
    private static final String OTHER_METHOD = "OTHER";

    private final int maxRoutes;
    private final Map<String, Map<String, Route>> cacheByMethod = new HashMap<>();
    private final Map<String, Route> routes = new HashMap<>();

    /**
     * @param maxRoutes cap on distinct routes
     */
    public RouteNormalizer(int maxRoutes) {
        this.maxRoutes = maxRoutes;
    }

    /** The route of a request seen in the given window. */
    public Route route(String method, String path, long window) {
        Map<String, Route> byPath = cacheByMethod.get(method);
        if (byPath == null) {
            String known = METHODS.contains(method) ? method : OTHER_METHOD;
            byPath = cacheByMethod.computeIfAbsent(known, m -> new HashMap<>());
            if (!known.equals(method)) {
                return resolve(known, path, byPath, window);
            }
        }
        Route route = byPath.get(path);
        if (route == null) {
            route = resolve(method, path, byPath, window);
        }
        route.lastSeenWindow = window;
        return route;
    }

    private Route resolve(String method, String path, Map<String, Route> byPath, long window) {
        Route cached = byPath.get(path);
        if (cached != null) {
            cached.lastSeenWindow = window;
            return cached;
        }
        String template = normalizePath(path);
        String name = method + " " + template;
        Route route = routes.get(name);
        if (route == null) {
            if (routes.size() >= maxRoutes) {
                name = method + " " + OTHER_PATH;
                route = routes.get(name);
            }
            if (route == null) {
                route = new Route(name);
                routes.put(name, route);
            }
        }
        if (byPath.size() >= MAX_CACHED_PATHS) {
            byPath.clear();
        }
        byPath.put(path, route);
        route.lastSeenWindow = window;
        return route;
    }

    /** Forgets routes not seen since {@code oldestWindowKept}; returns how many were evicted. */
    public int evictIdle(long oldestWindowKept) {
        int evicted = 0;
        for (Iterator<Route> it = routes.values().iterator(); it.hasNext(); ) {
            if (it.next().lastSeenWindow < oldestWindowKept) {
                it.remove();
                evicted++;
            }
        }
        if (evicted > 0) {
            cacheByMethod.clear();
        }
        return evicted;
    }

    /** Number of routes tracked. */
    public int size() {
        return routes.size();
    }

    /** The path template of a raw path. */
    public static String normalizePath(String path) {
        int end = path.length();
        int query = path.indexOf('?');
        if (query >= 0) {
            end = query;
        }
        int fragment = path.indexOf('#');
        if (fragment >= 0 && fragment < end) {
            end = fragment;
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

    private static void appendSegment(StringBuilder template, String path, int start, int end) {
        if (isIdLike(path, start, end)) {
            template.append(ID);
        } else {
            template.append(path, start, end);
        }
    }

    static boolean isIdLike(String path, int start, int end) {
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
