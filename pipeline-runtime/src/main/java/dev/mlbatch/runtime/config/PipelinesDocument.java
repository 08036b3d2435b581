package dev.mlbatch.runtime.config;

import java.util.List;
import java.util.Map;

/** All pipelines of one run (one file or a directory of files), plus the shared {@code extension} block. */
public record PipelinesDocument(List<PipelineDefinition> pipelines, Map<String, Object> extension) {
}
