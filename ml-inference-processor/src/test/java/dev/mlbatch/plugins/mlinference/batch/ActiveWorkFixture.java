package dev.mlbatch.plugins.mlinference.batch;

import dev.mlbatch.plugins.mlinference.EventFailureHandler;
import dev.mlbatch.plugins.mlinference.MLProcessorMetrics;
import dev.mlbatch.plugins.mlinference.dlq.DeadLetter;
import dev.mlbatch.plugins.mlinference.dlq.DeadLetterStore;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.opensearch.dataprepper.metrics.PluginMetrics;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.record.Record;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The state the coordinator's collaborators share, real (a ledger file, the failure handler, metrics) but for a
 * clock the test moves and a dead-letter store that keeps what it is given, so one collaborator can be tested alone.
 */
final class ActiveWorkFixture implements AutoCloseable {
    static final Instant START = Instant.parse("2026-12-07T12:00:00Z");

    /** A clock that only moves when told to. */
    static final class SteppedClock extends Clock {
        private volatile Instant now = START;

        void advance(final Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(final ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    /** Keeps every letter written (durably, as far as the failure handler can tell). */
    static final class KeptDeadLetters implements DeadLetterStore {
        final List<DeadLetter> letters = new ArrayList<>();

        @Override
        public synchronized boolean write(final List<DeadLetter> written) {
            letters.addAll(written);
            return true;
        }

        @Override
        public String describe() {
            return "the test's list";
        }

        @Override
        public void close() {
        }
    }

    final SteppedClock clock = new SteppedClock();
    final MLProcessorMetrics metrics;
    final KeptDeadLetters deadLetters = new KeptDeadLetters();
    final JobLedger ledger;
    final Downstream downstream;
    final ActiveWork work;
    final InputObjectResolver resolver = new InputObjectResolver(null);

    ActiveWorkFixture(final Path directory) throws Exception {
        Metrics.globalRegistry.add(new SimpleMeterRegistry());
        metrics = new MLProcessorMetrics(PluginMetrics.fromNames("ml_inference", "unit-" + UUID.randomUUID()));
        ledger = JobLedger.open(directory.resolve("test.ledger"), Duration.ofDays(1), clock);
        downstream = new Downstream(new EventFailureHandler(List.of("ml_failed"), deadLetters, metrics));
        work = new ActiveWork(ledger, downstream, resolver, metrics, clock);
    }

    /** New pending work for one object, holding {@code event}. */
    WorkItem pending(final Event event) throws Exception {
        final InputObject input = resolver.resolve(event);
        final String workKey = "work-" + input.key();
        if (!work.create(JobRecord.pending(workKey, List.of(input), "job-" + input.key() + "-a1", clock.instant()), List.of(event))) {
            throw new IllegalStateException("the ledger refused " + workKey);
        }
        return work.get(workKey);
    }

    List<Event> drained() {
        return downstream.drain().stream().map(Record::getData).toList();
    }

    @Override
    public void close() {
        ledger.close();
    }
}
