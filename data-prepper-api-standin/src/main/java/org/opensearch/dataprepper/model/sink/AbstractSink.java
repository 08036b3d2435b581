package org.opensearch.dataprepper.model.sink;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import org.opensearch.dataprepper.metrics.MetricNames;
import org.opensearch.dataprepper.metrics.PluginMetrics;
import org.opensearch.dataprepper.model.configuration.PluginSetting;
import org.opensearch.dataprepper.model.record.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;

/** A sink with recordsIn / timeElapsed metrics and an initialization retried until it succeeds. */
public abstract class AbstractSink<T extends Record<?>> implements Sink<T> {
    private static final Logger LOG = LoggerFactory.getLogger(AbstractSink.class);
    private static final int DEFAULT_MAX_RETRIES = 600;
    private static final int DEFAULT_WAIT_TIME_MS = 1000;

    protected final PluginMetrics pluginMetrics;
    private final Counter recordsInCounter;
    private final Timer timeElapsedTimer;
    private final int maxRetries;
    private final int waitTimeMs;
    private Thread retryThread;

    public AbstractSink(final PluginSetting pluginSetting, final int numRetries, final int waitTimeMs) {
        this.pluginMetrics = PluginMetrics.fromPluginSetting(pluginSetting);
        this.recordsInCounter = pluginMetrics.counter(MetricNames.RECORDS_IN);
        this.timeElapsedTimer = pluginMetrics.timer(MetricNames.TIME_ELAPSED);
        this.maxRetries = numRetries;
        this.waitTimeMs = waitTimeMs;
    }

    public AbstractSink(final PluginSetting pluginSetting) {
        this(pluginSetting, DEFAULT_MAX_RETRIES, DEFAULT_WAIT_TIME_MS);
    }

    public abstract void doInitialize();

    @Override
    public void initialize() {
        doInitialize();
        if (!isReady() && retryThread == null) {
            retryThread = new Thread(this::retryInitialize, getClass().getSimpleName() + "-init-retry");
            retryThread.setDaemon(true);
            retryThread.start();
        }
    }

    private void retryInitialize() {
        for (int attempt = 1; attempt <= maxRetries && !isReady(); attempt++) {
            try {
                Thread.sleep(waitTimeMs);
                doInitialize();
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (final Exception e) {
                LOG.warn("{}: initialization attempt {} failed: {}", getClass().getSimpleName(), attempt, e.getMessage());
            }
        }
    }

    @Override
    public void output(final Collection<T> records) {
        recordsInCounter.increment(records.size() * 1.0);
        timeElapsedTimer.record(() -> doOutput(records));
    }

    public abstract void doOutput(Collection<T> records);

    @Override
    public void shutdown() {
        if (retryThread != null) {
            retryThread.interrupt();
        }
    }
}
