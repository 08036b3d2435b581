package dev.mlbatch.plugins.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** Builds the mappers the codecs parse with: they never close the caller's stream. */
final class JsonMappers {
    private JsonMappers() {
    }

    static ObjectMapper leavingStreamOpen() {
        return new JsonMapper(JsonFactory.builder().disable(StreamReadFeature.AUTO_CLOSE_SOURCE).build());
    }

    static ObjectMapper leavingStreamOpen(final int maxStringLength) {
        return new JsonMapper(JsonFactory.builder()
                .disable(StreamReadFeature.AUTO_CLOSE_SOURCE)
                .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(maxStringLength).build())
                .build());
    }
}
