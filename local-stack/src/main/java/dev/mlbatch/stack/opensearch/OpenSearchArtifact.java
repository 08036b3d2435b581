package dev.mlbatch.stack.opensearch;

import java.util.List;

/**
 * One file the node is assembled from, as Maven coordinates and the file name
 * maven-dependency-plugin's {@code copy} gives it. Kept in step with the {@code fetch-opensearch}
 * execution of local-stack/pom.xml.
 */
public record OpenSearchArtifact(String groupId, String artifactId, String version, String type, String subfolder) {

    public static final String V = dev.mlbatch.stack.StackHome.OPENSEARCH_VERSION;

    public static final OpenSearchArtifact DISTRIBUTION =
            new OpenSearchArtifact("org.opensearch.distribution.integ-test-zip", "opensearch", V, "zip", "");

    /** Plugins in install order: job-scheduler before ml, k-NN and ml before neural-search. */
    public static final List<OpenSearchArtifact> PLUGINS = List.of(
            new OpenSearchArtifact("org.opensearch.plugin", "opensearch-job-scheduler", V + ".0", "zip", ""),
            new OpenSearchArtifact("org.opensearch.plugin", "opensearch-ml-plugin", V + ".0", "zip", ""),
            new OpenSearchArtifact("org.opensearch.plugin", "opensearch-knn", V + ".0", "zip", ""),
            new OpenSearchArtifact("org.opensearch.plugin", "neural-search", V + ".0", "zip", ""));

    /** The lang-painless module the integ-test distribution lacks (k-NN extends it). */
    public static final List<OpenSearchArtifact> PAINLESS = List.of(
            new OpenSearchArtifact("org.opensearch.plugin", "lang-painless", V, "jar", "lang-painless"),
            new OpenSearchArtifact("org.opensearch.plugin", "opensearch-scripting-painless-spi", V, "jar", "lang-painless"),
            new OpenSearchArtifact("org.antlr", "antlr4-runtime", "4.13.1", "jar", "lang-painless"),
            new OpenSearchArtifact("org.ow2.asm", "asm", "9.7", "jar", "lang-painless"),
            new OpenSearchArtifact("org.ow2.asm", "asm-util", "9.7", "jar", "lang-painless"),
            new OpenSearchArtifact("org.ow2.asm", "asm-tree", "9.7", "jar", "lang-painless"),
            new OpenSearchArtifact("org.ow2.asm", "asm-commons", "9.7", "jar", "lang-painless"),
            new OpenSearchArtifact("org.ow2.asm", "asm-analysis", "9.7", "jar", "lang-painless"));

    public String fileName() {
        return artifactId + "-" + version + "." + type;
    }

    public String coordinates() {
        return groupId + ":" + artifactId + ":" + version + ":" + type;
    }

    public static List<OpenSearchArtifact> all() {
        var all = new java.util.ArrayList<OpenSearchArtifact>();
        all.add(DISTRIBUTION);
        all.addAll(PLUGINS);
        all.addAll(PAINLESS);
        return all;
    }
}
