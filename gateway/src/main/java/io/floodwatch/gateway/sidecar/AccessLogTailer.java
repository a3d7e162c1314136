package io.floodwatch.gateway.sidecar;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows a gateway's access-log file like {@code tail -F} (Envoy's file access log, or nginx writing to a file):
 * starts at the end, hands each complete new line to an {@link AccessLogIngest}, and once the file is rotated
 * (replaced by a new file) or truncated, reads what is left of the old one, then the new one from its beginning. A
 * line longer than the buffer is skipped.
 */
public final class AccessLogTailer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AccessLogTailer.class);
    private static final int BUFFER = 64 * 1024;
    private static final long POLL_MS = 100;

    private final Path file;
    private final AccessLogIngest ingest;
    private final Thread thread;
    private final CountDownLatch following = new CountDownLatch(1);
    private boolean skippingLongLine;
    private volatile boolean running = true;

    private AccessLogTailer(Path file, AccessLogIngest ingest) {
        this.file = file;
        this.ingest = ingest;
        this.thread = new Thread(this::follow, "floodwatch-access-log-tailer");
        this.thread.setDaemon(true);
    }

    /** Starts following the file (which need not exist yet). */
    public static AccessLogTailer start(Path file, AccessLogIngest ingest) {
        AccessLogTailer tailer = new AccessLogTailer(file, ingest);
        tailer.thread.start();
        return tailer;
    }

    private void follow() {
        ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
        boolean fromEnd = true;
        while (running) {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                Object identity = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
                if (fromEnd) {
                    channel.position(channel.size());
                }
                fromEnd = false;
                following.countDown();
                buffer.clear();
                while (running) {
                    if (channel.read(buffer) > 0) {
                        drainLines(buffer);
                    } else if (replaced(identity, channel)) {
                        break;
                    } else {
                        Thread.sleep(POLL_MS);
                    }
                }
            } catch (NoSuchFileException e) {
                fromEnd = false;
                following.countDown();
                sleep();
            } catch (IOException e) {
                if (!running) {
                    return;
                }
                LOG.warn("Cannot read access log {}: {}; retrying", file, e.toString());
                sleep();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Waits until the file is open (or known to be missing), so that every line written from now on is read. */
    public boolean awaitFollowing(Duration timeout) throws InterruptedException {
        return following.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Whether the path now names another file, or the file shrank under the read position. */
    private boolean replaced(Object identity, FileChannel channel) throws IOException {
        try {
            BasicFileAttributes now = Files.readAttributes(file, BasicFileAttributes.class);
            return !Objects.equals(identity, now.fileKey()) || now.size() < channel.position();
        } catch (NoSuchFileException e) {
            return true;
        }
    }

    /**
     * Hands every complete line in the buffer over and keeps the incomplete rest; a line longer than the buffer is
     * skipped whole, up to its newline.
     */
    private void drainLines(ByteBuffer buffer) {
        byte[] data = buffer.array();
        int start = 0;
        for (int i = 0; i < buffer.position(); i++) {
            if (data[i] == '\n') {
                if (skippingLongLine) {
                    skippingLongLine = false;
                } else if (i > start) {
                    handOver(data, start, i - start);
                }
                start = i + 1;
            }
        }
        if (start == 0 && !buffer.hasRemaining()) {
            if (!skippingLongLine) {
                LOG.warn("Skipped an access log line of more than {} bytes in {}", BUFFER, file);
            }
            skippingLongLine = true;
            buffer.clear();
            return;
        }
        buffer.limit(buffer.position()).position(start);
        buffer.compact();
    }

    private void handOver(byte[] data, int offset, int length) {
        try {
            ingest.accept(data, offset, length);
        } catch (RuntimeException e) {
            LOG.warn("Access log line not handled: {}", e.toString());
        }
    }

    private void sleep() {
        try {
            Thread.sleep(POLL_MS * 10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(5_000);
    }
}
