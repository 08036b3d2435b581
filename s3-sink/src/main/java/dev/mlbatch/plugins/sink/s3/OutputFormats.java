package dev.mlbatch.plugins.sink.s3;

import org.opensearch.dataprepper.model.configuration.PluginModel;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Picks the output format named by {@code codec} and checks its settings. */
public final class OutputFormats {
    private static final List<String> NDJSON_EXTENSIONS = List.of("ndjson", "jsonl");

    private OutputFormats() {
    }

    public static OutputFormat fromCodec(final PluginModel codec) {
        final String name = codec.getPluginName();
        final Map<String, Object> settings = codec.getPluginSettings() == null ? Map.of() : codec.getPluginSettings();
        if ("ndjson".equals(name)) {
            rejectUnknown(name, settings, Set.of("extension"));
            final Object extension = settings.getOrDefault("extension", NdjsonOutputFormat.DEFAULT_EXTENSION);
            // Upstream's NdjsonOutputCodec accepts these two, in any case.
            if (!(extension instanceof String) || !NDJSON_EXTENSIONS.contains(((String) extension).toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("codec.ndjson.extension '" + extension + "' is not supported; use "
                        + String.join(" or ", NDJSON_EXTENSIONS));
            }
            return new NdjsonOutputFormat(((String) extension).toLowerCase(Locale.ROOT));
        }
        if ("json".equals(name)) {
            rejectUnknown(name, settings, Set.of("key_name"));
            final Object keyName = settings.getOrDefault("key_name", JsonOutputFormat.DEFAULT_KEY_NAME);
            if (!(keyName instanceof String) || ((String) keyName).isEmpty()) {
                throw new IllegalArgumentException("codec.json.key_name must be a non-empty string");
            }
            return new JsonOutputFormat((String) keyName);
        }
        throw new IllegalArgumentException("codec '" + name + "' is not supported by the s3 sink; use ndjson or json");
    }

    private static void rejectUnknown(final String codec, final Map<String, Object> settings, final Set<String> known) {
        final Set<String> unknown = new HashSet<>(settings.keySet());
        unknown.removeAll(known);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("codec." + codec + " does not accept " + unknown
                    + (known.isEmpty() ? " (it has no settings)" : "; known settings: " + known));
        }
    }
}
