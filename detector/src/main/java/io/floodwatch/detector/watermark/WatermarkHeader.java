package io.floodwatch.detector.watermark;

import java.nio.ByteBuffer;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The watermark a windowed update was made at, carried in a record header from the windowed aggregate to the
 * detector of the same task (and on to {@code endpoint-rates}, where it tells a reader how complete the window is).
 */
public final class WatermarkHeader {

    /** Header name; the value is the watermark as 8 big-endian bytes. */
    public static final String NAME = "floodwatch.watermark";

    private WatermarkHeader() {
    }

    /** Headers that carry only the watermark. */
    public static Headers of(long watermark) {
        return new RecordHeaders().add(NAME, ByteBuffer.allocate(Long.BYTES).putLong(watermark).array());
    }

    /** The watermark in these headers, or {@link Long#MIN_VALUE} if there is none. */
    public static long read(Headers headers) {
        Header header = headers == null ? null : headers.lastHeader(NAME);
        if (header == null || header.value() == null || header.value().length != Long.BYTES) {
            return Long.MIN_VALUE;
        }
        return ByteBuffer.wrap(header.value()).getLong();
    }
}
