package io.floodwatch.detector.ingest;

import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records that cannot be decoded (bad Avro, unparseable JSON, missing required fields) go to the dead-letter
 * topic named by {@code errors.dead.letter.queue.topic.name} with the reason, and processing continues.
 */
public final class DeadLetterDeserializationHandler implements DeserializationExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterDeserializationHandler.class);

    private DeadLetters deadLetters;

    @Override
    public void configure(Map<String, ?> configs) {
        deadLetters = DeadLetters.fromConfigs(configs, "decode", LOG);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        return Response.resume(List.of(deadLetters.record(context, record.key(), record.value(), record.headers(), exception, true)));
    }
}
