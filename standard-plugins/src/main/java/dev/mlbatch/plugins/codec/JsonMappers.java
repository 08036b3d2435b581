package dev.mlbatch.plugins.codec;

import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Builds the mappers the codecs parse with: they never close the caller's stream, and parse numbers with Jackson's
 * fast double parser (a line of 384 floats spends most of its parse time there otherwise).
 */
final class JsonMappers {
    private JsonMappers() {
    }

    static ObjectMapper leavingStreamOpen() {
        return new JsonMapper(factory().build());
    }

    static ObjectMapper leavingStreamOpen(final int maxStringLength) {
        return new JsonMapper(factory()
                .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(maxStringLength).build())
                .build());
    }

    private static JsonFactoryBuilder factory() {
        return new JsonFactoryBuilder()
                .disable(StreamReadFeature.AUTO_CLOSE_SOURCE)
                .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER);
    }
}
