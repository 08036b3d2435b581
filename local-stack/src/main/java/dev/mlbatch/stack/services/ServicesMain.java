package dev.mlbatch.stack.services;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlbatch.stack.LocalCredentials;
import dev.mlbatch.stack.StackHome;
import dev.mlbatch.stack.StackLauncher;
import dev.mlbatch.stack.model.MiniLmModel;
import dev.mlbatch.stack.model.ModelService;
import dev.mlbatch.stack.model.ModelServiceConfig;
import dev.mlbatch.stack.s3.S3Server;
import dev.mlbatch.stack.s3.S3Store;
import dev.mlbatch.stack.sigv4.SigV4Gateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The background JVM that {@code stack up} spawns: the local S3, the model service and the SigV4
 * gateway, until it is sent SIGTERM. Writes its pid file, then a ready file with its ports.
 *
 * <p>Usage: {@code ServicesMain --home DIR --s3-port N --model-port N --gateway-port N --opensearch-url URL}
 */
public final class ServicesMain {

    private static final Logger LOG = LoggerFactory.getLogger(ServicesMain.class);
    public static final String DEFAULT_BUCKET = "mlbatch";

    private ServicesMain() {
    }

    public static void main(String[] args) {
        try {
            run(args);
        } catch (Exception | Error e) {
            // Exit, not just end main: s3proxy's threads would keep a half-started JVM alive, holding its ports.
            LOG.error("the services JVM could not start", e);
            System.exit(1);
        }
    }

    private static void run(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i], args[i + 1]);
        }
        StackHome home = new StackHome(Path.of(opts.get("--home"))).ensureDirs();
        Files.writeString(home.servicesPidFile(), Long.toString(ProcessHandle.current().pid()), StandardCharsets.US_ASCII);
        S3Server s3 = S3Server.start(home.s3Dir(), Integer.parseInt(opts.get("--s3-port")),
                LocalCredentials.ACCESS_KEY_ID, LocalCredentials.SECRET_ACCESS_KEY);
        try (S3Store store = new S3Store(s3.endpoint(), LocalCredentials.ACCESS_KEY_ID, LocalCredentials.SECRET_ACCESS_KEY,
                LocalCredentials.REGION)) {
            store.ensureBucket(DEFAULT_BUCKET);
        }
        ModelServiceConfig config = Files.isRegularFile(home.modelServiceConfig())
                ? new ObjectMapper().readValue(home.modelServiceConfig().toFile(), ModelServiceConfig.class)
                : ModelServiceConfig.defaults();
        long t0 = System.nanoTime();
        MiniLmModel model = new MiniLmModel();
        LOG.info("all-MiniLM-L6-v2 loaded in {} ms", (System.nanoTime() - t0) / 1_000_000);
        ModelService modelService = new ModelService(Integer.parseInt(opts.get("--model-port")), s3.endpoint(), model, config,
                home.root().resolve("model-service-files"));
        SigV4Gateway gateway = new SigV4Gateway(Integer.parseInt(opts.get("--gateway-port")), opts.get("--opensearch-url"));

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping services");
            gateway.close();
            modelService.close();
            try {
                s3.close();
            } catch (Exception e) {
                LOG.warn("s3proxy did not stop cleanly: {}", e.toString());
            }
            try {
                Files.deleteIfExists(home.servicesReadyFile());
                Files.deleteIfExists(home.servicesPidFile());
            } catch (java.io.IOException ignored) {
                // best effort: the launcher checks liveness by pid anyway
            }
            stopped.countDown();
        }, "services-shutdown"));

        Path tmp = home.servicesReadyFile().resolveSibling("services.ready.tmp");
        Files.writeString(tmp, "s3.port=" + s3.port() + "\n" + StackLauncher.S3_VIRTUAL_HOSTED_PORT + "=" + s3.virtualHostedPort()
                + "\nmodel.port=" + modelService.port() + "\ngateway.port="
                + gateway.port() + "\n", StandardCharsets.US_ASCII);
        Files.move(tmp, home.servicesReadyFile(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        LOG.info("services ready: s3 {}, model service {}, gateway {}", s3.endpoint(), modelService.url(), gateway.url());
        stopped.await();
    }
}
