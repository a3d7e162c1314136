package io.floodwatch.detector.mitigate;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

import io.floodwatch.schema.MitigationCommand;
import io.floodwatch.schema.sign.CommandSignatures;

/**
 * Puts the HMAC-SHA256 signature of each command, over its canonical fields and its topic key, in the record's
 * headers, so gateways and the sidecar can refuse commands that the detector did not write.
 */
public final class SignCommands implements FixedKeyProcessor<String, MitigationCommand, MitigationCommand> {

    private final CommandSignatures signatures;
    private FixedKeyProcessorContext<String, MitigationCommand> context;

    /** Signs with the first key of the ring. */
    public SignCommands(CommandSignatures signatures) {
        this.signatures = signatures;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, MitigationCommand> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, MitigationCommand> record) {
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        signatures.sign(record.key(), record.value(), headers);
        context.forward(record.withHeaders(headers));
    }
}
