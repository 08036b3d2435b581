package dev.mlbatch.plugins.sink.opensearch;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;

/** Which servers the sink trusts over TLS: the JVM's CAs, the PEM file in {@code cert}, or anyone ({@code insecure}). */
public final class TlsTrust {
    private TlsTrust() {
    }

    /** Trust managers for {@code cert}, a trust-all manager for {@code insecure}, or null for the JVM defaults. */
    public static TrustManager[] trustManagers(final OpenSearchSinkConfig config) {
        if (config.isInsecure()) {
            return new TrustManager[]{new TrustAllManager()};
        }
        if (config.getCert() == null) {
            return null;
        }
        final Path path = Path.of(config.getCert());
        try (InputStream in = Files.newInputStream(path)) {
            final Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException("cert '" + path + "' holds no PEM certificate");
            }
            final KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (final Certificate certificate : certificates) {
                store.setCertificateEntry("cert-" + i++, certificate);
            }
            final TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return factory.getTrustManagers();
        } catch (final IOException e) {
            throw new IllegalArgumentException("cert '" + path + "' cannot be read: " + e.getMessage(), e);
        } catch (final GeneralSecurityException e) {
            throw new IllegalArgumentException("cert '" + path + "' is not a PEM X.509 certificate: " + e.getMessage(), e);
        }
    }

    /** An SSLContext for the trust managers above (the JVM default when neither option is set). */
    public static SSLContext sslContext(final OpenSearchSinkConfig config) {
        try {
            final TrustManager[] managers = trustManagers(config);
            if (managers == null) {
                return SSLContext.getDefault();
            }
            final SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, managers, null);
            return context;
        } catch (final GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /** Accepts every certificate: only for {@code insecure: true} (test clusters with self-signed certificates). */
    private static final class TrustAllManager implements X509TrustManager {
        @Override
        public void checkClientTrusted(final X509Certificate[] chain, final String authType) {
        }

        @Override
        public void checkServerTrusted(final X509Certificate[] chain, final String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
