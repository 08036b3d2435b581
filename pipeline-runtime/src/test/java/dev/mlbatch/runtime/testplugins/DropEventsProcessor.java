package dev.mlbatch.runtime.testplugins;

import org.opensearch.dataprepper.expression.ExpressionEvaluator;
import org.opensearch.dataprepper.metrics.PluginMetrics;
import org.opensearch.dataprepper.model.annotations.DataPrepperPlugin;
import org.opensearch.dataprepper.model.annotations.DataPrepperPluginConstructor;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.processor.AbstractProcessor;
import org.opensearch.dataprepper.model.processor.Processor;
import org.opensearch.dataprepper.model.record.Record;

import java.util.Collection;
import java.util.List;

/** Test processor: drops events matching {@code drop_when} without releasing them (the runtime must). */
@DataPrepperPlugin(name = "test_drop", pluginType = Processor.class, pluginConfigurationType = DropEventsProcessorConfig.class)
public final class DropEventsProcessor extends AbstractProcessor<Record<Event>, Record<Event>> {
    private final String dropWhen;
    private final ExpressionEvaluator evaluator;

    @DataPrepperPluginConstructor
    public DropEventsProcessor(final PluginMetrics metrics, final DropEventsProcessorConfig config, final ExpressionEvaluator evaluator) {
        super(metrics);
        this.dropWhen = config.getDropWhen();
        this.evaluator = evaluator;
    }

    @Override
    public Collection<Record<Event>> doExecute(final Collection<Record<Event>> records) {
        return records.stream().filter(r -> !evaluator.evaluateConditional(dropWhen, r.getData())).toList();
    }

    @Override
    public void prepareForShutdown() {
    }

    @Override
    public boolean isReadyForShutdown() {
        return true;
    }

    @Override
    public void shutdown() {
    }
}
