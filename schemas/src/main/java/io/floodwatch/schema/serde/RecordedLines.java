package io.floodwatch.schema.serde;

import java.nio.charset.StandardCharsets;

import io.floodwatch.schema.RequestEvent;

/**
 * One line of recorded traffic, in either format a file may hold: a JSON line (the contract's format) or an
 * Apache/nginx combined (or common) access-log line, told apart by the line's first characters.
 */
public final class RecordedLines {

    private RecordedLines() {
    }

    /**
     * Parses one line.
     *
     * @throws InvalidEventException naming what is wrong
     */
    public static RequestEvent parse(String line) {
        if (CombinedLogFormat.looksLike(line)) {
            return CombinedLogFormat.parse(line);
        }
        return RequestEventJson.parse(line.getBytes(StandardCharsets.UTF_8));
    }
}
