package dev.mlbatch.demo;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The batch jobs a provider (the local model service) received during one flow, with their states. */
public record ProviderJobs(List<Job> jobs) {

    /** SageMaker and Bedrock statuses, OpenAI's ({@code completed}) and Cohere's ({@code complete}). */
    private static final Set<String> SUCCEEDED = Set.of("Completed", "PartiallyCompleted", "completed", "complete");
    private static final Set<String> FAILED = Set.of("Failed", "Stopped", "Expired", "failed", "expired", "cancelled");

    public record Job(String name, String status, String reason) {
    }

    public int count() {
        return jobs.size();
    }

    /** A status of any of the four providers that means the job succeeded. */
    public static boolean succeeded(final String status) {
        return SUCCEEDED.contains(status);
    }

    /** A status of any of the four providers that means the job has ended, succeeded or not. */
    public static boolean ended(final String status) {
        return SUCCEEDED.contains(status) || FAILED.contains(status);
    }

    public long completed() {
        return jobs.stream().filter(j -> succeeded(j.status())).count();
    }

    public List<Job> failed() {
        return jobs.stream().filter(j -> FAILED.contains(j.status())).toList();
    }

    public boolean allEnded() {
        return jobs.stream().allMatch(j -> ended(j.status()));
    }

    /** e.g. {@code 3 (InProgress 1, Completed 2)}. */
    public String describe() {
        final Map<String, Integer> byStatus = new TreeMap<>();
        jobs.forEach(j -> byStatus.merge(j.status(), 1, Integer::sum));
        if (byStatus.isEmpty()) {
            return "0";
        }
        final StringBuilder sb = new StringBuilder().append(jobs.size()).append(" (");
        byStatus.forEach((status, n) -> sb.append(sb.charAt(sb.length() - 1) == '(' ? "" : ", ").append(status).append(' ').append(n));
        return sb.append(')').toString();
    }
}
