package io.floodwatch.detector.rates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class RouteNormalizerTest {

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
