package org.opensearch.dataprepper.model.configuration;

public interface PipelineDescription {
    String getPipelineName();

    int getNumberOfProcessWorkers();
}
