package dev.mlbatch.expression.function;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 CIDR block. Addresses are parsed only as literals: host names are rejected before
 * {@link InetAddress} could try to resolve them.
 */
final class CidrBlock {
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

    private final byte[] network;
    private final int prefixLength;

    private CidrBlock(final byte[] network, final int prefixLength) {
        this.network = network;
        this.prefixLength = prefixLength;
    }

    /** Parses "address/prefix" (a bare address is a single-host block). */
    static Optional<CidrBlock> parse(final String cidr) {
        final int slash = cidr.indexOf('/');
        final String addressPart = slash < 0 ? cidr : cidr.substring(0, slash);
        final Optional<byte[]> address = parseAddress(addressPart);
        if (address.isEmpty()) {
            return Optional.empty();
        }
        final int maxPrefix = address.get().length * 8;
        int prefix = maxPrefix;
        if (slash >= 0) {
            final String prefixPart = cidr.substring(slash + 1);
            if (!prefixPart.matches("\\d{1,3}")) {
                return Optional.empty();
            }
            prefix = Integer.parseInt(prefixPart);
            if (prefix > maxPrefix) {
                return Optional.empty();
            }
        }
        return Optional.of(new CidrBlock(address.get(), prefix));
    }

    /** The bytes of an IPv4 or IPv6 literal; empty for anything else (including host names). */
    static Optional<byte[]> parseAddress(final String text) {
        final String trimmed = text.trim();
        if (!IPV4.matcher(trimmed).matches() && trimmed.indexOf(':') < 0) {
            return Optional.empty();
        }
        try {
            // A string with ':' is parsed as an IPv6 literal and never looked up; IPv4 was checked above.
            return Optional.of(InetAddress.getByName(trimmed).getAddress());
        } catch (final UnknownHostException | SecurityException e) {
            return Optional.empty();
        }
    }

    boolean contains(final byte[] address) {
        if (address.length != network.length) {
            return false;
        }
        final int fullBytes = prefixLength / 8;
        for (int i = 0; i < fullBytes; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        final int remainingBits = prefixLength % 8;
        if (remainingBits == 0) {
            return true;
        }
        final int mask = (0xFF << (8 - remainingBits)) & 0xFF;
        return (address[fullBytes] & mask) == (network[fullBytes] & mask);
    }
}
