package io.floodwatch.detector.rates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RouteNormalizerTest {

    @ParameterizedTest
    @CsvSource({
        "/api/v1/users/42,                                         /api/v1/users/{id}",
        "/orders/9f1c2a3b-0000-4000-8000-123456789abc/items,      /orders/{id}/items",
        "/blobs/deadbeef01,                                        /blobs/{id}",
        "/reset/tok_abc123xyz,                                     /reset/{id}",
        "/users/alice@example.com,                                 /users/{id}",
        "/files/" + "aaaaaaaaaabbbbbbbbbbccccccccccddddddddddeeeeeeeeee, /files/{id}"
    })
    void shouldReplaceSegmentWithIdWhenItIsANumberUuidHexIdOrToken(String path, String template) {
        // Given a path with one id-like segment

        // When
        String normalized = RouteNormalizer.normalizePath(path);

        // Then
        assertEquals(template, normalized);
    }

    @Test
    void shouldKeepSegmentsWhenTheyArePlainWords() {
        // Given
        String chat = "/v1/chat/completions";
        String model = "/api/v2/models/gpt-4o";

        // When
        String chatTemplate = RouteNormalizer.normalizePath(chat);
        String modelTemplate = RouteNormalizer.normalizePath(model);

        // Then
        assertEquals("/v1/chat/completions", chatTemplate);
        assertEquals("/api/v2/models/gpt-4o", modelTemplate);
        assertEquals("/api/v1/auth/register", RouteNormalizer.normalizePath("/api/v1/auth/register"));
    }

    @Test
    void shouldIgnoreQueryFragmentAndEmptySegmentsWhenPathHasThem() {
        // Given
        String withQuery = "/search?q=a/b/c&page=2";
        String withFragment = "/docs/intro#section?x=1";
        String withEmptySegments = "//api///v1/users/";

        // When
        String queryTemplate = RouteNormalizer.normalizePath(withQuery);
        String fragmentTemplate = RouteNormalizer.normalizePath(withFragment);
        String emptySegmentsTemplate = RouteNormalizer.normalizePath(withEmptySegments);

        // Then
        assertEquals("/search", queryTemplate);
        assertEquals("/docs/intro", fragmentTemplate);
        assertEquals("/api/v1/users", emptySegmentsTemplate);
        assertEquals("/", RouteNormalizer.normalizePath("/"));
        assertEquals("/", RouteNormalizer.normalizePath("/?debug=1"));
        assertEquals("/", RouteNormalizer.normalizePath("///"));
    }

    @Test
    void shouldCutThePathWhenItHasMoreThanEightSegments() {
        // Given
        String eight = "/a/b/c/d/e/f/g/h";
        String ten = "/a/b/c/d/e/f/g/h/i/j";

        // When
        String eightTemplate = RouteNormalizer.normalizePath(eight);
        String tenTemplate = RouteNormalizer.normalizePath(ten);

        // Then
        assertEquals(eight, eightTemplate);
        assertEquals("/a/b/c/d/e/f/g/h/{more}", tenTemplate);
    }

    @Test
    void shouldReturnTheSameRouteWhenPathsShareATemplate() {
        // Given
        RouteNormalizer normalizer = new RouteNormalizer(100);
        Route first = normalizer.route("GET", "/api/v1/users/1", 0);

        // When
        Route again = normalizer.route("GET", "/api/v1/users/1", 1);
        Route otherId = normalizer.route("GET", "/api/v1/users/2?x=y", 1);
        Route otherMethod = normalizer.route("POST", "/api/v1/users/1", 1);

        // Then
        assertEquals("GET /api/v1/users/{id}", first.name());
        assertSame(first, again);
        assertSame(first, otherId);
        assertNotSame(first, otherMethod);
        assertEquals("POST /api/v1/users/{id}", otherMethod.name());
        assertEquals(2, normalizer.size());
    }

    @Test
    void shouldCountNewRoutesAsOtherWhenTheCapIsReached() {
        // Given
        RouteNormalizer normalizer = new RouteNormalizer(2);
        Route a = normalizer.route("GET", "/a", 0);
        normalizer.route("GET", "/b", 0);

        // When
        Route c = normalizer.route("GET", "/c", 0);
        Route d = normalizer.route("GET", "/d", 0);
        Route post = normalizer.route("POST", "/e", 0);

        // Then
        assertEquals("GET /{other}", c.name());
        assertSame(c, d);
        assertEquals("POST /{other}", post.name());
        assertSame(a, normalizer.route("GET", "/a", 1), "known routes keep their own name");
    }

    @Test
    void shouldGroupMethodsAsOtherWhenMethodIsNotStandard() {
        // Given
        RouteNormalizer normalizer = new RouteNormalizer(100);

        // When
        Route propfind = normalizer.route("PROPFIND", "/dav/42", 0);
        Route brew = normalizer.route("BREW", "/dav/7", 0);

        // Then
        assertEquals("OTHER /dav/{id}", propfind.name());
        assertSame(propfind, brew);
        assertEquals(1, normalizer.size());
    }

    @Test
    void shouldFreeRoomForNewRoutesWhenIdleRoutesAreEvicted() {
        // Given
        RouteNormalizer normalizer = new RouteNormalizer(2);
        normalizer.route("GET", "/idle", 0);
        Route busy = normalizer.route("GET", "/busy", 5);

        // When
        int evicted = normalizer.evictIdle(3);
        Route fresh = normalizer.route("GET", "/fresh", 6);

        // Then
        assertEquals(1, evicted);
        assertEquals("GET /fresh", fresh.name());
        assertSame(busy, normalizer.route("GET", "/busy", 6));
        assertEquals(2, normalizer.size());
    }
}
