package io.floodwatch.detector.rates;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

import io.floodwatch.schema.target.RoutePaths;

/**
 * Maps a request's method and path to a bounded set of routes: ids, numbers, UUIDs, hex strings and tokens
 * become {@code {id}}, the query string is dropped, deep paths are cut. At most {@code maxRoutes} routes are
 * tracked; once full, a new route counts as {@code "<METHOD> /{other}"} (one such route per method name, so at most
 * {@code maxRoutes + }{@link RoutePaths#METHOD_NAMES} routes in all), so an attacker requesting random paths cannot
 * grow state. Routes idle for a while are evicted to make room again.
 *
 * <p>Raw paths are cached per method (bounded), so the common case costs two hash lookups and no allocation.
 * Not thread-safe: one instance per task.
 */
public final class RouteNormalizer {

    /** Path template of routes beyond the cap. */
    public static final String OTHER_PATH = "/{other}";
    private static final int MAX_CACHED_PATHS = 16_384;

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
            String known = RoutePaths.method(method);
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
        String template = RoutePaths.template(path);
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
}
