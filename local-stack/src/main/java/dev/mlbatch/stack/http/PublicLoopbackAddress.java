package dev.mlbatch.stack.http;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A loopback alias that ML Commons does not take for a private address, for the OpenAI and Cohere stand-ins.
 *
 * <p>ML Commons refuses {@code http}-protocol connectors (OpenAI's, Cohere's) to loopback and private addresses
 * ("Remote inference host name has private ip address"); {@code plugins.ml_commons.connector.private_ip_enabled}
 * lifts that for {@code _batch_predict}, but 2.19's task refresh ignores it, so a job could be created and never
 * followed. 198.18.0.7 lies in 198.18.0.0/15, the range reserved for benchmarking networks (RFC 2544): never routed
 * on the internet, and not among the ranges ML Commons checks (seen on 2.19.1: a connector to it predicts). Added to
 * {@code lo} it is as local as 127.0.0.1. Adding it needs CAP_NET_ADMIN (root in CI); without it the stand-ins stay
 * on 127.0.0.1 and ML Commons cannot call them, which {@link #reason} says.
 */
public final class PublicLoopbackAddress {

    private static final Logger LOG = LoggerFactory.getLogger(PublicLoopbackAddress.class);
    public static final String ADDRESS = "198.18.0.7";

    private PublicLoopbackAddress() {
    }

    /** The address, bindable on this machine, adding it to {@code lo} first if needed; empty if it cannot be. */
    public static Optional<InetAddress> ensure() {
        final InetAddress address = address();
        if (bindable(address)) {
            return Optional.of(address);
        }
        final String added = run("ip", "addr", "add", ADDRESS + "/32", "dev", "lo");
        if (bindable(address)) {
            LOG.info("added {} to the loopback interface for the OpenAI and Cohere stand-ins", ADDRESS);
            return Optional.of(address);
        }
        LOG.warn("cannot add {} to the loopback interface ({}); ML Commons will refuse OpenAI and Cohere connectors to the "
                + "stand-ins at 127.0.0.1", ADDRESS, added);
        return Optional.empty();
    }

    /** Why OpenAI and Cohere batch jobs cannot run through ML Commons here, for error messages. */
    public static String reason() {
        return "the OpenAI and Cohere stand-ins need the loopback alias " + ADDRESS + " (ML Commons refuses http connectors to"
                + " 127.0.0.1), and it could not be added: run `ip addr add " + ADDRESS + "/32 dev lo` as root";
    }

    private static InetAddress address() {
        try {
            return InetAddress.getByName(ADDRESS);
        } catch (final UnknownHostException e) {
            throw new IllegalStateException("not an address: " + ADDRESS, e);
        }
    }

    private static boolean bindable(final InetAddress address) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(address, 0));
            return true;
        } catch (final IOException e) {
            return false;
        }
    }

    private static String run(final String... command) {
        try {
            final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            final String output = new String(process.getInputStream().readAllBytes()).trim();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return "timed out";
            }
            return process.exitValue() == 0 ? "ok" : "exit " + process.exitValue() + ": " + output;
        } catch (final IOException e) {
            return e.getMessage();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
