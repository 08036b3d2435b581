package dev.mlbatch.plugins.codec;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import com.fasterxml.jackson.core.StreamReadFeature;
import org.opensearch.dataprepper.model.annotations.DataPrepperPlugin;
import org.opensearch.dataprepper.model.annotations.DataPrepperPluginConstructor;
import org.opensearch.dataprepper.model.codec.InputCodec;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.record.Record;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * One event per CSV row, keyed by the header (the first row, or {@code header}, or column1, column2, ...). Rows
 * longer than the header get columnN names for the extra values; shorter rows carry only the values they have.
 * Quoted values may span lines. A CSV syntax error (e.g. an unterminated quote) ends parsing: the reader cannot
 * tell where the next row starts.
 */
@DataPrepperPlugin(name = "csv", pluginType = InputCodec.class, pluginConfigurationType = CsvInputCodecConfig.class)
public class CsvInputCodec implements ReportingInputCodec {
    private static final CsvMapper MAPPER = CsvMapper.builder()
            .disable(StreamReadFeature.AUTO_CLOSE_SOURCE)
            .enable(CsvParser.Feature.WRAP_AS_ARRAY)
            .enable(CsvParser.Feature.SKIP_EMPTY_LINES)
            .build();

    private final ObjectReader rowReader;
    private final boolean detectHeader;
    private final List<String> configuredHeader;

    @DataPrepperPluginConstructor
    public CsvInputCodec(final CsvInputCodecConfig config) {
        Objects.requireNonNull(config, "config");
        final CsvSchema schema = CsvSchema.emptySchema()
                .withColumnSeparator(config.getDelimiter().charAt(0))
                .withQuoteChar(config.getQuoteCharacter().charAt(0));
        this.rowReader = MAPPER.readerForListOf(String.class).with(schema);
        this.detectHeader = config.isDetectHeader();
        this.configuredHeader = config.getHeader() == null ? List.of() : List.copyOf(config.getHeader());
    }

    @Override
    public void parse(final InputStream inputStream, final Consumer<Record<Event>> eventConsumer,
                      final MalformedRecordHandler malformedRecordHandler) throws IOException {
        Objects.requireNonNull(inputStream, "inputStream");
        Objects.requireNonNull(eventConsumer, "eventConsumer");
        Objects.requireNonNull(malformedRecordHandler, "malformedRecordHandler");
        List<String> header = configuredHeader;
        try (MappingIterator<List<String>> rows = rowReader.readValues(new InputStreamReader(inputStream, StandardCharsets.UTF_8))) {
            if (detectHeader) {
                if (!rows.hasNextValue()) {
                    return;
                }
                header = new ArrayList<>(rows.nextValue());
            }
            while (rows.hasNextValue()) {
                final List<String> row = rows.nextValue();
                final Map<String, Object> data = new LinkedHashMap<>(row.size() * 2);
                for (int i = 0; i < row.size(); i++) {
                    data.put(i < header.size() ? header.get(i) : "column" + (i + 1), row.get(i));
                }
                eventConsumer.accept(LogRecords.of(data));
            }
        } catch (final JsonProcessingException syntaxError) {
            final MalformedRecord fatal = fatal(syntaxError);
            malformedRecordHandler.onMalformedRecord(fatal);
            throw new MalformedRecordsException(List.of(fatal), 1, false);
        }
    }

    private static MalformedRecord fatal(final JsonProcessingException error) {
        final JsonLocation location = error.getLocation();
        return location == null ? new MalformedRecord(1, -1, error.getOriginalMessage())
                : MalformedRecord.fromParseError(error, 1);
    }
}
