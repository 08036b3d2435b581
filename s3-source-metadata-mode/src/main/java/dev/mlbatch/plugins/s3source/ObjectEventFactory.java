package dev.mlbatch.plugins.s3source;

import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.event.EventType;
import org.opensearch.dataprepper.model.event.JacksonEvent;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds the metadata_only event of an object and decorates record events, as upstream's S3ObjectWorker does. */
public class ObjectEventFactory {
    static final String BUCKET = "bucket";
    static final String KEY = "key";
    static final String TIME = "time";
    static final String LENGTH = "length";

    /*
     * Event metadata (never data) naming the object version and the record's place in it, in every mode. The s3
     * sink's object_key.name_from_source names its objects after these, so that a re-run writes the same keys.
     */
    public static final String METADATA_BUCKET = "s3_bucket";
    public static final String METADATA_KEY = "s3_key";
    public static final String METADATA_ETAG = "s3_etag";
    /** 0-based position of the record among the records the codec read from the object (malformed ones not counted). */
    public static final String METADATA_RECORD_ORDINAL = "s3_record_ordinal";

    private final String metadataRootKey;
    private final boolean disableS3MetadataInEvent;
    private final Clock clock;

    public ObjectEventFactory(final String metadataRootKey, final boolean disableS3MetadataInEvent, final Clock clock) {
        this.metadataRootKey = normalizeRootKey(metadataRootKey);
        this.disableS3MetadataInEvent = disableS3MetadataInEvent;
        this.clock = clock;
    }

    private static String normalizeRootKey(final String rootKey) {
        String key = rootKey == null ? "" : rootKey;
        while (key.startsWith("/")) {
            key = key.substring(1);
        }
        return key.isEmpty() || key.endsWith("/") ? key : key + "/";
    }

    /** Exactly bucket, key, time (last modified, an Instant) and length, all from the listing. */
    public Event metadataEvent(final S3ObjectReference object) {
        final Map<String, Object> data = new LinkedHashMap<>();
        data.put(BUCKET, object.getBucket());
        data.put(KEY, object.getKey());
        data.put(TIME, object.getLastModified());
        data.put(LENGTH, object.getSize());
        final Event event = JacksonEvent.builder()
                .withEventType(EventType.DOCUMENT.toString())
                .withData(data)
                .build();
        setOriginationTime(event, object);
        addSourceAttributes(event, object, 0);
        return event;
    }

    /** Records the object version and the record's ordinal in the event's metadata. */
    public void addSourceAttributes(final Event event, final S3ObjectReference object, final long ordinal) {
        event.getMetadata().setAttribute(METADATA_BUCKET, object.getBucket());
        event.getMetadata().setAttribute(METADATA_KEY, object.getKey());
        event.getMetadata().setAttribute(METADATA_ETAG, object.getEtag());
        event.getMetadata().setAttribute(METADATA_RECORD_ORDINAL, ordinal);
    }

    /** data_and_metadata: adds bucket and key under metadata_root_key (unless disabled). */
    public void addObjectMetadata(final Event event, final S3ObjectReference object) {
        if (!disableS3MetadataInEvent) {
            event.put(metadataRootKey + BUCKET, object.getBucket());
            event.put(metadataRootKey + KEY, object.getKey());
        }
    }

    /** The object's last-modified time, or now when that lies in the future (upstream's rule). */
    public void setOriginationTime(final Event event, final S3ObjectReference object) {
        final Instant now = clock.instant();
        final Instant origin = object.getLastModified().isAfter(now) ? now : object.getLastModified();
        event.getMetadata().setExternalOriginationTime(origin);
        event.getEventHandle().setExternalOriginationTime(origin);
    }
}
