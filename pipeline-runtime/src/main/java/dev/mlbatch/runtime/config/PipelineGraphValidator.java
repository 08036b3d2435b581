package dev.mlbatch.runtime.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Checks what spans pipelines and routes before anything is built: pipeline connectors point at existing pipelines
 * that point back, there is no cycle, sinks use only defined routes, and route conditions parse.
 */
public final class PipelineGraphValidator {
    public static final String CONNECTOR_PLUGIN = "pipeline";
    public static final String DEFAULT_ROUTE = "_default";

    private final Function<String, Optional<String>> expressionSyntaxCheck;

    /** @param expressionSyntaxCheck returns a description of the first syntax error (with its column), if any */
    public PipelineGraphValidator(final Function<String, Optional<String>> expressionSyntaxCheck) {
        this.expressionSyntaxCheck = expressionSyntaxCheck;
    }

    public void validate(final PipelinesDocument document) {
        final Map<String, PipelineDefinition> byName = new HashMap<>();
        document.pipelines().forEach(p -> byName.put(p.name(), p));
        for (final PipelineDefinition pipeline : document.pipelines()) {
            validateRoutes(pipeline);
            validateConnectors(pipeline, byName);
        }
        rejectCycles(document.pipelines());
    }

    private void validateRoutes(final PipelineDefinition pipeline) {
        final Set<String> defined = new LinkedHashSet<>();
        for (final RouteDefinition route : pipeline.routes()) {
            final ConfigLocation location = pipeline.location().key("route." + route.name());
            if (!defined.add(route.name())) {
                throw new ConfigurationException(location, "route is defined twice");
            }
            expressionSyntaxCheck.apply(route.condition()).ifPresent(error -> {
                throw new ConfigurationException(location, "invalid expression \"" + route.condition() + "\": " + error);
            });
        }
        for (final SinkDefinition sink : pipeline.sinks()) {
            for (final String route : sink.routes()) {
                if (!route.equals(DEFAULT_ROUTE) && !defined.contains(route)) {
                    throw new ConfigurationException(sink.plugin().location().key("routes"), "route '" + route
                            + "' is not defined in this pipeline" + NearestName.suggestion(route, defined) + " (defined routes: "
                            + (defined.isEmpty() ? "none" : String.join(", ", defined)) + ", plus " + DEFAULT_ROUTE + ")");
                }
            }
        }
    }

    private static void validateConnectors(final PipelineDefinition pipeline, final Map<String, PipelineDefinition> byName) {
        if (pipeline.source().name().equals(CONNECTOR_PLUGIN)) {
            final String upstream = connectorTarget(pipeline.source());
            final PipelineDefinition upstreamPipeline = byName.get(upstream);
            if (upstreamPipeline == null) {
                throw new ConfigurationException(pipeline.source().location().key("name"),
                        "pipeline source points at pipeline '" + upstream + "', which is not defined"
                                + NearestName.suggestion(upstream, byName.keySet()));
            }
            final boolean pointsBack = upstreamPipeline.sinks().stream()
                    .anyMatch(s -> s.plugin().name().equals(CONNECTOR_PLUGIN) && pipeline.name().equals(connectorTarget(s.plugin())));
            if (!pointsBack) {
                throw new ConfigurationException(pipeline.source().location().key("name"), "pipeline '" + upstream
                        + "' has no 'pipeline' sink with name '" + pipeline.name() + "', so nothing reaches this source");
            }
        }
        for (final SinkDefinition sink : pipeline.sinks()) {
            if (!sink.plugin().name().equals(CONNECTOR_PLUGIN)) {
                continue;
            }
            final String downstream = connectorTarget(sink.plugin());
            final PipelineDefinition downstreamPipeline = byName.get(downstream);
            if (downstreamPipeline == null) {
                throw new ConfigurationException(sink.plugin().location().key("name"),
                        "pipeline sink points at pipeline '" + downstream + "', which is not defined"
                                + NearestName.suggestion(downstream, byName.keySet()));
            }
            if (!downstreamPipeline.source().name().equals(CONNECTOR_PLUGIN)
                    || !pipeline.name().equals(connectorTarget(downstreamPipeline.source()))) {
                throw new ConfigurationException(sink.plugin().location().key("name"), "pipeline '" + downstream
                        + "' must have the source 'pipeline: {name: \"" + pipeline.name() + "\"}' to receive from this sink");
            }
        }
    }

    public static String connectorTarget(final PluginDefinition connector) {
        final Object name = connector.settings().get("name");
        if (!(name instanceof String) || ((String) name).isBlank()) {
            throw new ConfigurationException(connector.location().key("name"), "missing required key: the name of the connected pipeline");
        }
        return (String) name;
    }

    private static void rejectCycles(final List<PipelineDefinition> pipelines) {
        final Map<String, List<String>> edges = new HashMap<>();
        for (final PipelineDefinition pipeline : pipelines) {
            final List<String> targets = new ArrayList<>();
            pipeline.sinks().stream().filter(s -> s.plugin().name().equals(CONNECTOR_PLUGIN))
                    .forEach(s -> targets.add(connectorTarget(s.plugin())));
            edges.put(pipeline.name(), targets);
        }
        final Set<String> done = new HashSet<>();
        for (final PipelineDefinition pipeline : pipelines) {
            final List<String> path = new ArrayList<>();
            findCycle(pipeline.name(), edges, path, new HashSet<>(), done).ifPresent(cycle -> {
                throw new ConfigurationException(pipeline.location(), "pipelines form a cycle: " + cycle);
            });
        }
    }

    private static Optional<String> findCycle(final String node, final Map<String, List<String>> edges, final List<String> path,
                                              final Set<String> onPath, final Set<String> done) {
        if (onPath.contains(node)) {
            final List<String> cycle = new ArrayList<>(path.subList(path.indexOf(node), path.size()));
            cycle.add(node);
            return Optional.of(String.join(" -> ", cycle));
        }
        if (done.contains(node)) {
            return Optional.empty();
        }
        onPath.add(node);
        path.add(node);
        for (final String next : edges.getOrDefault(node, List.of())) {
            final Optional<String> cycle = findCycle(next, edges, path, onPath, done);
            if (cycle.isPresent()) {
                return cycle;
            }
        }
        path.remove(path.size() - 1);
        onPath.remove(node);
        done.add(node);
        return Optional.empty();
    }
}
