package dev.mlbatch.stack.model;

import dev.mlbatch.stack.model.ModelServiceConfig.FaultRule;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * Decides, from the configured fault rules, whether a call is throttled or a job fails, expires or
 * ends partially. Each rule fires at most {@code count} times; replacing the config resets counts.
 */
public final class FaultInjector {

    /** A job fault that fired: what to do and the message to report. */
    public record JobFault(String action, String message) {
    }

    private record ArmedRule(FaultRule rule, Pattern jobName, AtomicInteger remaining) {
        boolean take() {
            if (remaining == null) {
                return true;
            }
            return remaining.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
        }
    }

    private volatile List<ArmedRule> rules = List.of();

    public void configure(List<FaultRule> faults) {
        rules = faults.stream().map(r -> new ArmedRule(r,
                r.jobName() == null ? null : Pattern.compile(r.jobName()),
                r.count() == null ? null : new AtomicInteger(r.count()))).toList();
    }

    /** True if this call must be answered with a throttling error. */
    public boolean throttle(String provider, String operation) {
        for (ArmedRule armed : rules) {
            FaultRule r = armed.rule();
            if ("throttle".equals(r.action()) && providerMatches(r, provider)
                    && (r.operation() == null || "*".equals(r.operation()) || r.operation().equals(operation))
                    && armed.take()) {
                return true;
            }
        }
        return false;
    }

    /** The first fail/expire/partial rule matching this job, consumed. */
    public Optional<JobFault> jobFault(String provider, String jobName) {
        for (ArmedRule armed : rules) {
            FaultRule r = armed.rule();
            if (("fail".equals(r.action()) || "expire".equals(r.action()) || "partial".equals(r.action()))
                    && providerMatches(r, provider)
                    && (armed.jobName() == null || armed.jobName().matcher(jobName).find())
                    && armed.take()) {
                return Optional.of(new JobFault(r.action(), r.message()));
            }
        }
        return Optional.empty();
    }

    private static boolean providerMatches(FaultRule r, String provider) {
        return r.provider() == null || "any".equals(r.provider()) || r.provider().equals(provider);
    }
}
