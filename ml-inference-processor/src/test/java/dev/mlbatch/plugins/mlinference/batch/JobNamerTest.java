package dev.mlbatch.plugins.mlinference.batch;

import dev.mlbatch.plugins.mlinference.config.ServiceName;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JobNamerTest {
    private final JobNamer namer = new JobNamer(ServiceName.BEDROCK, "model-1", "s3://out/x");
    private final InputObject a = new InputObject("in", "data/part-0001.jsonl", "modified:1753870500,length:6234");
    private final InputObject b = new InputObject("in", "data/part-0002.jsonl", "modified:1753870500,length:6234");

    @Test
    void sameObjectVersionGivesTheSameNameEveryTime() {
        final JobNamer other = new JobNamer(ServiceName.BEDROCK, "model-1", "s3://out/x");
        assertEquals(namer.jobName(namer.workKey(List.of(a)), 1), other.jobName(other.workKey(List.of(
                new InputObject("in", "data/part-0001.jsonl", "modified:1753870500,length:6234"))), 1));
    }

    @Test
    void groupNamesIgnoreArrivalOrder() {
        assertEquals(namer.workKey(List.of(a, b)), namer.workKey(List.of(b, a)));
    }

    @Test
    void anythingThatChangesTheWorkChangesTheName() {
        final String base = namer.jobName(namer.workKey(List.of(a)), 1);
        final Set<String> names = new HashSet<>();
        names.add(base);
        names.add(namer.jobName(namer.workKey(List.of(a)), 2));
        names.add(namer.jobName(namer.workKey(List.of(b)), 1));
        names.add(namer.jobName(namer.workKey(List.of(new InputObject("in", a.key(), "etag:abc"))), 1));
        names.add(namer.jobName(namer.workKey(List.of(new InputObject("in", a.key(), "modified:1753870501,length:6234"))), 1));
        names.add(nameFor(new JobNamer(ServiceName.BEDROCK, "model-2", "s3://out/x"), a));
        names.add(nameFor(new JobNamer(ServiceName.SAGEMAKER, "model-1", "s3://out/x"), a));
        names.add(nameFor(new JobNamer(ServiceName.BEDROCK, "model-1", "s3://out/y"), a));
        assertEquals(8, names.size(), names.toString());
    }

    private static String nameFor(final JobNamer namer, final InputObject input) {
        return namer.jobName(namer.workKey(List.of(input)), 1);
    }

    @Test
    void namesFitSageMakerAndBedrockRules() {
        for (int attempt = 1; attempt <= 100; attempt++) {
            final String name = namer.jobName(namer.workKey(List.of(a, b)), attempt);
            assertTrue(name.length() <= 63, name);
            assertTrue(name.matches("^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$"), name);
            assertTrue(name.matches("^[a-zA-Z0-9]{1,63}(-*[a-zA-Z0-9+\\-.]){0,63}$"), name);
            assertTrue(name.startsWith("mlb-") && name.endsWith("-a" + attempt), name);
            assertEquals(name.toLowerCase(), name, "lower case, so it survives ARN lower-casing");
        }
        assertThrows(IllegalArgumentException.class, () -> namer.jobName(namer.workKey(List.of(a)), 0));
    }

    @Test
    void manifestNameIsSharedByAttempts() {
        final String workKey = namer.workKey(List.of(a, b));
        assertTrue(namer.jobName(workKey, 1).startsWith(namer.manifestName(workKey)));
        assertTrue(namer.jobName(workKey, 2).startsWith(namer.manifestName(workKey)));
        assertNotEquals(namer.jobName(workKey, 1), namer.jobName(workKey, 2));
    }

    @Test
    void recognisesItsOwnManifestsOnly() {
        final String name = "mlb-" + "0123456789abcdef0123456789abcdef";
        org.junit.jupiter.api.Assertions.assertTrue(JobNamer.isOwnManifest("sagemaker/input/" + name + "/" + name + ".manifest"));
        org.junit.jupiter.api.Assertions.assertTrue(JobNamer.isOwnManifest(name + "/" + name + ".manifest"));
        org.junit.jupiter.api.Assertions.assertFalse(JobNamer.isOwnManifest("sagemaker/input/" + name + "/other.manifest"));
        org.junit.jupiter.api.Assertions.assertFalse(JobNamer.isOwnManifest("sagemaker/input/data.manifest"));
        org.junit.jupiter.api.Assertions.assertFalse(JobNamer.isOwnManifest("sagemaker/input/" + name + "/" + name + ".jsonl"));
    }
}
