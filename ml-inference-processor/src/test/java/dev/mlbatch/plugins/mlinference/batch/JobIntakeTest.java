package dev.mlbatch.plugins.mlinference.batch;

import dev.mlbatch.plugins.mlinference.config.ServiceName;
import dev.mlbatch.plugins.mlinference.support.Events;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.event.JacksonEvent;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link JobIntake} alone: events in, work in {@link ActiveWork} and the ledger (or events out) — no service involved. */
class JobIntakeTest {
    private static final Duration BATCH_WAIT = Duration.ofSeconds(10);

    @TempDir
    Path directory;
    private ActiveWorkFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new ActiveWorkFixture(directory);
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    private JobIntake intake(final ServiceName service, final boolean trackJobs, final int maxBatchSize) {
        return new JobIntake(service, trackJobs, maxBatchSize, BATCH_WAIT, f.resolver, InputScreener.none(),
                new JobNamer(service, "model-1", "s3://out/results"), f.ledger, f.work, f.downstream, f.metrics);
    }

    @Test
    void eachBedrockObjectBecomesOnePendingWorkRecordedInTheLedgerHoldingItsEvent() {
        final JobIntake intake = intake(ServiceName.BEDROCK, true, 100);
        final List<Event> events = Events.objects("in", "bedrock/", 3);
        intake.offer(events);
        assertFalse(intake.isEmpty());

        intake.take(f.clock.instant());

        assertTrue(intake.isEmpty());
        assertEquals(3, f.work.size());
        for (final WorkItem item : f.work.items()) {
            assertEquals(JobState.PENDING, item.record.state());
            assertEquals(1, item.record.inputs().size());
            assertEquals(1, item.events.size());
            assertEquals(item.record, f.ledger.byWorkKey(item.record.workKey()).orElseThrow());
        }
        assertTrue(f.drained().isEmpty(), "events wait for their jobs");
    }

    @Test
    void aReplayedEventJoinsTheWorkOfItsObjectInsteadOfMakingNewWork() {
        final JobIntake intake = intake(ServiceName.BEDROCK, true, 100);
        intake.offer(List.of(Events.object("in", "replayed.jsonl")));
        intake.take(f.clock.instant());
        final Event replay = Events.object("in", "replayed.jsonl");
        intake.offer(List.of(replay));
        intake.take(f.clock.instant());

        assertEquals(1, f.work.size());
        assertEquals(2, f.work.items().iterator().next().events.size());
        assertEquals(1.0, f.metrics.batchJobDuplicatesAvoided().count());
    }

    @Test
    void withoutTrackJobsAReplayOfAnObjectWhoseJobRunsGoesOnAtOnce() throws Exception {
        final JobIntake intake = intake(ServiceName.BEDROCK, false, 100);
        intake.offer(List.of(Events.object("in", "running.jsonl")));
        intake.take(f.clock.instant());
        final WorkItem item = f.work.items().iterator().next();
        item.record = item.record.submitted("task-7", f.clock.instant());
        f.ledger.save(item.record);

        final Event replay = Events.object("in", "running.jsonl");
        intake.offer(List.of(replay));
        intake.take(f.clock.instant());

        assertEquals(List.of(replay), f.drained());
        assertEquals("task-7", replay.get("task_id", String.class));
    }

    @Test
    void anEventNamingNoObjectFailsAndOurOwnManifestPassesThroughUntouched() {
        final JobIntake intake = intake(ServiceName.BEDROCK, true, 100);
        final Event noBucket = JacksonEvent.builder().withEventType("event").withData(Map.of("key", "a.jsonl")).build();
        final Event manifest = Events.object("in", "input/mlb-0123456789abcdef0123456789abcdef/mlb-0123456789abcdef0123456789abcdef.manifest");
        intake.offer(List.of(noBucket, manifest));

        intake.take(f.clock.instant());

        assertEquals(0, f.work.size());
        assertEquals(List.of(noBucket, manifest), f.drained());
        assertTrue(noBucket.getMetadata().getTags().contains("ml_failed"));
        assertFalse(manifest.getMetadata().getTags().contains("ml_failed"));
        assertEquals(1, f.deadLetters.letters.size());
        assertEquals(400, f.deadLetters.letters.get(0).status());
        assertEquals(1.0, f.metrics.recordsFailedInBatchJobCreation().count());
    }

    @Test
    void sageMakerObjectsAreGroupedPerBucketIntoWorkOfAtMostMaxBatchSize() {
        final JobIntake intake = intake(ServiceName.SAGEMAKER, true, 3);
        intake.offer(Events.objects("in", "sm/", 7));
        intake.offer(Events.objects("other", "sm/", 2));
        intake.take(f.clock.instant());
        assertEquals(0, f.work.size(), "groups are open until closed");

        intake.closeGroups(f.clock.instant(), false);

        // The full group of bucket "in" closes into 3 + 3 + 1; bucket "other" (2 < 3) waits for batch_wait.
        assertEquals(List.of(1, 3, 3), f.work.items().stream().map(item -> item.record.inputs().size()).sorted().toList());
        assertFalse(intake.isEmpty());
        f.clock.advance(BATCH_WAIT.minusMillis(1));
        intake.closeGroups(f.clock.instant(), false);
        assertEquals(3, f.work.size());
        f.clock.advance(Duration.ofMillis(1));
        intake.closeGroups(f.clock.instant(), false);
        assertEquals(4, f.work.size());
        assertTrue(intake.isEmpty());
        final WorkItem other = f.work.items().stream().filter(item -> item.record.inputs().get(0).bucket().equals("other")).findFirst().orElseThrow();
        assertEquals(2, other.events.size());
        assertEquals(List.of("sm/part-0000.jsonl", "sm/part-0001.jsonl"),
                other.record.inputs().stream().map(InputObject::key).sorted(Comparator.naturalOrder()).toList());
    }

    @Test
    void aForcedCloseTurnsEveryOpenGroupIntoWorkAndAReplayedGroupJoinsItsWork() {
        final JobIntake intake = intake(ServiceName.SAGEMAKER, true, 100);
        intake.offer(Events.objects("in", "forced/", 2));
        intake.take(f.clock.instant());
        intake.closeGroups(f.clock.instant(), true);
        assertEquals(1, f.work.size());
        assertTrue(intake.isEmpty());

        intake.offer(Events.objects("in", "forced/", 2));
        intake.take(f.clock.instant());

        assertEquals(1, f.work.size(), "the ledger knows each object's work");
        assertEquals(4, f.work.items().iterator().next().events.size());
    }
}
