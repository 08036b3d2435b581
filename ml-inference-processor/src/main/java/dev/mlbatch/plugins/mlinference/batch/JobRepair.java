package dev.mlbatch.plugins.mlinference.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlbatch.plugins.mlinference.client.TaskStatus;
import dev.mlbatch.plugins.mlinference.config.ServiceName;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps the good records of a job that went wrong. Two cases:
 * <ul>
 *   <li><b>A job failed</b> for a reason no retry of the same input can change (a validation or client error), or
 *       kept failing: if the reason names the record ("record 7 of s3://…", "line 3 of s3://…") that record is
 *       dead-lettered and the rest go on in one derived job; otherwise the work is halved (its objects, or the
 *       records of its one object) until the bad records stand alone and are dead-lettered with the reason.</li>
 *   <li><b>A Bedrock job completed partially</b> ({@code PartiallyCompleted}, or per-record errors in its output):
 *       its output is compared with its input; records the provider refused (HTTP 4xx in the record's error) are
 *       dead-lettered with the provider's message, records it left out or failed on its side go on in a follow-up
 *       job, at most max_job_attempts follow-ups deep.</li>
 * </ul>
 * Derived input files are written under staging_path with names that follow from the work they come from, so
 * repeating a repair (after a crash) derives the same jobs.
 */
public class JobRepair {
    private static final Pattern NAMED_RECORD = Pattern.compile("(?i)\\b(?:record|line) (\\d+) of (s3://[^\\s:)]+)");
    /** Failures about the job as a whole, which no split can change. */
    private static final List<String> NOT_SPLITTABLE = List.of(
            "less than the minimum", "no s3 objects found", "no .jsonl files", "manifest", "unable to read",
            "unsupported file extension", "access denied", "accessdenied", "not authorized", "s3datatype");
    private static final List<String> DETERMINISTIC = List.of(
            "clienterror", "validationexception", "validation", "invalid json", "invalid input", "is blank",
            "does not have a modelinput", "malformed", "exceeds the maximum",
            // about the job as a whole, but no retry of the same input changes them either
            "unsupported file extension", "less than the minimum",
            // OpenAI's batch validation error codes (a failed batch lists them in errors.data)
            "invalid_json_line", "missing_required_parameter", "invalid_method", "invalid_url", "duplicate_custom_id",
            "model_not_found", "mismatched_model", "empty_file", "too_many_requests");
    private static final int MAX_GENERATION = 64;

    /** A record given up on, and why. */
    public record DeadRecord(InputObject from, InputRecord record, int status, String reason) {
    }

    /**
     * What to do instead of the work: derived work, records to dead-letter, a line for the log, and (after a partial
     * job) how many records had no output and how many the provider failed on its side.
     */
    public record Plan(List<JobRecord> derived, List<DeadRecord> deadRecords, String summary, int missing, int failed) {
        Plan(final List<JobRecord> derived, final List<DeadRecord> deadRecords, final String summary) {
            this(derived, deadRecords, summary, 0, 0);
        }
    }

    private final InputFiles files;
    private final RecordScreen screen;
    private final JobNamer namer;
    private final BatchPredictRequestFactory requests;
    private final int maxFollowUps;
    private final ObjectMapper mapper;
    private final Clock clock;
    /** OpenAI / Cohere: copies the outputs into S3 and says how each record fared; null for SageMaker and Bedrock. */
    private final HostedBatchApi hosted;

    public JobRepair(final InputFiles files, final RecordScreen screen, final JobNamer namer, final BatchPredictRequestFactory requests,
                     final int maxFollowUps, final ObjectMapper mapper, final Clock clock) {
        this(files, screen, namer, requests, maxFollowUps, mapper, clock, null);
    }

    public JobRepair(final InputFiles files, final RecordScreen screen, final JobNamer namer, final BatchPredictRequestFactory requests,
                     final int maxFollowUps, final ObjectMapper mapper, final Clock clock, final HostedBatchApi hosted) {
        this.hosted = hosted;
        this.files = files;
        this.screen = screen;
        this.namer = namer;
        this.requests = requests;
        this.maxFollowUps = maxFollowUps;
        this.mapper = mapper;
        this.clock = clock;
    }

    /** Repairs nothing: for wiring without S3 access (unit tests of other behaviour). */
    public static JobRepair none() {
        return new JobRepair(null, null, null, null, 0, null, null) {
            @Override
            public Optional<Plan> afterFailure(final JobRecord record, final String reason) {
                return Optional.empty();
            }

            @Override
            public Optional<Plan> afterCompletion(final JobRecord record, final TaskStatus status) {
                return Optional.empty();
            }

            @Override
            public boolean outputGone(final JobRecord record, final TaskStatus status, final ServiceName service) {
                return false;
            }
        };
    }

    /**
     * For a job found by name rather than created by us (a replay after its ledger was lost, or a run over inputs a
     * finished job already had): true when it ended successfully but left nothing under its output location — the
     * outputs were deleted since, so the job must run again rather than count as done.
     */
    public boolean outputGone(final JobRecord record, final TaskStatus status, final ServiceName service) {
        if (service.isHostedApi()) {
            // The S3 copy is made again from the provider's outputs on completion; what can be gone is those outputs.
            return hosted != null && hosted.outputsGone(status);
        }
        final String uri = service == ServiceName.SAGEMAKER ? requests.sageMakerOutputUri(record.jobName())
                : requests.bedrockJobOutputUri(status.remoteJob().path("jobArn").asText(""));
        return !files.hasObjects(InputFiles.S3Location.parse(uri));
    }

    /** True when retrying the same input cannot succeed: the provider judged the input itself. */
    public static boolean isDeterministic(final String reason) {
        final String text = reason == null ? "" : reason.toLowerCase(Locale.ROOT);
        return DETERMINISTIC.stream().anyMatch(text::contains);
    }

    /** @return how to go on without the bad records, or empty when splitting cannot help (then dead-letter the work) */
    public Optional<Plan> afterFailure(final JobRecord record, final String reason) {
        final String text = reason == null ? "" : reason.toLowerCase(Locale.ROOT);
        if (NOT_SPLITTABLE.stream().anyMatch(text::contains) || record.generation() >= MAX_GENERATION) {
            return Optional.empty();
        }
        final Matcher named = NAMED_RECORD.matcher(reason == null ? "" : reason);
        if (named.find()) {
            final Optional<Plan> plan = withoutNamedRecord(record, reason, Integer.parseInt(named.group(1)), named.group(2));
            if (plan.isPresent()) {
                return plan;
            }
        }
        if (record.inputs().size() > 1) {
            final int half = record.inputs().size() / 2;
            final List<JobRecord> parts = List.of(
                    derived(record, record.inputs().subList(0, half), null, false, "first half of " + record.jobName() + " (" + reason + ")"),
                    derived(record, record.inputs().subList(half, record.inputs().size()), null, false,
                            "second half of " + record.jobName() + " (" + reason + ")"));
            return Optional.of(new Plan(parts, List.of(), "split its " + record.inputs().size() + " input objects into two jobs "
                    + parts.get(0).jobName() + " and " + parts.get(1).jobName()));
        }
        final InputObject input = record.inputs().get(0);
        final List<InputRecord> records = read(input);
        if (records.size() <= 1) {
            return Optional.of(new Plan(List.of(), records.stream().map(r -> new DeadRecord(input, r, 400, reason)).toList(),
                    "dead-lettered its only record"));
        }
        final int half = records.size() / 2;
        final List<JobRecord> parts = new ArrayList<>();
        final List<List<InputRecord>> halves = List.of(records.subList(0, half), records.subList(half, records.size()));
        for (int i = 0; i < 2; i++) {
            final InputObject copy = files.writeStaged(input, JobNamer.shortHash(record.workKey() + "/part" + i), halves.get(i));
            parts.add(derived(record, List.of(copy), halves.get(i).size(), false,
                    (i == 0 ? "first" : "second") + " half of the records of " + record.jobName() + " (" + reason + ")"));
        }
        return Optional.of(new Plan(parts, List.of(), "split its " + records.size() + " records into two jobs "
                + parts.get(0).jobName() + " and " + parts.get(1).jobName()));
    }

    private Optional<Plan> withoutNamedRecord(final JobRecord record, final String reason, final int ordinal, final String uri) {
        final InputObject named = record.inputs().stream().filter(i -> i.s3Uri().equals(uri)).findFirst().orElse(null);
        if (named == null) {
            return Optional.empty();
        }
        final List<InputRecord> records = read(named);
        final InputRecord bad = records.stream().filter(r -> r.ordinal() == ordinal).findFirst().orElse(null);
        if (bad == null) {
            return Optional.empty();
        }
        final List<InputRecord> rest = records.stream().filter(r -> r != bad).toList();
        final List<InputObject> inputs = new ArrayList<>();
        Integer count = null;
        for (final InputObject input : record.inputs()) {
            if (input != named) {
                inputs.add(input);
            } else if (!rest.isEmpty()) {
                inputs.add(files.writeStaged(named, JobNamer.shortHash(record.workKey() + "/without-" + ordinal), rest));
                count = record.inputs().size() == 1 ? rest.size() : null;
            }
        }
        final List<DeadRecord> dead = List.of(new DeadRecord(named, bad, 400, reason));
        if (inputs.isEmpty()) {
            return Optional.of(new Plan(List.of(), dead, "dead-lettered record " + ordinal + " of " + uri));
        }
        final JobRecord next = derived(record, inputs, count, false, "without record " + ordinal + " of " + uri + " (" + reason + ")");
        return Optional.of(new Plan(List.of(next), dead, "dead-lettered record " + ordinal + " of " + uri
                + " and resubmitted the rest as " + next.jobName()));
    }

    /**
     * Compares a completed Bedrock job's output with its input.
     * @return empty when every record has its output; else the follow-up and the records given up on
     */
    public Optional<Plan> afterCompletion(final JobRecord record, final TaskStatus status) {
        if (hosted != null) {
            return afterHostedCompletion(record, hosted.copyOutputs(record, status));
        }
        final String outputUri = requests.bedrockJobOutputUri(status.remoteJob().path("jobArn").asText(""));
        final InputFiles.S3Location output = InputFiles.S3Location.parse(outputUri);
        final boolean partial = status.providerStatus().map("PartiallyCompleted"::equalsIgnoreCase).orElse(false);
        if (!partial && !manifestShowsErrors(output)) {
            return Optional.empty();
        }
        final List<InputRecord> retry = new ArrayList<>();
        final List<DeadRecord> dead = new ArrayList<>();
        int total = 0;
        int missing = 0;
        InputObject retryFrom = null;
        for (final InputObject input : record.inputs()) {
            final Map<String, JsonNode> outcomes = outcomes(output, input);
            for (final InputRecord inputRecord : read(input)) {
                total++;
                final JsonNode outcome = outcomes.get(matchKey(inputRecord));
                if (outcome == null) {
                    missing++;
                    retry.add(inputRecord);
                    retryFrom = input;
                } else if (outcome.has("error")) {
                    final int code = outcome.path("error").path("errorCode").asInt(500);
                    final String message = outcome.path("error").path("errorMessage").asText("no message");
                    if (isRefusal(code)) {
                        dead.add(new DeadRecord(input, inputRecord, code, "job " + record.jobName() + ": the provider could not embed this record: "
                                + message));
                    } else {
                        retry.add(inputRecord);
                        retryFrom = input;
                    }
                }
            }
        }
        return planFollowUp(record, retry, dead, total, missing, retryFrom);
    }

    /**
     * What to do after comparing a job's outputs with its input: the refused records are dead-lettered; those left
     * out or failed on the provider's side go into one follow-up job, unless the follow-ups are used up.
     */
    private Optional<Plan> planFollowUp(final JobRecord record, final List<InputRecord> retry, final List<DeadRecord> dead,
                                        final int total, final int missing, final InputObject retryFrom) {
        if (retry.isEmpty() && dead.isEmpty()) {
            return Optional.empty();
        }
        final String counts = missing + " of " + total + " record(s) without output, " + (retry.size() - missing)
                + " failed on the provider's side, " + dead.size() + " refused";
        final int failedOrRefused = retry.size() - missing + dead.size();
        if (retry.isEmpty()) {
            return Optional.of(new Plan(List.of(), dead, counts, missing, failedOrRefused));
        }
        if (record.followUps() >= maxFollowUps) {
            final String why = "job " + record.jobName() + " left this record out after " + record.followUps() + " follow-up job(s)";
            for (final InputRecord inputRecord : retry) {
                dead.add(new DeadRecord(retryFrom, inputRecord, 500, why));
            }
            return Optional.of(new Plan(List.of(), dead, counts + "; no follow-up left (max_job_attempts)", missing, failedOrRefused));
        }
        final InputObject copy = files.writeStaged(retryFrom, JobNamer.shortHash(record.workKey() + "/follow-up"), retry);
        final JobRecord next = derived(record, List.of(copy), retry.size(), true, "follow-up of " + record.jobName() + ": " + counts);
        return Optional.of(new Plan(List.of(next), dead, counts + "; resubmitting " + retry.size() + " as " + next.jobName(),
                missing, failedOrRefused));
    }

    /** A 4xx answer about the record itself (not a timeout or throttling): sending it again cannot help. */
    private static boolean isRefusal(final int status) {
        return status >= 400 && status < 500 && status != 408 && status != 429;
    }

    /**
     * Compares an OpenAI / Cohere job's outputs (already copied into S3) with its input, record by record (OpenAI
     * {@code custom_id}, Cohere {@code id}, else Cohere's echoed text), as for a partially completed Bedrock job.
     */
    private Optional<Plan> afterHostedCompletion(final JobRecord record, final HostedBatchApi.CopiedOutputs outputs) {
        final List<InputRecord> retry = new ArrayList<>();
        final List<DeadRecord> dead = new ArrayList<>();
        int total = 0;
        int missing = 0;
        InputObject retryFrom = null;
        for (final InputObject input : record.inputs()) {
            for (final InputRecord inputRecord : read(input)) {
                total++;
                final HostedBatchApi.RecordOutcome outcome = hostedOutcome(outputs, inputRecord);
                if (outcome != null && outcome.succeeded()) {
                    continue;
                }
                if (outcome == null) {
                    missing++;
                    retry.add(inputRecord);
                    retryFrom = input;
                } else if (isRefusal(outcome.status())) {
                    dead.add(new DeadRecord(input, inputRecord, outcome.status(), "job " + record.jobName() + ": " + hosted.providerName()
                            + " could not embed this record: " + outcome.message()));
                } else {
                    retry.add(inputRecord);
                    retryFrom = input;
                }
            }
        }
        return planFollowUp(record, retry, dead, total, missing, retryFrom);
    }

    private HostedBatchApi.RecordOutcome hostedOutcome(final HostedBatchApi.CopiedOutputs outputs, final InputRecord inputRecord) {
        final JsonNode node;
        try {
            node = mapper.readTree(inputRecord.text());
        } catch (final IOException e) {
            return null;
        }
        if (node == null || !node.isObject()) {
            return null;
        }
        final Optional<String> id = hosted.recordId(node);
        if (id.isPresent() && outputs.byId().containsKey(id.get())) {
            return outputs.byId().get(id.get());
        }
        return hosted.recordText(node).map(outputs.byText()::get).orElse(null);
    }

    private boolean manifestShowsErrors(final InputFiles.S3Location output) {
        final Optional<List<String>> manifest = files.readLines(output.bucket(), output.prefix() + "manifest.json.out");
        if (manifest.isEmpty() || manifest.get().isEmpty()) {
            return false;
        }
        try {
            final JsonNode counts = mapper.readTree(String.join("\n", manifest.get()));
            return counts.path("errorRecordCount").asLong(0) > 0
                    || counts.path("processedRecordCount").asLong(0) < counts.path("totalRecordCount").asLong(0);
        } catch (final IOException e) {
            return true;
        }
    }

    /** The output lines for one input file, by record id (or by model input, for records without one). */
    private Map<String, JsonNode> outcomes(final InputFiles.S3Location output, final InputObject input) {
        final Map<String, JsonNode> outcomes = new HashMap<>();
        final List<String> lines = files.readLines(output.bucket(), output.prefix() + InputFiles.fileName(input.key()) + ".out").orElse(List.of());
        for (final String line : lines) {
            try {
                final JsonNode node = mapper.readTree(line);
                outcomes.put(node.hasNonNull("recordId") ? "id:" + node.get("recordId").asText() : "input:" + node.path("modelInput"), node);
            } catch (final IOException e) {
                // A torn output line tells nothing about its record: the record counts as missing.
            }
        }
        return outcomes;
    }

    private String matchKey(final InputRecord record) {
        final Optional<String> id = screen.recordId(record);
        if (id.isPresent()) {
            return "id:" + id.get();
        }
        try {
            return "input:" + mapper.readTree(record.text()).path("modelInput");
        } catch (final IOException e) {
            return "input:?";
        }
    }

    private List<InputRecord> read(final InputObject input) {
        return files.read(input).map(InputFiles.Content::records)
                .orElseThrow(() -> new IllegalStateException("input object " + input.s3Uri() + " no longer exists"));
    }

    private JobRecord derived(final JobRecord parent, final List<InputObject> inputs, final Integer records, final boolean followUp,
                              final String why) {
        final String workKey = namer.workKey(inputs);
        return parent.derive(workKey, inputs, records, namer.jobName(workKey, 1), followUp, why, clock.instant());
    }
}
