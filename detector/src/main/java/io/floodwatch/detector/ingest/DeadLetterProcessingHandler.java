package io.floodwatch.detector.ingest;

import java.util.List;
import java.util.Map;

import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records rejected by validation, or whose processing failed, go to the dead-letter topic with their original
 * bytes and the reason, and processing continues: the detector never stops on input.
 */
public final class DeadLetterProcessingHandler implements ProcessingExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterProcessingHandler.class);

    private DeadLetters deadLetters;

    @Override
    public void configure(Map<String, ?> configs) {
        deadLetters = DeadLetters.fromConfigs(configs, "process", LOG);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        return Response.resume(List.of(deadLetters.record(context, context.sourceRawKey(), context.sourceRawValue(),
            context.headers(), exception, false)));
    }
}
