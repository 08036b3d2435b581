package dev.mlbatch.plugins.s3enrich;

import org.junit.jupiter.api.Test;

import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SourceObjectLocatorTest {

    @Test
    void withoutAPatternTheSourceIsTheOutputNameLessOut() throws Exception {
        final SourceObjectLocator locator = new SourceObjectLocator("bedrock/input/", null, "jsonl");
        assertEquals("bedrock/input/corpus-0a1b2c3d4e5f-0000000000.jsonl",
                locator.sourceKeyFor("bedrock/output/job-42/corpus-0a1b2c3d4e5f-0000000000.jsonl.out"));
    }

    @Test
    void upstreamsPatternTakesGroupOnePlusTheCodecExtension() throws Exception {
        final SourceObjectLocator locator = new SourceObjectLocator("bedrockbatch/originsource/",
                Pattern.compile("^(.*?)-\\d{4}-\\d{2}-\\d{2}T\\d{2}-\\d{2}-\\d{2}Z-.*\\.jsonl\\.out$"), "jsonl");
        assertEquals("bedrockbatch/originsource/test_batch_50k.jsonl", locator.sourceKeyFor(
                "out/x/test_batch_50k-2025-11-06T21-19-15Z-1762463955825635000-uuid.jsonl.out"));
    }

    @Test
    void aPatternMapsAnInputFileBackToItsRawDocumentFile() throws Exception {
        // The s3 sink's name_from_source: <raw name>-<12 hex>-<10-digit ordinal>.jsonl
        final SourceObjectLocator locator = new SourceObjectLocator("bedrock/raw/",
                Pattern.compile("^(.*)-[0-9a-f]{12}-[0-9]{10}\\.jsonl\\.out$"), "jsonl");
        assertEquals("bedrock/raw/corpus.jsonl",
                locator.sourceKeyFor("bedrock/output/job/corpus-0a1b2c3d4e5f-0000000500.jsonl.out"));
    }

    @Test
    void withoutAPrefixTheSourceSitsAtTheBucketRoot() throws Exception {
        assertEquals("a.jsonl", new SourceObjectLocator(null, null, "jsonl").sourceKeyFor("a.jsonl.out"));
        assertEquals("a.jsonl", new SourceObjectLocator(null, null, "jsonl").sourceKeyFor("out/a.jsonl.out/"),
                "a trailing / is ignored, as upstream");
    }

    @Test
    void aNameThatDoesNotMapIsAFailureNamingThePattern() {
        final SourceObjectLocator locator = new SourceObjectLocator("in/", Pattern.compile("^(.*)\\.jsonl\\.out$"), "jsonl");
        final EnrichmentFailure e = assertThrows(EnrichmentFailure.class, () -> locator.sourceKeyFor("out/manifest.json.out"));
        assertEquals(EnrichmentFailure.Reason.NAME_NOT_MAPPED, e.reason());
        assertTrue(e.getMessage().contains("manifest.json.out") && e.getMessage().contains("s3_object_name_pattern"), e.getMessage());

        final EnrichmentFailure noOut = assertThrows(EnrichmentFailure.class,
                () -> new SourceObjectLocator("in/", null, "jsonl").sourceKeyFor("out/a.jsonl"));
        assertEquals(EnrichmentFailure.Reason.NAME_NOT_MAPPED, noOut.reason());
        assertThrows(EnrichmentFailure.class, () -> new SourceObjectLocator("in/", null, "jsonl").sourceKeyFor("out/.out"));
    }
}
