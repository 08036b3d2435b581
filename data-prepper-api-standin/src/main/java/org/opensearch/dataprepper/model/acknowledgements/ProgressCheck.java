package org.opensearch.dataprepper.model.acknowledgements;

public interface ProgressCheck {
    /** The fraction of the set's events that are still pending. */
    Double getRatio();
}
