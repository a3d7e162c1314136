package io.floodwatch.detector.ingest;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.floodwatch.schema.RequestEvent;
import io.floodwatch.schema.serde.InvalidEventException;

class RequestValidatorTest {

    private static final long T0 = 1_737_936_000_000L;
    private static final long MAX_FUTURE_MS = 60_000L;
    private static final long MAX_PAST_MS = 3_600_000L;

    private final RequestValidator validator = new RequestValidator(MAX_FUTURE_MS, MAX_PAST_MS);

    @Test
    void shouldAcceptEventWhenEveryFieldIsValid() {
        // Given
        RequestEvent ipv4 = valid().build();
        RequestEvent ipv6WithoutOptionals = valid().setSourceIp("2001:db8::7").setRegion(null).setLatencyMs(null)
            .setMethod("OPTIONS").setPath("/").setStatus(599).build();
        RequestEvent lowerCaseRegion = valid().setRegion("cn").setStatus(100).setLatencyMs(0).build();

        // When / Then
        assertDoesNotThrow(() -> validator.validate(ipv4, T0, T0));
        assertDoesNotThrow(() -> validator.validate(ipv6WithoutOptionals, T0, T0));
        assertDoesNotThrow(() -> validator.validate(lowerCaseRegion, -1, T0));
    }

    static Stream<Arguments> invalidFields() {
        return Stream.of(
            invalid("hostname source", e -> e.setSourceIp("localhost"), "sourceIp"),
            invalid("non-canonical IPv4 source", e -> e.setSourceIp("010.0.0.1"), "sourceIp"),
            invalid("lower-case method", e -> e.setMethod("get"), "method"),
            invalid("empty method", e -> e.setMethod(""), "method"),
            invalid("path without leading slash", e -> e.setPath("api/v1/users"), "path"),
            invalid("empty path", e -> e.setPath(""), "path"),
            invalid("path longer than 2048", e -> e.setPath("/" + "a".repeat(2048)), "path"),
            invalid("status 99", e -> e.setStatus(99), "status"),
            invalid("status 600", e -> e.setStatus(600), "status"),
            invalid("negative latency", e -> e.setLatencyMs(-1), "latencyMs"),
            invalid("three-letter region", e -> e.setRegion("USA"), "region"),
            invalid("numeric region", e -> e.setRegion("12"), "region"));
    }

    @ParameterizedTest
    @MethodSource("invalidFields")
    void shouldRejectNamingTheFieldWhenAFieldValueIsInvalid(RequestEvent event, String field) {
        // Given an otherwise valid event with one bad field

        // When
        InvalidEventException rejection = assertThrows(InvalidEventException.class,
            () -> validator.validate(event, T0, T0));

        // Then
        assertTrue(rejection.getMessage().startsWith("field '" + field + "'"), rejection.getMessage());
    }

    @Test
    void shouldRejectTimestampWhenItIsBefore2000() {
        // Given
        RequestEvent seconds = valid().setTimestamp(T0 / 1000).build();
        RequestEvent justBefore = valid().setTimestamp(RequestValidator.EARLIEST_TIMESTAMP - 1).build();

        // When
        InvalidEventException rejection = assertThrows(InvalidEventException.class,
            () -> validator.validate(seconds, -1, T0));

        // Then
        assertTrue(rejection.getMessage().contains("before 2000-01-01"), rejection.getMessage());
        assertThrows(InvalidEventException.class, () -> validator.validate(justBefore, -1, T0));
    }

    @Test
    void shouldRejectTimestampWhenItIsAheadOfTheWallClockByMoreThanTheSkew() {
        // Given
        RequestEvent tooFarAhead = valid().setTimestamp(T0 + MAX_FUTURE_MS + 1).build();
        RequestEvent atTheLimit = valid().setTimestamp(T0 + MAX_FUTURE_MS).build();

        // When
        InvalidEventException rejection = assertThrows(InvalidEventException.class,
            () -> validator.validate(tooFarAhead, T0, T0));

        // Then
        assertTrue(rejection.getMessage().contains("ahead of the current time"), rejection.getMessage());
        assertDoesNotThrow(() -> validator.validate(atTheLimit, T0, T0));
    }

    @Test
    void shouldAcceptTimestampWhenItJumpsAheadOfStreamTimeButNotOfTheWallClock() {
        // Given a quiet hour: stream time is far behind the wall clock
        long streamTime = T0 - 2 * MAX_PAST_MS;
        RequestEvent current = valid().setTimestamp(T0).build();

        // When / Then
        assertDoesNotThrow(() -> validator.validate(current, streamTime, T0));
    }

    @Test
    void shouldRejectTimestampWhenItIsBehindStreamTimeByMoreThanMaxPast() {
        // Given
        long streamTime = T0;
        RequestEvent tooLate = valid().setTimestamp(streamTime - MAX_PAST_MS - 1).build();
        RequestEvent atTheLimit = valid().setTimestamp(streamTime - MAX_PAST_MS).build();

        // When
        InvalidEventException rejection = assertThrows(InvalidEventException.class,
            () -> validator.validate(tooLate, streamTime, T0));

        // Then
        assertTrue(rejection.getMessage().contains("behind stream time"), rejection.getMessage());
        assertDoesNotThrow(() -> validator.validate(atTheLimit, streamTime, T0));
        assertDoesNotThrow(() -> validator.validate(tooLate, -1, T0), "no stream time yet: nothing is late");
    }

    private static RequestEvent.Builder valid() {
        return RequestEvent.newBuilder()
            .setTimestamp(T0)
            .setSourceIp("203.0.113.7")
            .setMethod("GET")
            .setPath("/api/v1/users/42")
            .setStatus(200)
            .setLatencyMs(25)
            .setRegion("US");
    }

    private static Arguments invalid(String description, Consumer<RequestEvent.Builder> change, String field) {
        RequestEvent.Builder event = valid();
        change.accept(event);
        return Arguments.of(Named.of(description, event.build()), field);
    }
}
