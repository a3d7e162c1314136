package io.floodwatch.gateway.sidecar;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.LongAdder;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.floodwatch.gateway.publish.RequestEventPublisher;
import io.floodwatch.schema.RequestEvent;
import io.floodwatch.schema.serde.InvalidEventException;
import io.floodwatch.schema.text.LogText;

/**
 * Receives gateway access logs over syslog UDP (nginx {@code access_log syslog:server=...}), one JSON line per
 * datagram, and publishes each as a request event. A line that does not parse is counted and skipped with a log
 * line (at most one every few seconds, bounded and stripped of control characters); the receiver keeps going.
 */
public final class AccessLogReceiver implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AccessLogReceiver.class);
    private static final int MAX_DATAGRAM = 65_535;
    private static final long WARNING_INTERVAL_MS = 5_000;

    private final DatagramSocket socket;
    private final RequestEventPublisher publisher;
    private final Thread thread;
    private final LongAdder received = new LongAdder();
    private final LongAdder malformed = new LongAdder();
    private volatile boolean running = true;
    private long lastWarning;

    private AccessLogReceiver(DatagramSocket socket, RequestEventPublisher publisher) {
        this.socket = socket;
        this.publisher = publisher;
        this.thread = new Thread(this::receive, "floodwatch-access-log-receiver");
        this.thread.setDaemon(true);
    }

    /** Starts listening on a UDP address. */
    public static AccessLogReceiver start(InetSocketAddress address, RequestEventPublisher publisher) throws SocketException {
        DatagramSocket socket = new DatagramSocket(address);
        socket.setReceiveBufferSize(4 * 1024 * 1024);
        AccessLogReceiver receiver = new AccessLogReceiver(socket, publisher);
        receiver.thread.start();
        return receiver;
    }

    /** The address listened on. */
    public InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    /** Lines received. */
    public long received() {
        return received.sum();
    }

    /** Lines that held no valid request event. */
    public long malformed() {
        return malformed.sum();
    }

    private void receive() {
        byte[] buffer = new byte[MAX_DATAGRAM];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        while (running) {
            try {
                packet.setLength(buffer.length);
                socket.receive(packet);
            } catch (IOException e) {
                if (running) {
                    LOG.warn("Access log socket failed: {}", e.toString());
                }
                continue;
            }
            received.increment();
            RequestEvent event;
            try {
                event = AccessLogLines.parse(packet.getData(), packet.getOffset(), packet.getLength());
            } catch (InvalidEventException e) {
                malformed.increment();
                warn(e.getMessage(), new String(packet.getData(), packet.getOffset(), Math.min(packet.getLength(), 200),
                    StandardCharsets.UTF_8));
                continue;
            }
            publisher.publish(event);
        }
    }

    private void warn(String reason, String line) {
        long now = System.currentTimeMillis();
        if (now - lastWarning >= WARNING_INTERVAL_MS) {
            lastWarning = now;
            LOG.warn("Skipped access log line ({} malformed so far): {}: {}", malformed.sum(), reason, LogText.bounded(line));
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        socket.close();
        thread.join(5_000);
    }
}
