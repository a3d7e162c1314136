package io.floodwatch.detector.ingest;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;

import io.floodwatch.schema.serde.InvalidEventException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Builds dead-letter records (original key and value bytes; headers with the reason and the source
 * topic/partition/offset), counts them, and logs them without letting bad input flood the log.
 *
 * <p>Headers use Kafka Streams' names ({@code __streams.errors.*}, as its own handlers write them) plus
 * {@value #REASON_HEADER}, a one-line reason. Stack traces are attached only for unexpected exceptions, not
 * for bad input.
 */
public final class DeadLetters {

    /** Header with the one-line reason. */
    public static final String REASON_HEADER = "floodwatch.dlq.reason";
    /** Kafka Streams' header names, reused so existing DLQ tooling reads ours. */
    public static final String EXCEPTION_HEADER = "__streams.errors.exception";
    public static final String MESSAGE_HEADER = "__streams.errors.message";
    public static final String STACKTRACE_HEADER = "__streams.errors.stacktrace";
    public static final String TOPIC_HEADER = "__streams.errors.topic";
    public static final String PARTITION_HEADER = "__streams.errors.partition";
    public static final String OFFSET_HEADER = "__streams.errors.offset";

    /** Configuration key under which a Micrometer {@link MeterRegistry} instance may be passed to the handlers. */
    public static final String METER_REGISTRY_CONFIG = "floodwatch.meter.registry";

    private static final long WARN_INTERVAL_MS = 10_000;
    private static final int MAX_STACKTRACE = 8192;
    private static final int MAX_REASON = 512;

    private final String topic;
    private final Logger log;
    private final Counter invalid;
    private final Counter failed;
    private final AtomicLong lastWarn = new AtomicLong();
    private final AtomicLong suppressed = new AtomicLong();

    private DeadLetters(String topic, MeterRegistry registry, String stage, Logger log) {
        this.topic = topic;
        this.log = log;
        this.invalid = Counter.builder("floodwatch.dead.letters").tag("stage", stage).tag("cause", "invalid-input")
            .description("Records sent to the dead-letter topic").register(registry);
        this.failed = Counter.builder("floodwatch.dead.letters").tag("stage", stage).tag("cause", "processing-error")
            .description("Records sent to the dead-letter topic").register(registry);
    }

    /** Dead letters configured from the Streams configuration handed to an exception handler. */
    static DeadLetters fromConfigs(Map<String, ?> configs, String stage, Logger log) {
        Object topicName = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        if (topicName == null || topicName.toString().isBlank()) {
            throw new IllegalStateException(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG + " must be set");
        }
        Object registry = configs.get(METER_REGISTRY_CONFIG);
        MeterRegistry meters = registry instanceof MeterRegistry given ? given : new SimpleMeterRegistry();
        return new DeadLetters(topicName.toString(), meters, stage, log);
    }

    /**
     * The dead-letter record for a failed record, counting and logging it.
     *
     * @param undecodable whether the record failed to decode (always bad input, never a bug of ours)
     */
    ProducerRecord<byte[], byte[]> record(ErrorHandlerContext context, byte[] key, byte[] value, Headers original,
                                          Exception exception, boolean undecodable) {
        boolean badInput = undecodable || exception instanceof InvalidEventException
            || exception.getCause() instanceof InvalidEventException;
        String reason = reason(exception);
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null, context.timestamp() >= 0 ? context.timestamp() : null, key, value);
        if (original != null) {
            for (Header header : original) {
                record.headers().add(header);
            }
        }
        Headers headers = record.headers();
        headers.add(REASON_HEADER, utf8(reason));
        headers.add(EXCEPTION_HEADER, utf8(exception.getClass().getName()));
        headers.add(MESSAGE_HEADER, utf8(reason));
        headers.add(TOPIC_HEADER, utf8(context.topic()));
        headers.add(PARTITION_HEADER, utf8(String.valueOf(context.partition())));
        headers.add(OFFSET_HEADER, utf8(String.valueOf(context.offset())));
        if (badInput) {
            invalid.increment();
            log.debug("Dead-lettered {}-{}@{}: {}", context.topic(), context.partition(), context.offset(), reason);
        } else {
            failed.increment();
            headers.add(STACKTRACE_HEADER, utf8(stackTrace(exception)));
            warnRateLimited(context, exception);
        }
        return record;
    }

    /** One-line reason: the message of the innermost {@link InvalidEventException}, else of the exception. */
    static String reason(Throwable exception) {
        for (Throwable t = exception; t != null; t = t.getCause()) {
            if (t instanceof InvalidEventException) {
                return t.getMessage();
            }
        }
        String message = exception.getMessage();
        return InvalidEventException.excerpt(exception.getClass().getSimpleName() + ": " + (message == null ? "" : message),
            MAX_REASON);
    }

    private void warnRateLimited(ErrorHandlerContext context, Exception exception) {
        long now = System.currentTimeMillis();
        long last = lastWarn.get();
        if (now - last >= WARN_INTERVAL_MS && lastWarn.compareAndSet(last, now)) {
            log.warn("Processing failed for {}-{}@{} ({} similar failures suppressed since the last warning); record sent to {}",
                context.topic(), context.partition(), context.offset(), suppressed.getAndSet(0), topic, exception);
        } else {
            suppressed.incrementAndGet();
        }
    }

    private static String stackTrace(Throwable exception) {
        StringWriter text = new StringWriter();
        exception.printStackTrace(new PrintWriter(text));
        String trace = text.toString();
        return trace.length() > MAX_STACKTRACE ? trace.substring(0, MAX_STACKTRACE) : trace;
    }

    private static byte[] utf8(String text) {
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }
}
