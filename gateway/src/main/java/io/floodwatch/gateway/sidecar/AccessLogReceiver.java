package io.floodwatch.gateway.sidecar;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives gateway access logs over syslog UDP (nginx {@code access_log syslog:server=...}), one JSON line per
 * datagram, and hands each to an {@link AccessLogIngest}. Keeps going whatever arrives.
 */
public final class AccessLogReceiver implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AccessLogReceiver.class);
    private static final int MAX_DATAGRAM = 65_535;

    private final DatagramSocket socket;
    private final AccessLogIngest ingest;
    private final Thread thread;
    private volatile boolean running = true;

    private AccessLogReceiver(DatagramSocket socket, AccessLogIngest ingest) {
        this.socket = socket;
        this.ingest = ingest;
        this.thread = new Thread(this::receive, "floodwatch-access-log-receiver");
        this.thread.setDaemon(true);
    }

    /** Starts listening on a UDP address. */
    public static AccessLogReceiver start(InetSocketAddress address, AccessLogIngest ingest) throws SocketException {
        DatagramSocket socket = new DatagramSocket(address);
        socket.setReceiveBufferSize(4 * 1024 * 1024);
        AccessLogReceiver receiver = new AccessLogReceiver(socket, ingest);
        receiver.thread.start();
        return receiver;
    }

    /** The address listened on. */
    public InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
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
            try {
                ingest.accept(packet.getData(), packet.getOffset(), packet.getLength());
            } catch (RuntimeException e) {
                LOG.warn("Access log line not handled: {}", e.toString());
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        socket.close();
        thread.join(5_000);
    }
}
