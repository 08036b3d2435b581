package dev.mlbatch.stack;

import dev.mlbatch.stack.ml.OpenSearchHttp;
import dev.mlbatch.stack.ml.UnfinishedBatchTasks;
import dev.mlbatch.stack.opensearch.MavenFetcher;
import dev.mlbatch.stack.opensearch.OpenSearchAssembler;
import dev.mlbatch.stack.opensearch.OpenSearchNode;
import dev.mlbatch.stack.services.ServicesMain;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;

/**
 * Brings the stack up and down: the OpenSearch daemon and one background JVM for S3, the model
 * service and the gateway. Both outlive the command; their pids are in {@code .mlbatch/}. A file
 * lock serialises concurrent ups/downs (several test JVMs may race to start the stack).
 */
public final class StackLauncher {

    private static final Logger LOG = LoggerFactory.getLogger(StackLauncher.class);

    public static final int OPENSEARCH_PORT = 19200;
    public static final int TRANSPORT_PORT = 19300;
    public static final int S3_PORT = 19000;
    public static final int MODEL_SERVICE_PORT = 19100;
    public static final int GATEWAY_PORT = 19201;
    /**
     * The JVM option that gives JVMs on the services class path their logging: local-stack's config is not called
     * logback.xml, so that a shared class path (the distribution) holds only pipeline-runtime's.
     */
    public static final String SERVICES_LOGBACK_OPTION = "-Dlogback.configurationFile=logback-services.xml";

    private final StackHome home;
    private final OpenSearchNode node;

    public StackLauncher(StackHome home) {
        this.home = home.ensureDirs();
        this.node = new OpenSearchNode(home, System.getenv().getOrDefault("MLBATCH_OPENSEARCH_HEAP", "1g"));
    }

    public StackHome home() {
        return home;
    }

    /** Starts whatever is not running and returns the env; a healthy stack is left as it is. */
    public StackEnv up(PrintStream out) throws IOException, InterruptedException {
        try (FileChannel channel = FileChannel.open(home.lockFile(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = channel.lock()) {
            var existing = StackEnv.read(home.envFile());
            if (existing.isPresent() && isHealthy(existing.get())) {
                out.println("stack is already up");
                return existing.get();
            }
            long t0 = System.nanoTime();
            new OpenSearchAssembler(home, new MavenFetcher()).ensureAssembled();
            StackEnv previous = existing.orElse(null);
            String openSearchUrl;
            if (node.isRunning() && previous != null && OpenSearchNode.isHealthy(previous.get(StackEnv.OPENSEARCH_URL))) {
                openSearchUrl = previous.get(StackEnv.OPENSEARCH_URL);
            } else {
                node.stop();
                int httpPort = port(previousPort(previous, StackEnv.OPENSEARCH_URL, OPENSEARCH_PORT));
                node.start(httpPort, port(TRANSPORT_PORT));
                openSearchUrl = "http://127.0.0.1:" + httpPort;
            }
            stopServices();
            Properties ports = startServices(openSearchUrl, previous);
            // The new model service knows none of the jobs ML Commons may still count as running.
            new UnfinishedBatchTasks(new OpenSearchHttp(openSearchUrl))
                    .failAll("the local model service (re)started and keeps jobs in memory only: this task's job is gone");
            StackEnv env = env(openSearchUrl, ports, previous);
            env.write(home.envFile());
            out.printf("stack up in %.1f s%n", (System.nanoTime() - t0) / 1e9);
            print(env, out);
            return env;
        }
    }

    public void down(PrintStream out) throws IOException {
        try (FileChannel channel = FileChannel.open(home.lockFile(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = channel.lock()) {
            stopServices();
            node.stop();
            Files.deleteIfExists(home.envFile());
            out.println("stack down");
        }
    }

    /** Prints what is up; returns true when everything is. */
    public boolean status(PrintStream out) {
        var env = StackEnv.read(home.envFile());
        OptionalLong osPid = node.pid();
        OptionalLong svcPid = ProcessControl.readPid(home.servicesPidFile());
        boolean osUp = env.isPresent() && OpenSearchNode.isHealthy(env.get().get(StackEnv.OPENSEARCH_URL));
        boolean modelUp = env.isPresent() && httpOk(env.get().get(StackEnv.MODEL_SERVICE_URL) + "/_mlbatch/health");
        boolean s3Up = env.isPresent() && reachable(env.get().get(StackEnv.S3_ENDPOINT));
        boolean gatewayUp = env.isPresent() && reachable(env.get().get(StackEnv.GATEWAY_URL));
        out.printf("%-14s %-5s %s%s%n", "opensearch", osUp ? "up" : "down", env.map(e -> e.get(StackEnv.OPENSEARCH_URL)).orElse("-"),
                osPid.isPresent() ? " (pid " + osPid.getAsLong() + ")" : "");
        out.printf("%-14s %-5s %s%s%n", "s3", s3Up ? "up" : "down", env.map(e -> e.get(StackEnv.S3_ENDPOINT)).orElse("-"),
                svcPid.isPresent() ? " (pid " + svcPid.getAsLong() + ")" : "");
        out.printf("%-14s %-5s %s%n", "model-service", modelUp ? "up" : "down", env.map(e -> e.get(StackEnv.MODEL_SERVICE_URL)).orElse("-"));
        out.printf("%-14s %-5s %s%n", "gateway", gatewayUp ? "up" : "down", env.map(e -> e.get(StackEnv.GATEWAY_URL)).orElse("-"));
        env.ifPresent(e -> out.println("env file: " + home.envFile()));
        return osUp && modelUp && s3Up && gatewayUp;
    }

    public static boolean isHealthy(StackEnv env) {
        return OpenSearchNode.isHealthy(env.get(StackEnv.OPENSEARCH_URL))
                && httpOk(env.get(StackEnv.MODEL_SERVICE_URL) + "/_mlbatch/health")
                && reachable(env.get(StackEnv.S3_ENDPOINT))
                && reachable(env.get(StackEnv.GATEWAY_URL));
    }

    /** Every pid the stack runs as (OpenSearch, the services JVM), for checks that nothing is left. */
    public List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        node.pid().ifPresent(pids::add);
        ProcessControl.readPid(home.servicesPidFile()).ifPresent(pids::add);
        return pids;
    }

    /** Pids of processes still alive that run this stack's OpenSearch or services main (by command line). */
    public List<Long> livePids() {
        List<Long> pids = new ArrayList<>();
        String nodeDir = home.openSearchDir().toString();
        ProcessHandle.allProcesses().forEach(h -> {
            String cmd = ProcessControl.commandLine(h.pid());
            if ((cmd.contains(nodeDir) && cmd.contains("org.opensearch.bootstrap.OpenSearch"))
                    || (cmd.contains(ServicesMain.class.getName()) && cmd.contains(home.root().toString()))) {
                pids.add(h.pid());
            }
        });
        return pids;
    }

    private Properties startServices(String openSearchUrl, StackEnv previous) throws IOException, InterruptedException {
        Files.deleteIfExists(home.servicesReadyFile());
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            command.add("/usr/bin/setsid"); // its own session: a closing terminal must not take it down
        }
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + System.getenv().getOrDefault("MLBATCH_SERVICES_HEAP", "2g"),
                "-DDJL_CACHE_DIR=" + home.root().resolve("djl-cache"),
                SERVICES_LOGBACK_OPTION,
                "-cp", JvmClasspath.forServices(), ServicesMain.class.getName(),
                "--home", home.root().toString(),
                "--s3-port", Integer.toString(port(previousPort(previous, StackEnv.S3_ENDPOINT, S3_PORT))),
                "--model-port", Integer.toString(port(previousPort(previous, StackEnv.MODEL_SERVICE_URL, MODEL_SERVICE_PORT))),
                "--gateway-port", Integer.toString(port(previousPort(previous, StackEnv.GATEWAY_URL, GATEWAY_PORT))),
                "--opensearch-url", openSearchUrl));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(home.servicesLog().toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("DJL_CACHE_DIR", home.root().resolve("djl-cache").toString());
        Process p = pb.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!Files.isRegularFile(home.servicesReadyFile())) {
            if (!p.isAlive()) {
                throw new IOException("the services JVM exited (code " + p.exitValue() + "); see " + home.servicesLog());
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("the services JVM did not get ready in 120 s; see " + home.servicesLog());
            }
            Thread.sleep(100);
        }
        Properties ports = new Properties();
        try (var in = Files.newInputStream(home.servicesReadyFile())) {
            ports.load(in);
        }
        return ports;
    }

    private void stopServices() {
        OptionalLong pid = ProcessControl.readPid(home.servicesPidFile());
        if (pid.isPresent() && ProcessControl.isOurs(pid.getAsLong(), ServicesMain.class.getName())) {
            LOG.info("stopping services JVM (pid {})", pid.getAsLong());
            ProcessControl.stop(pid.getAsLong(), Duration.ofSeconds(20));
        }
        try {
            Files.deleteIfExists(home.servicesPidFile());
            Files.deleteIfExists(home.servicesReadyFile());
        } catch (IOException e) {
            LOG.warn("could not remove services pid/ready files: {}", e.toString());
        }
    }

    private StackEnv env(String openSearchUrl, Properties ports, StackEnv previous) {
        String model = "http://127.0.0.1:" + ports.getProperty("model.port");
        String s3 = "http://127.0.0.1:" + ports.getProperty("s3.port");
        Map<String, String> v = new LinkedHashMap<>();
        v.put("MLBATCH_HOME", home.root().toString());
        v.put(StackEnv.OPENSEARCH_URL, openSearchUrl);
        v.put(StackEnv.GATEWAY_URL, "http://127.0.0.1:" + ports.getProperty("gateway.port"));
        v.put(StackEnv.S3_ENDPOINT, s3);
        v.put("AWS_ENDPOINT_URL_S3", s3);
        v.put(StackEnv.S3_BUCKET, ServicesMain.DEFAULT_BUCKET);
        v.put(StackEnv.MODEL_SERVICE_URL, model);
        v.put(StackEnv.SAGEMAKER_URL, model + "/sagemaker");
        v.put(StackEnv.BEDROCK_URL, model + "/bedrock");
        v.put("AWS_ACCESS_KEY_ID", LocalCredentials.ACCESS_KEY_ID);
        v.put("AWS_SECRET_ACCESS_KEY", LocalCredentials.SECRET_ACCESS_KEY);
        v.put("AWS_REGION", LocalCredentials.REGION);
        v.put("AWS_DEFAULT_REGION", LocalCredentials.REGION);
        if (previous != null && openSearchUrl.equals(previous.get(StackEnv.OPENSEARCH_URL))
                && model.equals(previous.get(StackEnv.MODEL_SERVICE_URL))) {
            // Same node and same model service address: the models setup created are still valid.
            previous.asMap().forEach((k, val) -> {
                if (k.endsWith("_MODEL_ID") || k.endsWith("_CONNECTOR_ID")) {
                    v.put(k, val);
                }
            });
        }
        return new StackEnv(v);
    }

    public static void print(StackEnv env, PrintStream out) {
        out.println("  OpenSearch      " + env.get(StackEnv.OPENSEARCH_URL));
        out.println("  SigV4 gateway   " + env.get(StackEnv.GATEWAY_URL) + "  (services es, aoss)");
        out.println("  S3              " + env.get(StackEnv.S3_ENDPOINT) + "  (bucket " + env.get(StackEnv.S3_BUCKET) + ")");
        out.println("  model service   " + env.get(StackEnv.MODEL_SERVICE_URL) + "  (SageMaker " + env.get(StackEnv.SAGEMAKER_URL)
                + ", Bedrock " + env.get(StackEnv.BEDROCK_URL) + ")");
        out.println("  access key id   " + env.get("AWS_ACCESS_KEY_ID") + ", region " + env.get("AWS_REGION")
                + " (secret in the env file)");
    }

    /**
     * The port this home used last time (from the env file a crashed stack left behind), else the default:
     * coming back on the same addresses keeps the connectors, and so the model ids, valid.
     */
    static int previousPort(StackEnv previous, String key, int defaultPort) {
        if (previous == null || previous.get(key) == null) {
            return defaultPort;
        }
        try {
            int port = URI.create(previous.get(key)).getPort();
            return port > 0 ? port : defaultPort;
        } catch (IllegalArgumentException e) {
            return defaultPort;
        }
    }

    /** The preferred port if free, else any free port. */
    static int port(int preferred) throws IOException {
        try (ServerSocket s = new ServerSocket(preferred, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return preferred;
        } catch (IOException busy) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            }
        }
    }

    static boolean httpOk(String url) {
        try {
            HttpResponse<Void> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build()
                    .send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).build(),
                            HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException | IllegalArgumentException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Any HTTP answer at all (S3 and the gateway answer 403 to an unsigned GET). */
    static boolean reachable(String url) {
        try {
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build()
                    .send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).build(),
                            HttpResponse.BodyHandlers.discarding());
            return true;
        } catch (IOException | IllegalArgumentException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
