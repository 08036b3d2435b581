package dev.mlbatch.stack;

import dev.mlbatch.stack.health.ClusterStaysRedException;
import dev.mlbatch.stack.health.StackHealth;
import dev.mlbatch.stack.http.PublicLoopbackAddress;
import dev.mlbatch.stack.ml.MasterKeyReadiness;
import dev.mlbatch.stack.ml.OpenSearchHttp;
import dev.mlbatch.stack.ml.UnfinishedBatchTasks;
import dev.mlbatch.stack.opensearch.MavenFetcher;
import dev.mlbatch.stack.opensearch.OpenSearchAssembler;
import dev.mlbatch.stack.opensearch.OpenSearchNode;
import dev.mlbatch.stack.s3.S3Server;
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
    /** The ready file's key for the local S3's virtual-hosted-style endpoint (see {@code S3Server}). */
    public static final String S3_VIRTUAL_HOSTED_PORT = "s3.virtual-hosted.port";
    public static final int MODEL_SERVICE_PORT = 19100;
    public static final int GATEWAY_PORT = 19201;
    /**
     * The JVM option that gives JVMs on the services class path their logging: local-stack's config is not called
     * logback.xml, so that a shared class path (the distribution) holds only pipeline-runtime's.
     */
    public static final String SERVICES_LOGBACK_OPTION = "-Dlogback.configurationFile=logback-services.xml";
    /** Held (between JVMs by a file, within one by this object) while a stack picks and binds its ports. */
    private static final Object PORTS_GUARD = new Object();
    private static final Path PORTS_LOCK = Path.of(System.getProperty("java.io.tmpdir"), "mlbatch-stack-ports.lock");
    private static final int START_ATTEMPTS = 3;
    /** How long a live process of this stack may take to answer before it counts as down (a loaded machine). */
    private static final Duration SLOW_ANSWER = Duration.ofSeconds(30);
    /** How long a started node's ML Commons may take to read its master key. */
    private static final Duration ML_READY_TIMEOUT = Duration.ofSeconds(120);

    /** The ports a stack asks for first; a busy one is replaced by a free one, and {@code up} says so. */
    public record Ports(int openSearch, int transport, int s3, int modelService, int gateway) {
        public static final Ports DEFAULTS = new Ports(OPENSEARCH_PORT, TRANSPORT_PORT, S3_PORT, MODEL_SERVICE_PORT, GATEWAY_PORT);

        /** Five ports that are free now: for a second stack (tests) that should not take the shared one's defaults. */
        public static Ports free() throws IOException {
            List<ServerSocket> held = new ArrayList<>();
            try {
                for (int i = 0; i < 5; i++) {
                    held.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
                }
                return new Ports(held.get(0).getLocalPort(), held.get(1).getLocalPort(), held.get(2).getLocalPort(),
                        held.get(3).getLocalPort(), held.get(4).getLocalPort());
            } finally {
                for (ServerSocket s : held) {
                    s.close();
                }
            }
        }
    }

    private final StackHome home;
    private final OpenSearchNode node;
    private final Ports preferred;

    public StackLauncher(StackHome home) {
        this(home, Ports.DEFAULTS);
    }

    public StackLauncher(StackHome home, Ports preferred) {
        this.home = home.ensureDirs();
        this.node = new OpenSearchNode(home, System.getenv().getOrDefault("MLBATCH_OPENSEARCH_HEAP", "1g"));
        this.preferred = preferred;
    }

    public StackHome home() {
        return home;
    }

    /**
     * Starts what is not running and returns the env. A healthy node of this stack is kept; so is a healthy services
     * JVM of this stack (with the jobs it holds in memory) when the node it fronts kept its address. Only when the
     * services JVM (re)starts are the unfinished ML Commons batch tasks marked FAILED (their jobs are gone).
     * A node or services JVM answering on an address of this stack's env file but not run from this state folder is
     * never adopted.
     */
    public StackEnv up(PrintStream out) throws IOException, InterruptedException {
        try (FileChannel channel = FileChannel.open(home.lockFile(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = channel.lock()) {
            var existing = StackEnv.read(home.envFile());
            if (existing.isPresent() && isOwnHealthy(existing.get())) {
                out.println("stack is already up");
                return existing.get();
            }
            long t0 = System.nanoTime();
            new OpenSearchAssembler(home, new MavenFetcher()).ensureAssembled();
            StackEnv previous = existing.orElse(null);
            String openSearchUrl;
            Properties ports;
            synchronized (PORTS_GUARD) {
                try (FileChannel portsChannel = FileChannel.open(PORTS_LOCK, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                     FileLock portsLock = portsChannel.lock()) {
                    // No env file but this folder's node running: one an earlier up left running red, to be fixed.
                    String previousUrl = previous == null ? node.configuredUrl().filter(url -> node.isRunning()).orElse(null)
                            : previous.get(StackEnv.OPENSEARCH_URL);
                    if (previousUrl != null && node.isRunning() && node.becomesOwnHealthy(previousUrl, SLOW_ANSWER)) {
                        openSearchUrl = previousUrl;
                        out.println("OpenSearch is up (pid " + node.pid().getAsLong() + "): kept");
                    } else {
                        node.stop();
                        openSearchUrl = startNode(previous, out);
                        new MasterKeyReadiness(new OpenSearchHttp(openSearchUrl)).await(ML_READY_TIMEOUT);
                    }
                    if (servicesStayUp(previous, openSearchUrl)) {
                        ports = portsOf(previous);
                        out.println("services JVM is up (pid " + ProcessControl.readPid(home.servicesPidFile()).getAsLong()
                                + "): kept, with the jobs it runs");
                    } else {
                        stopServices();
                        ports = startServices(openSearchUrl, previous, out);
                        // The new model service knows the SageMaker and Bedrock jobs of the one before, not the OpenAI
                        // and Cohere ones: tasks it cannot answer for would hold their ML Commons slots for good.
                        new UnfinishedBatchTasks(new OpenSearchHttp(openSearchUrl))
                                .failUnreadable("the local model service (re)started and no longer knows this task's job");
                    }
                }
            }
            StackEnv env = env(openSearchUrl, ports, previous);
            env.write(home.envFile());
            out.printf("stack up in %.1f s%n", (System.nanoTime() - t0) / 1e9);
            print(env, out);
            return env;
        }
    }

    /**
     * Every endpoint of {@code env} answers, and the node and the services JVM answering are this state folder's own
     * processes (a stack whose processes died may find another stack's on its old ports).
     */
    public boolean isOwnHealthy(StackEnv env) {
        return isHealthy(env) && node.answersAt(env.get(StackEnv.OPENSEARCH_URL))
                && servicesAreOursAndUp(env, env.get(StackEnv.OPENSEARCH_URL));
    }

    /** Starts the node on the preferred (or previous) ports, moving to free ones if they are or become busy. */
    private String startNode(StackEnv previous, PrintStream out) throws IOException, InterruptedException {
        int httpWanted = previousPort(previous, StackEnv.OPENSEARCH_URL, preferred.openSearch());
        int transportWanted = preferred.transport();
        for (int attempt = 1; ; attempt++) {
            int httpPort = port(httpWanted, "OpenSearch HTTP", out);
            int transportPort = port(transportWanted, "OpenSearch transport", out);
            try {
                node.start(httpPort, transportPort);
                return "http://127.0.0.1:" + httpPort;
            } catch (ClusterStaysRedException red) {
                throw red; // the node stays up, so that the diagnosis's commands can be run against it
            } catch (IOException e) {
                node.stop();
                boolean portTaken = !isFree(httpPort) || !isFree(transportPort);
                if (!portTaken || attempt == START_ATTEMPTS) {
                    throw e;
                }
                // Someone else took a port between our check and the node's bind: try others.
                out.println("OpenSearch could not start on ports " + httpPort + "/" + transportPort
                        + " (taken meanwhile by another process); trying other ports");
                httpWanted = isFree(httpPort) ? httpPort : 0;
                transportWanted = isFree(transportPort) ? transportPort : 0;
            }
        }
    }

    /** The services JVM of this state folder is alive, answers on the env's addresses, and fronts {@code openSearchUrl}. */
    private boolean servicesAreOursAndUp(StackEnv env, String openSearchUrl) {
        if (env == null || !openSearchUrl.equals(env.get(StackEnv.OPENSEARCH_URL))) {
            return false; // the gateway forwards to the node's old address
        }
        OptionalLong pid = ProcessControl.readPid(home.servicesPidFile());
        if (pid.isEmpty() || !runsOurServices(pid.getAsLong())) {
            return false;
        }
        OptionalLong answering = healthPid(env.get(StackEnv.MODEL_SERVICE_URL));
        // A services JVM from before the health answer carried its pid: its pid file and command line vouch for it.
        boolean sameProcess = answering.isEmpty() ? httpOk(env.get(StackEnv.MODEL_SERVICE_URL) + "/_mlbatch/health")
                : answering.getAsLong() == pid.getAsLong();
        return sameProcess && reachable(env.get(StackEnv.S3_ENDPOINT)) && reachable(env.get(StackEnv.GATEWAY_URL));
    }

    /** Like {@link #servicesAreOursAndUp}, but a live services JVM of this stack gets time to answer. */
    private boolean servicesStayUp(StackEnv env, String openSearchUrl) throws InterruptedException {
        OptionalLong pid = ProcessControl.readPid(home.servicesPidFile());
        if (pid.isEmpty() || !runsOurServices(pid.getAsLong())) {
            return false;
        }
        long deadline = System.nanoTime() + SLOW_ANSWER.toNanos();
        while (!servicesAreOursAndUp(env, openSearchUrl)) {
            if (System.nanoTime() > deadline || !runsOurServices(pid.getAsLong())
                    || env == null || !openSearchUrl.equals(env.get(StackEnv.OPENSEARCH_URL))) {
                return false;
            }
            Thread.sleep(500);
        }
        return true;
    }

    private boolean runsOurServices(long pid) {
        return ProcessControl.hasArgument(pid, ServicesMain.class.getName())
                && ProcessControl.hasArguments(pid, "--home", home.root().toString());
    }

    /** The pid in the model service's health answer; empty when it does not answer 200 or gives none. */
    private static OptionalLong healthPid(String modelServiceUrl) {
        try {
            HttpResponse<String> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build()
                    .send(HttpRequest.newBuilder(URI.create(modelServiceUrl + "/_mlbatch/health")).timeout(Duration.ofSeconds(3)).build(),
                            HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return OptionalLong.empty();
            }
            var pid = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body()).path("pid");
            return pid.canConvertToLong() ? OptionalLong.of(pid.asLong()) : OptionalLong.empty();
        } catch (IOException | IllegalArgumentException e) {
            return OptionalLong.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalLong.empty();
        }
    }

    private static Properties portsOf(StackEnv env) {
        Properties ports = new Properties();
        ports.setProperty("s3.port", Integer.toString(URI.create(env.get(StackEnv.S3_ENDPOINT)).getPort()));
        if (env.get(StackEnv.S3_VIRTUAL_HOSTED_ENDPOINT) != null) {
            ports.setProperty(S3_VIRTUAL_HOSTED_PORT, Integer.toString(URI.create(env.get(StackEnv.S3_VIRTUAL_HOSTED_ENDPOINT)).getPort()));
        }
        ports.setProperty("model.port", Integer.toString(URI.create(env.get(StackEnv.MODEL_SERVICE_URL)).getPort()));
        ports.setProperty("gateway.port", Integer.toString(URI.create(env.get(StackEnv.GATEWAY_URL)).getPort()));
        return ports;
    }

    public void down(PrintStream out) throws IOException {
        try (FileChannel channel = FileChannel.open(home.lockFile(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = channel.lock()) {
            stopServices();
            node.stop();
            Files.deleteIfExists(home.envFile());
            StartedByTests.remove(home);
            out.println("stack down");
        }
    }

    /**
     * Prints each part's health (OpenSearch, ML Commons, model service, S3, gateway, disk) and, for a part that is not
     * healthy, what to do; returns true when no part failed (warnings do not count).
     */
    public boolean status(PrintStream out) {
        return new StackHealth(home, node).print(out);
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
        List<Long> pids = new ArrayList<>(node.livePids());
        ProcessHandle.allProcesses().map(ProcessHandle::pid).filter(this::runsOurServices).forEach(pids::add);
        return pids;
    }

    /** Starts the services JVM; if it dies before it is ready because a port was taken meanwhile, tries other ports. */
    private Properties startServices(String openSearchUrl, StackEnv previous, PrintStream out) throws IOException, InterruptedException {
        int s3 = previousPort(previous, StackEnv.S3_ENDPOINT, preferred.s3());
        int model = previousPort(previous, StackEnv.MODEL_SERVICE_URL, preferred.modelService());
        int gateway = previousPort(previous, StackEnv.GATEWAY_URL, preferred.gateway());
        for (int attempt = 1; ; attempt++) {
            int s3Port = port(s3, "S3", out);
            int modelPort = port(model, "model service", out);
            int gatewayPort = port(gateway, "SigV4 gateway", out);
            try {
                return startServices(openSearchUrl, s3Port, modelPort, gatewayPort);
            } catch (IOException e) {
                boolean portTaken = !isFree(s3Port) || !isFree(modelPort) || !isFree(gatewayPort);
                if (!portTaken || attempt == START_ATTEMPTS) {
                    throw e;
                }
                out.println("the services JVM could not bind ports " + s3Port + "/" + modelPort + "/" + gatewayPort
                        + " (taken meanwhile by another process); trying other ports");
                s3 = isFree(s3Port) ? s3Port : 0;
                model = isFree(modelPort) ? modelPort : 0;
                gateway = isFree(gatewayPort) ? gatewayPort : 0;
            }
        }
    }

    private Properties startServices(String openSearchUrl, int s3Port, int modelPort, int gatewayPort)
            throws IOException, InterruptedException {
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
                "--s3-port", Integer.toString(s3Port),
                "--model-port", Integer.toString(modelPort),
                "--gateway-port", Integer.toString(gatewayPort),
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
        if (pid.isPresent() && runsOurServices(pid.getAsLong())) {
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
        if (ports.getProperty(S3_VIRTUAL_HOSTED_PORT) != null) {
            v.put(StackEnv.S3_VIRTUAL_HOSTED_ENDPOINT, "http://" + S3Server.VIRTUAL_HOST + ":" + ports.getProperty(S3_VIRTUAL_HOSTED_PORT));
        }
        v.put(StackEnv.S3_BUCKET, ServicesMain.DEFAULT_BUCKET);
        v.put(StackEnv.MODEL_SERVICE_URL, model);
        v.put(StackEnv.SAGEMAKER_URL, model + "/sagemaker");
        v.put(StackEnv.BEDROCK_URL, model + "/bedrock");
        // ML Commons' http connectors (OpenAI, Cohere) refuse 127.0.0.1; the model service also listens on a loopback
        // alias they accept (PublicLoopbackAddress).
        String hosted = PublicLoopbackAddress.ensure().map(a -> "http://" + a.getHostAddress() + ":" + ports.getProperty("model.port"))
                .orElse(model);
        v.put(StackEnv.OPENAI_URL, hosted + "/openai");
        v.put(StackEnv.COHERE_URL, hosted + "/cohere");
        v.put(StackEnv.OPENAI_API_KEY, LocalCredentials.OPENAI_API_KEY);
        v.put(StackEnv.COHERE_API_KEY, LocalCredentials.COHERE_API_KEY);
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
                + ", Bedrock " + env.get(StackEnv.BEDROCK_URL) + ", OpenAI " + env.get(StackEnv.OPENAI_URL)
                + ", Cohere " + env.get(StackEnv.COHERE_URL) + ")");
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

    /**
     * The wanted port if free (0: any), else a free one; moving is said in one line naming both ports, because
     * clients configured for the default address will not find the stack there.
     */
    static int port(int wanted, String what, PrintStream out) throws IOException {
        if (wanted > 0 && isFree(wanted)) {
            return wanted;
        }
        int other;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            other = s.getLocalPort();
        }
        if (wanted > 0) {
            out.println("port " + wanted + " (" + what + ") is busy; " + what + " uses port " + other);
        }
        return other;
    }

    static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return true;
        } catch (IOException busy) {
            return false;
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
