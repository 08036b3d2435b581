package dev.mlbatch.plugins.codec;

/** Told about each record a {@link ReportingInputCodec} skipped, as soon as it is found. */
@FunctionalInterface
public interface MalformedRecordHandler {
    void onMalformedRecord(MalformedRecord malformedRecord);
}
