package org.opensearch.dataprepper.metrics;

public class MetricNames {
    private MetricNames() {
    }

    public static final String RECORDS_IN = "recordsIn";
    public static final String RECORDS_OUT = "recordsOut";
    public static final String TIME_ELAPSED = "timeElapsed";
    public static final String RECORDS_WRITTEN = "recordsWritten";
    public static final String RECORDS_READ = "recordsRead";
    public static final String RECORDS_PROCESSED = "recordsProcessed";
    public static final String WRITE_TIMEOUTS = "writeTimeouts";
    public static final String RECORDS_IN_BUFFER = "recordsInBuffer";
    public static final String RECORDS_INFLIGHT = "recordsInFlight";
}
