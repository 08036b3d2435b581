package dev.mlbatch.stack.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rate, ETA and cost from remote_job documents of the shapes ML Commons stores (numbers come back as doubles). */
class JobProgressTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant SUBMIT = Instant.parse("2026-12-07T16:38:00Z");

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text.replace('\'', '"'));
    }

    private static JsonNode bedrock(String status, double processed, double total, String end) throws Exception {
        return json("{'jobArn':'arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/fi7w30et83fz',"
                + "'modelId':'amazon.titan-embed-text-v2:0','status':'" + status + "','submitTime':'" + SUBMIT + "',"
                + (end == null ? "" : "'endTime':'" + end + "',")
                + "'processedRecordCount':" + processed + ",'totalRecordCount':" + total + "}");
    }

    @Test
    void bedrockRateAndEtaAreAveragesSinceSubmit() throws Exception {
        JobProgress p = JobProgress.of(bedrock("InProgress", 200.0, 500.0, null));
        assertEquals(JobProgress.Provider.BEDROCK, p.provider());
        Instant now = SUBMIT.plusSeconds(40);
        assertEquals(5.0, p.recordsPerSecond(now).getAsDouble(), 1e-9);
        // 300 records left at 5/s
        assertEquals(Optional.of(Duration.ofSeconds(60)), p.eta(now));
    }

    @Test
    void anEndedJobHasNoTimeLeftAndItsRateStopsAtTheEnd() throws Exception {
        JobProgress p = JobProgress.of(bedrock("Completed", 100.0, 100.0, "2026-12-07T16:38:20Z"));
        Instant muchLater = SUBMIT.plusSeconds(3600);
        assertEquals(5.0, p.recordsPerSecond(muchLater).getAsDouble(), 1e-9);
        assertEquals(Optional.of(Duration.ZERO), p.eta(muchLater));
    }

    @Test
    void noRecordDoneYetGivesARateOfZeroAndNoEta() throws Exception {
        JobProgress p = JobProgress.of(bedrock("InProgress", 0.0, 500.0, null));
        assertEquals(0.0, p.recordsPerSecond(SUBMIT.plusSeconds(10)).getAsDouble());
        assertTrue(p.eta(SUBMIT.plusSeconds(10)).isEmpty());
        assertTrue(p.recordsPerSecond(SUBMIT).isEmpty(), "no time has passed");
    }

    @Test
    void bedrockBeforeItsCountsAreReportedHasNone() throws Exception {
        JobProgress p = JobProgress.of(json("{'jobArn':'arn:x/abc','status':'Submitted','submitTime':'" + SUBMIT + "'}"));
        assertFalse(p.hasCounts());
        assertTrue(p.recordsPerSecond(SUBMIT.plusSeconds(5)).isEmpty());
        assertTrue(p.eta(SUBMIT.plusSeconds(5)).isEmpty());
    }

    @Test
    void openAiCountsCompletedAndFailedRequestsFromInProgress() throws Exception {
        JobProgress p = JobProgress.of(json("{'object':'batch','status':'in_progress','created_at':1796661000.0,"
                + "'in_progress_at':1796661010.0,'completed_at':null,'request_counts':{'total':10.0,'completed':3.0,'failed':1.0}}"));
        assertEquals(JobProgress.Provider.OPENAI, p.provider());
        Instant now = Instant.ofEpochSecond(1796661020);
        assertEquals(4, p.done());
        assertEquals(0.4, p.recordsPerSecond(now).getAsDouble(), 1e-9);
        assertEquals(Optional.of(Duration.ofSeconds(15)), p.eta(now));
    }

    @Test
    void sageMakerAndCohereReportNoCounts() throws Exception {
        JsonNode sm = json("{'TransformJobName':'j','TransformJobStatus':'InProgress','TransformStartTime':1796661388.841,"
                + "'TransformResources':{'InstanceCount':2.0,'InstanceType':'ml.m5.xlarge'}}");
        JobProgress p = JobProgress.of(sm);
        assertEquals(JobProgress.Provider.SAGEMAKER, p.provider());
        assertTrue(p.recordsPerSecond(Instant.ofEpochSecond(1796662000)).isEmpty());
        assertTrue(p.eta(Instant.ofEpochSecond(1796662000)).isEmpty());
        JobProgress cohere = JobProgress.of(json("{'job_id':'e6ab','input_dataset_id':'d','status':'processing','created_at':'" + SUBMIT + "'}"));
        assertEquals(JobProgress.Provider.COHERE, cohere.provider());
        assertFalse(cohere.hasCounts());
    }

    @Test
    void sageMakerCostIsInstancesTimesHoursTimesPrice() throws Exception {
        PriceTable prices = PriceTable.parse("{'sagemaker':{'per_instance_hour':{'ml.m5.xlarge':0.5}}}".replace('\'', '"'), "t.json");
        JsonNode sm = json("{'TransformJobName':'j','TransformStartTime':1000.0,'TransformEndTime':2800.0,"
                + "'TransformResources':{'InstanceCount':2.0,'InstanceType':'ml.m5.xlarge'}}");
        // 2 instances x 0.5 h x $0.5
        JobCost cost = JobCost.estimate(sm, JobProgress.of(sm), prices, OptionalLong.empty(), Instant.ofEpochSecond(99999));
        assertEquals(0.5, cost.amount(), 1e-12);
        JsonNode running = json("{'TransformJobName':'j','TransformStartTime':1000.0,"
                + "'TransformResources':{'InstanceCount':1.0,'InstanceType':'ml.m5.xlarge'}}");
        assertEquals(0.25, JobCost.estimate(running, JobProgress.of(running), prices, OptionalLong.empty(),
                Instant.ofEpochSecond(1000 + 1800)).amount(), 1e-12);
        JsonNode other = json("{'TransformJobName':'j','TransformStartTime':1000.0,"
                + "'TransformResources':{'InstanceCount':1.0,'InstanceType':'ml.p3.2xlarge'}}");
        JobCost unpriced = JobCost.estimate(other, JobProgress.of(other), prices, OptionalLong.empty(), Instant.ofEpochSecond(2000));
        assertFalse(unpriced.known());
        assertEquals("no price for sagemaker ml.p3.2xlarge", unpriced.why());
        assertEquals("n/a", JobsTable.dollars(unpriced));
    }

    @Test
    void bedrockCostNeedsTheManifestsTokenCount() throws Exception {
        PriceTable prices = PriceTable.parse("{'bedrock':{'per_1k_input_tokens':{'amazon.titan-embed-text-v2:0':0.00002}}}"
                .replace('\'', '"'), "t.json");
        JsonNode job = bedrock("Completed", 500.0, 500.0, "2026-12-07T16:39:00Z");
        JobProgress p = JobProgress.of(job);
        assertFalse(JobCost.estimate(job, p, prices, OptionalLong.empty(), SUBMIT).known());
        JobCost cost = JobCost.estimate(job, p, prices, OptionalLong.of(250_000), SUBMIT);
        assertEquals(0.005, cost.amount(), 1e-12);
        assertEquals("$0.0050", JobsTable.dollars(cost));
        assertEquals("$0.000012", JobsTable.dollars(new JobCost(0.0000123, null)));
        assertEquals("$12.35", JobsTable.dollars(new JobCost(12.345, null)));
        JsonNode openAi = json("{'object':'batch','request_counts':{'total':1.0,'completed':1.0,'failed':0.0}}");
        assertFalse(JobCost.estimate(openAi, JobProgress.of(openAi), prices, OptionalLong.of(5), SUBMIT).known());
    }

    @Test
    void formatting() {
        assertEquals("n/a", JobsTable.rate(java.util.OptionalDouble.empty()));
        assertEquals("2.50", JobsTable.rate(java.util.OptionalDouble.of(2.5)));
        assertEquals("333", JobsTable.rate(java.util.OptionalDouble.of(333.4)));
        assertEquals("1m5s", JobsTable.age(Duration.ofSeconds(65)));
        assertEquals("2h3m", JobsTable.age(Duration.ofMinutes(123)));
    }
}
