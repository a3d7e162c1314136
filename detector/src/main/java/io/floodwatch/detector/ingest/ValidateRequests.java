package io.floodwatch.detector.ingest;

import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

import io.floodwatch.schema.RequestEvent;

/**
 * Passes valid events on and throws for invalid ones, which the processing exception handler
 * ({@link DeadLetterProcessingHandler}) writes to the dead-letter topic with the reason. Stateless.
 *
 * @param <K> key type
 */
public final class ValidateRequests<K> implements FixedKeyProcessor<K, RequestEvent, RequestEvent> {

    private final RequestValidator validator;
    private FixedKeyProcessorContext<K, RequestEvent> context;

    /** @param validator the validation rules */
    public ValidateRequests(RequestValidator validator) {
        this.validator = validator;
    }

    @Override
    public void init(FixedKeyProcessorContext<K, RequestEvent> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<K, RequestEvent> record) {
        validator.validate(record.value(), context.currentStreamTimeMs(), context.currentSystemTimeMs());
        context.forward(record);
    }
}
