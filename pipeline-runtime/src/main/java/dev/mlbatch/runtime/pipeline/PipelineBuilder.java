package dev.mlbatch.runtime.pipeline;

import dev.mlbatch.runtime.config.ConfigurationException;
import dev.mlbatch.runtime.config.PipelineDefinition;
import dev.mlbatch.runtime.config.PipelineGraphValidator;
import dev.mlbatch.runtime.config.PipelinesDocument;
import dev.mlbatch.runtime.config.PluginDefinition;
import dev.mlbatch.runtime.config.SinkDefinition;
import dev.mlbatch.runtime.coordination.SourceCoordinatorFactory;
import dev.mlbatch.runtime.plugin.PluginConfigBinder;
import dev.mlbatch.runtime.plugin.PluginInstantiator;
import org.opensearch.dataprepper.expression.ExpressionEvaluator;
import org.opensearch.dataprepper.metrics.PluginMetrics;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.processor.Processor;
import org.opensearch.dataprepper.model.record.Record;
import org.opensearch.dataprepper.model.sink.Sink;
import org.opensearch.dataprepper.model.sink.SinkContext;
import org.opensearch.dataprepper.model.source.Source;
import org.opensearch.dataprepper.model.source.coordinator.UsesSourceCoordination;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Instantiates every plugin of every pipeline (all before anything starts, so config errors stop start-up early). */
public final class PipelineBuilder {
    private static final String BOUNDED_BLOCKING = "bounded_blocking";

    private final PluginInstantiator instantiator;
    private final PluginConfigBinder binder;
    private final ExpressionEvaluator expressionEvaluator;
    private final SourceCoordinatorFactory coordinatorFactory;

    public PipelineBuilder(final PluginInstantiator instantiator, final PluginConfigBinder binder,
                           final ExpressionEvaluator expressionEvaluator, final SourceCoordinatorFactory coordinatorFactory) {
        this.instantiator = instantiator;
        this.binder = binder;
        this.expressionEvaluator = expressionEvaluator;
        this.coordinatorFactory = coordinatorFactory;
    }

    /** Builds the pipelines, returned downstream-first (the order in which they must start). */
    public List<Pipeline> build(final PipelinesDocument document) {
        final Map<String, PipelineConnector> connectors = new HashMap<>();
        for (final PipelineDefinition definition : document.pipelines()) {
            for (final SinkDefinition sink : definition.sinks()) {
                if (sink.plugin().name().equals(PipelineGraphValidator.CONNECTOR_PLUGIN)) {
                    final String downstream = PipelineGraphValidator.connectorTarget(sink.plugin());
                    connectors.put(connectorKey(definition.name(), downstream), new PipelineConnector(definition.name(), downstream));
                }
            }
        }
        final Map<String, Pipeline> built = new LinkedHashMap<>();
        for (final PipelineDefinition definition : document.pipelines()) {
            built.put(definition.name(), build(definition, connectors));
        }
        for (final PipelineDefinition definition : document.pipelines()) {
            if (definition.source().name().equals(PipelineGraphValidator.CONNECTOR_PLUGIN)) {
                final String upstream = PipelineGraphValidator.connectorTarget(definition.source());
                final Pipeline upstreamPipeline = built.get(upstream);
                connectors.get(connectorKey(upstream, definition.name())).setUpstreamComplete(upstreamPipeline::isComplete);
            }
        }
        return downstreamFirst(document, built);
    }

    private static String connectorKey(final String upstream, final String downstream) {
        return upstream + "->" + downstream;
    }

    @SuppressWarnings("unchecked")
    private Pipeline build(final PipelineDefinition definition, final Map<String, PipelineConnector> connectors) {
        final String pipelineName = definition.name();
        final int workers = definition.workers();

        final Source<Record<Event>> source;
        if (definition.source().name().equals(PipelineGraphValidator.CONNECTOR_PLUGIN)) {
            source = connectors.get(connectorKey(PipelineGraphValidator.connectorTarget(definition.source()), pipelineName));
        } else {
            source = instantiator.create(Source.class, definition.source(), pipelineName, workers);
            if (source instanceof UsesSourceCoordination coordinated) {
                coordinated.setSourceCoordinator(coordinatorFactory.create(pipelineName, coordinated.getPartitionProgressStateClass()));
            }
        }

        final BoundedBlockingBuffer buffer = buffer(definition);

        final List<RoutedSink> sinks = new ArrayList<>();
        for (final SinkDefinition sinkDefinition : definition.sinks()) {
            final PluginDefinition plugin = sinkDefinition.plugin();
            final Sink<Record<Event>> sink;
            if (plugin.name().equals(PipelineGraphValidator.CONNECTOR_PLUGIN)) {
                sink = connectors.get(connectorKey(pipelineName, PipelineGraphValidator.connectorTarget(plugin)));
            } else {
                final SinkContext context = new SinkContext(sinkDefinition.tagsTargetKey(), sinkDefinition.routes(),
                        sinkDefinition.includeKeys(), sinkDefinition.excludeKeys());
                sink = instantiator.create(Sink.class, plugin, pipelineName, workers, context);
            }
            sinks.add(new RoutedSink(plugin.name(), sink, new LinkedHashSet<>(sinkDefinition.routes())));
        }
        final Router router = new Router(definition.routes(), sinks, expressionEvaluator);

        final AtomicInteger busyWorkers = new AtomicInteger();
        final List<ProcessWorker> processWorkers = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            // Each worker has its own processor instances, as upstream, so processors need not be thread-safe.
            final List<Processor<Record<Event>, Record<Event>>> chain = new ArrayList<>();
            for (final PluginDefinition processor : definition.processors()) {
                chain.add(instantiator.create(Processor.class, processor, pipelineName, workers));
            }
            processWorkers.add(new ProcessWorker(pipelineName, buffer, chain, router, sinks, definition.delayMillis(), busyWorkers));
        }
        return new Pipeline(pipelineName, source, buffer, processWorkers, sinks, busyWorkers);
    }

    private BoundedBlockingBuffer buffer(final PipelineDefinition definition) {
        final PluginDefinition bufferDefinition = definition.buffer() == null
                ? new PluginDefinition(BOUNDED_BLOCKING, Map.of(), definition.location().plugin(BOUNDED_BLOCKING))
                : definition.buffer();
        if (!bufferDefinition.name().equals(BOUNDED_BLOCKING)) {
            throw new ConfigurationException(bufferDefinition.location(),
                    "unknown buffer plugin '" + bufferDefinition.name() + "' (available: " + BOUNDED_BLOCKING + ")");
        }
        final BoundedBlockingBufferConfig config = binder.bind(BoundedBlockingBufferConfig.class,
                bufferDefinition.settings(), bufferDefinition.location());
        return new BoundedBlockingBuffer(config, PluginMetrics.fromNames(BOUNDED_BLOCKING, definition.name()));
    }

    private static List<Pipeline> downstreamFirst(final PipelinesDocument document, final Map<String, Pipeline> built) {
        final Map<String, List<String>> downstreamOf = new HashMap<>();
        for (final PipelineDefinition definition : document.pipelines()) {
            final List<String> targets = new ArrayList<>();
            definition.sinks().stream().filter(s -> s.plugin().name().equals(PipelineGraphValidator.CONNECTOR_PLUGIN))
                    .forEach(s -> targets.add(PipelineGraphValidator.connectorTarget(s.plugin())));
            downstreamOf.put(definition.name(), targets);
        }
        final List<Pipeline> ordered = new ArrayList<>();
        final LinkedHashSet<String> visited = new LinkedHashSet<>();
        for (final String name : built.keySet()) {
            visit(name, downstreamOf, visited, ordered, built);
        }
        return ordered;
    }

    private static void visit(final String name, final Map<String, List<String>> downstreamOf, final LinkedHashSet<String> visited,
                              final List<Pipeline> ordered, final Map<String, Pipeline> built) {
        if (!visited.add(name)) {
            return;
        }
        for (final String downstream : downstreamOf.getOrDefault(name, List.of())) {
            visit(downstream, downstreamOf, visited, ordered, built);
        }
        ordered.add(built.get(name));
    }
}
