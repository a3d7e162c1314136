package io.floodwatch.schema.target;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RoutePathsTest {

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
        String normalized = RoutePaths.template(path);

        // Then
        assertEquals(template, normalized);
    }

    @Test
    void shouldKeepSegmentsWhenTheyArePlainWords() {
        // Given
        String chat = "/v1/chat/completions";
        String model = "/api/v2/models/gpt-4o";

        // When
        String chatTemplate = RoutePaths.template(chat);
        String modelTemplate = RoutePaths.template(model);

        // Then
        assertEquals("/v1/chat/completions", chatTemplate);
        assertEquals("/api/v2/models/gpt-4o", modelTemplate);
        assertEquals("/api/v1/auth/register", RoutePaths.template("/api/v1/auth/register"));
    }

    @Test
    void shouldIgnoreQueryFragmentAndEmptySegmentsWhenPathHasThem() {
        // Given
        String withQuery = "/search?q=a/b/c&page=2";
        String withFragment = "/docs/intro#section?x=1";
        String withEmptySegments = "//api///v1/users/";

        // When
        String queryTemplate = RoutePaths.template(withQuery);
        String fragmentTemplate = RoutePaths.template(withFragment);
        String emptySegmentsTemplate = RoutePaths.template(withEmptySegments);

        // Then
        assertEquals("/search", queryTemplate);
        assertEquals("/docs/intro", fragmentTemplate);
        assertEquals("/api/v1/users", emptySegmentsTemplate);
        assertEquals("/", RoutePaths.template("/"));
        assertEquals("/", RoutePaths.template("/?debug=1"));
        assertEquals("/", RoutePaths.template("///"));
    }

    @Test
    void shouldCutThePathWhenItHasMoreThanEightSegments() {
        // Given
        String eight = "/a/b/c/d/e/f/g/h";
        String ten = "/a/b/c/d/e/f/g/h/i/j";

        // When
        String eightTemplate = RoutePaths.template(eight);
        String tenTemplate = RoutePaths.template(ten);

        // Then
        assertEquals(eight, eightTemplate);
        assertEquals("/a/b/c/d/e/f/g/h/{more}", tenTemplate);
    }

    @Test
    void shouldGroupMethodsAsOtherWhenTheMethodIsNotStandard() {
        // Given
        String propfind = "PROPFIND";

        // When
        String route = RoutePaths.route(propfind, "/dav/42");

        // Then
        assertEquals("OTHER /dav/{id}", route);
        assertEquals("POST /api/v1/auth/register", RoutePaths.route("POST", "/api/v1/auth/register?x=1"));
    }

    @ParameterizedTest
    @CsvSource({
        "/api/v1/auth/./register,              /api/v1/auth/register",
        "/api/v1/auth/regist%65r,              /api/v1/auth/register",
        "/api/v1/x/../auth/%72egister?a=b,     /api/v1/auth/register",
        "/../../api/v1/auth//register,         /api/v1/auth/register",
        "./api/v1/auth/register,               /api/v1/auth/register",
        "/api/v1/auth/re%2Fgister,             /api/v1/auth/{id}"
    })
    void shouldNameTheRouteTheServerResolvesWhenAClientSpellsThePathAnotherWay(String spelled, String template) {
        // Given a path spelled to dodge an endpoint command

        // When
        String route = RoutePaths.template(spelled);

        // Then
        assertEquals(template, route);
    }
}
