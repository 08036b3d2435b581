package dev.mlbatch.plugins.mlinference;

import dev.mlbatch.plugins.mlinference.batch.BatchJobCoordinator;
import dev.mlbatch.plugins.mlinference.batch.CoordinatorRunner;
import dev.mlbatch.plugins.mlinference.config.ActionType;
import dev.mlbatch.plugins.mlinference.config.MLProcessorConfig;
import dev.mlbatch.plugins.mlinference.realtime.RealtimePredictor;
import org.opensearch.dataprepper.aws.api.AwsCredentialsSupplier;
import org.opensearch.dataprepper.expression.ExpressionEvaluator;
import org.opensearch.dataprepper.metrics.PluginMetrics;
import org.opensearch.dataprepper.model.annotations.DataPrepperPlugin;
import org.opensearch.dataprepper.model.annotations.DataPrepperPluginConstructor;
import org.opensearch.dataprepper.model.configuration.PluginSetting;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.plugin.InvalidPluginConfigurationException;
import org.opensearch.dataprepper.model.plugin.PluginFactory;
import org.opensearch.dataprepper.model.processor.AbstractProcessor;
import org.opensearch.dataprepper.model.processor.Processor;
import org.opensearch.dataprepper.model.record.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The {@code ml_inference} processor. In batch mode it hands matching events to a
 * {@link BatchJobCoordinator} and returns them later, on a subsequent call, once their job exists (or has
 * finished, with track_jobs) — so it holds events and says so. In predict mode it calls {@code _predict}
 * and returns the events in the same call.
 */
@DataPrepperPlugin(name = "ml_inference", pluginType = Processor.class, pluginConfigurationType = MLProcessorConfig.class)
public class MLProcessor extends AbstractProcessor<Record<Event>, Record<Event>> {
    private static final Logger LOG = LoggerFactory.getLogger(MLProcessor.class);

    private final MLProcessorConfig config;
    private final ExpressionEvaluator expressionEvaluator;
    private final MLProcessorMetrics metrics;
    private final CoordinatorRunner runner;
    private final RealtimePredictor predictor;
    private final EventFailureHandler predictFailures;
    private final List<AutoCloseable> predictResources;

    /**
     * Upstream's constructor parameters, so the plugin loads wherever upstream's does. {@code pluginFactory} is
     * not used: upstream builds its DLQ through it, we build ours from the {@code dlq} block
     * ({@link MLProcessorComponentFactory}).
     */
    @DataPrepperPluginConstructor
    public MLProcessor(final MLProcessorConfig config, final PluginMetrics pluginMetrics, final PluginFactory pluginFactory,
                       final PluginSetting pluginSetting, final AwsCredentialsSupplier awsCredentialsSupplier,
                       final ExpressionEvaluator expressionEvaluator) {
        super(pluginMetrics);
        this.config = config;
        this.expressionEvaluator = expressionEvaluator;
        if (config.getMlWhen() != null && !expressionEvaluator.isValidExpressionStatement(config.getMlWhen())) {
            throw new InvalidPluginConfigurationException("ml_when is not a valid expression: \"" + config.getMlWhen() + "\"");
        }
        final MLProcessorComponentFactory.Components parts =
                MLProcessorComponentFactory.create(config, pluginSetting, pluginMetrics, awsCredentialsSupplier);
        this.metrics = parts.metrics();
        this.predictFailures = parts.failures();
        this.predictor = parts.predictor();
        this.runner = parts.runner();
        this.predictResources = parts.predictResources();
        LOG.info("ml_inference ready: {} on model {} at {} ({}){}", config.getActionType().optionValue(), config.getModelId(),
                config.isBuiltInBedrockModel() && config.getActionType() == ActionType.BATCH_PREDICT
                        ? "Bedrock " + config.getBedrockEndpoint() + " (built-in model, no ML Commons)" : config.getHost(), config.isSigningEnabled() ? "SigV4" : config.getUsername() != null ? "basic auth" : "unsigned",
                (config.getDlq() == null ? "; no dlq configured: dead letters go to " : "; dlq ") + parts.deadLetters().describe());
    }

    @Override
    public Collection<Record<Event>> doExecute(final Collection<Record<Event>> records) {
        final List<Record<Event>> out = new ArrayList<>();
        if (runner != null) {
            // What finished since the last call goes out first; the runtime calls us even with empty batches.
            out.addAll(runner.coordinator().drainReady());
        }
        if (records.isEmpty()) {
            return out;
        }
        final List<Event> matching = new ArrayList<>();
        for (final Record<Event> record : records) {
            if (matches(record.getData())) {
                matching.add(record.getData());
            } else {
                out.add(record);
            }
        }
        if (matching.isEmpty()) {
            return out;
        }
        if (predictor != null) {
            try {
                out.addAll(predictor.predict(matching));
            } catch (final RuntimeException e) {
                // Never let events vanish with an exception: fail them like any other failure.
                out.addAll(predictFailures.handle(matching.stream()
                        .map(event -> EventFailureHandler.Failure.of(event, null, 500, "_predict failed: " + e)).toList()));
            }
        } else {
            runner.coordinator().accept(matching);
            metrics.batchJobRequestsSucceeded().increment();
        }
        return out;
    }

    private boolean matches(final Event event) {
        if (config.getMlWhen() == null) {
            return true;
        }
        try {
            return Boolean.TRUE.equals(expressionEvaluator.evaluateConditional(config.getMlWhen(), event));
        } catch (final RuntimeException e) {
            // As upstream: an event the condition cannot be evaluated on passes through untouched.
            LOG.warn("ml_when \"{}\" could not be evaluated on an event ({}); passing it through", config.getMlWhen(), e.getMessage());
            return false;
        }
    }

    @Override
    public boolean holdsEvents() {
        return true;
    }

    @Override
    public void prepareForShutdown() {
        if (runner != null) {
            runner.coordinator().flushGroups();
        }
    }

    /**
     * Ready when no event is held: all went downstream (job created, or finished with track_jobs) or failed.
     * A graceful stop waits for that up to the runtime's processor shutdown timeout; events still held then stay
     * unacknowledged, the source delivers them again after a restart, and the ledger maps them to their jobs.
     */
    @Override
    public boolean isReadyForShutdown() {
        return runner == null || runner.coordinator().isDrained();
    }

    @Override
    public void shutdown() {
        if (runner != null) {
            runner.release();
        }
        for (final AutoCloseable resource : predictResources) {
            try {
                resource.close();
            } catch (final Exception e) {
                LOG.warn("Closing {}: {}", resource, e.getMessage());
            }
        }
    }
}
