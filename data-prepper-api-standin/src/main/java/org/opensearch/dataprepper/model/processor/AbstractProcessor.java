package org.opensearch.dataprepper.model.processor;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import org.opensearch.dataprepper.metrics.MetricNames;
import org.opensearch.dataprepper.metrics.PluginMetrics;
import org.opensearch.dataprepper.model.configuration.PluginSetting;
import org.opensearch.dataprepper.model.pipeline.HeadlessPipeline;
import org.opensearch.dataprepper.model.record.Record;

import java.util.Collection;

public abstract class AbstractProcessor<InputRecord extends Record<?>, OutputRecord extends Record<?>>
        implements Processor<InputRecord, OutputRecord> {

    protected final PluginMetrics pluginMetrics;
    private final Counter recordsInCounter;
    private final Counter recordsOutCounter;
    private final Timer timeElapsedTimer;
    private HeadlessPipeline failurePipeline;

    public AbstractProcessor(final PluginSetting pluginSetting) {
        this(PluginMetrics.fromPluginSetting(pluginSetting));
    }

    protected AbstractProcessor(final PluginMetrics pluginMetrics) {
        this.pluginMetrics = pluginMetrics;
        recordsInCounter = pluginMetrics.counter(MetricNames.RECORDS_IN);
        recordsOutCounter = pluginMetrics.counter(MetricNames.RECORDS_OUT);
        timeElapsedTimer = pluginMetrics.timer(MetricNames.TIME_ELAPSED);
    }

    @Override
    public Collection<OutputRecord> execute(final Collection<InputRecord> records) {
        recordsInCounter.increment(records.size());
        final Collection<OutputRecord> result = timeElapsedTimer.record(() -> doExecute(records));
        recordsOutCounter.increment(result.size());
        return result;
    }

    public abstract Collection<OutputRecord> doExecute(Collection<InputRecord> records);

    @Override
    public void setFailurePipeline(final HeadlessPipeline failurePipeline) {
        this.failurePipeline = failurePipeline;
    }

    public HeadlessPipeline getFailurePipeline() {
        return failurePipeline;
    }
}
