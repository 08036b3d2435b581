package dev.mlbatch.runtime.pipeline;

import org.opensearch.dataprepper.model.buffer.Buffer;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.pipeline.HeadlessPipeline;
import org.opensearch.dataprepper.model.record.Record;
import org.opensearch.dataprepper.model.sink.Sink;
import org.opensearch.dataprepper.model.source.Source;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * The {@code pipeline} sink of one pipeline and the {@code pipeline} source of the next: events go straight into
 * the next pipeline's buffer (waiting while it is full, so backpressure reaches the first pipeline), and keep their
 * acknowledgement handles, so end-to-end acknowledgements span the chain.
 */
final class PipelineConnector implements Source<Record<Event>>, Sink<Record<Event>> {
    private static final int WRITE_TIMEOUT_MS = 1000;

    private final String upstreamPipeline;
    private final String downstreamPipeline;
    private volatile Buffer<Record<Event>> downstreamBuffer;
    private volatile BooleanSupplier upstreamComplete = () -> false;

    PipelineConnector(final String upstreamPipeline, final String downstreamPipeline) {
        this.upstreamPipeline = upstreamPipeline;
        this.downstreamPipeline = downstreamPipeline;
    }

    void setUpstreamComplete(final BooleanSupplier upstreamComplete) {
        this.upstreamComplete = upstreamComplete;
    }

    @Override
    public void start(final Buffer<Record<Event>> buffer) {
        this.downstreamBuffer = buffer;
    }

    @Override
    public void stop() {
    }

    /** The downstream pipeline's source is finished when everything upstream is. */
    public boolean isFinished() {
        return upstreamComplete.getAsBoolean();
    }

    @Override
    public void output(final Collection<Record<Event>> records) {
        final List<Record<Event>> remaining = new ArrayList<>(records);
        int from = 0;
        while (from < remaining.size()) {
            final int to = Math.min(remaining.size(), from + 100);
            try {
                downstreamBuffer.writeAll(remaining.subList(from, to), WRITE_TIMEOUT_MS);
                from = to;
            } catch (final TimeoutException e) {
                // The next pipeline is busy: wait for room rather than drop anything.
            } catch (final Exception e) {
                throw new IllegalStateException("Cannot forward events from pipeline '" + upstreamPipeline
                        + "' to pipeline '" + downstreamPipeline + "'", e);
            }
        }
    }

    @Override
    public void initialize() {
    }

    @Override
    public boolean isReady() {
        return downstreamBuffer != null;
    }

    @Override
    public void shutdown() {
    }

    @Override
    public void setFailurePipeline(final HeadlessPipeline failurePipeline) {
        // Connectors carry events as they are; failures are the receiving pipeline's to handle.
    }
}
