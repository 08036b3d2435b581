package dev.mlbatch.stack.ml;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Prices for {@code mlbatch jobs}' cost estimate, in US dollars: SageMaker Batch Transform per instance-hour by
 * instance type, Bedrock, OpenAI and Cohere per 1,000 input tokens by model id. A JSON file:
 * <pre>
 * { "as_of": "2026-12-07",
 *   "sagemaker": { "per_instance_hour":   { "ml.m5.xlarge": 0.23 } },
 *   "bedrock":   { "per_1k_input_tokens": { "amazon.titan-embed-text-v2:0": 0.00001 } } }
 * </pre>
 * The jar ships example defaults ({@code mlbatch/prices.json}); a user's file replaces the entries it names and
 * keeps the others. Anything else in a file is refused with its file, line and key.
 */
public final class PriceTable {

    public static final String DEFAULTS_RESOURCE = "mlbatch/prices.json";
    static final String PER_INSTANCE_HOUR = "per_instance_hour";
    static final String PER_1K_INPUT_TOKENS = "per_1k_input_tokens";

    /** A price file that cannot be used; the message names the file, line and key. */
    public static final class Invalid extends Exception {
        public Invalid(String message) {
            super(message);
        }
    }

    private final Map<String, Double> prices;
    private final String asOf;
    private final String source;

    private PriceTable(Map<String, Double> prices, String asOf, String source) {
        this.prices = prices;
        this.asOf = asOf;
        this.source = source;
    }

    /** The shipped example prices. */
    public static PriceTable defaults() {
        try (InputStream in = PriceTable.class.getClassLoader().getResourceAsStream(DEFAULTS_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(DEFAULTS_RESOURCE + " is missing from the class path");
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return parse(new StringReader(text), "built-in " + DEFAULTS_RESOURCE, new HashMap<>(), null);
        } catch (IOException | Invalid e) {
            throw new IllegalStateException("the shipped " + DEFAULTS_RESOURCE + " does not parse: " + e.getMessage(), e);
        }
    }

    /** The defaults with {@code file}'s entries on top. */
    public static PriceTable load(Path file) throws Invalid {
        PriceTable base = defaults();
        if (!Files.isRegularFile(file)) {
            throw new Invalid(file + ": price file not found");
        }
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            // The file's own date only: the shipped examples' date would pass for the user's prices.
            PriceTable own = parse(reader, file.toString(), new HashMap<>(base.prices), null);
            return new PriceTable(own.prices, own.asOf, file + " over the shipped examples"
                    + base.asOf().map(d -> " of " + d).orElse(""));
        } catch (IOException e) {
            throw new Invalid(file + ": cannot read the price file: " + e.getMessage());
        }
    }

    /** {@code --prices FILE} if given, else {@code <state folder>/prices.json} if it exists, else the defaults. */
    public static PriceTable choose(Path explicit, Path stateFolder) throws Invalid {
        if (explicit != null) {
            return load(explicit);
        }
        Path inHome = stateFolder.resolve("prices.json");
        return Files.isRegularFile(inHome) ? load(inHome) : defaults();
    }

    /** Parses {@code text} as if it were the file {@code name} (for tests and the defaults). */
    public static PriceTable parse(String text, String name) throws Invalid {
        try {
            return parse(new StringReader(text), name, new HashMap<>(), null);
        } catch (IOException e) {
            throw new Invalid(name + ": " + e.getMessage());
        }
    }

    private static PriceTable parse(Reader reader, String name, Map<String, Double> into, String asOf) throws Invalid, IOException {
        String seenAsOf = asOf;
        try (JsonParser p = new JsonFactory().createParser(reader)) {
            p.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new Invalid(where(name, p, null) + "a price file is one JSON object ({\"sagemaker\": {...}, \"bedrock\": {...}})");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String provider = p.currentName();
                JsonToken value = p.nextToken();
                if (provider.equals("as_of") || provider.equals("note")) {
                    if (value != JsonToken.VALUE_STRING) {
                        throw new Invalid(where(name, p, provider) + "must be a string");
                    }
                    if (provider.equals("as_of")) {
                        seenAsOf = p.getText();
                    }
                    continue;
                }
                String unit = switch (provider) {
                    case "sagemaker" -> PER_INSTANCE_HOUR;
                    case "bedrock", "openai", "cohere" -> PER_1K_INPUT_TOKENS;
                    default -> throw new Invalid(where(name, p, provider)
                            + "unknown key; expected sagemaker, bedrock, openai, cohere, as_of or note");
                };
                expectObject(p, value, name, provider);
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = provider + "." + p.currentName();
                    if (!p.currentName().equals(unit)) {
                        throw new Invalid(where(name, p, key) + "unknown key; " + provider + " prices are under " + unit);
                    }
                    expectObject(p, p.nextToken(), name, key);
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String entry = key + "." + p.currentName();
                        if (p.currentName().isBlank()) {
                            throw new Invalid(where(name, p, entry) + "the model or instance type is empty");
                        }
                        JsonToken v = p.nextToken();
                        if (v != JsonToken.VALUE_NUMBER_INT && v != JsonToken.VALUE_NUMBER_FLOAT) {
                            throw new Invalid(where(name, p, entry) + "must be a number of US dollars, got " + shown(p, v));
                        }
                        double price = p.getDoubleValue();
                        if (!(price >= 0) || Double.isInfinite(price)) {
                            throw new Invalid(where(name, p, entry) + "must be 0 or more, got " + p.getText());
                        }
                        into.put(provider + "/" + p.currentName(), price);
                    }
                }
            }
            if (p.nextToken() != null) {
                throw new Invalid(where(name, p, null) + "text after the price object");
            }
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String line = at == null ? "" : ":" + at.getLineNr() + ":" + at.getColumnNr();
            throw new Invalid(name + line + ": not valid JSON: " + e.getOriginalMessage());
        }
        return new PriceTable(into, seenAsOf, name);
    }

    private static void expectObject(JsonParser p, JsonToken token, String name, String key) throws Invalid {
        if (token != JsonToken.START_OBJECT) {
            throw new Invalid(where(name, p, key) + "must be an object, got " + shown(p, token));
        }
    }

    private static String shown(JsonParser p, JsonToken token) {
        try {
            return switch (token) {
                case START_OBJECT -> "an object";
                case START_ARRAY -> "a list";
                case VALUE_STRING -> "the string \"" + p.getText() + "\"";
                default -> p.getText();
            };
        } catch (IOException e) {
            return token.toString();
        }
    }

    private static String where(String name, JsonParser p, String key) {
        JsonLocation at = p.currentTokenLocation();
        return name + ":" + at.getLineNr() + ": " + (key == null ? "" : "key '" + key + "': ");
    }

    /** US dollars per instance-hour of a SageMaker instance type. */
    public OptionalDouble perInstanceHour(String instanceType) {
        return find("sagemaker/" + instanceType);
    }

    /** US dollars per 1,000 input tokens of a model ({@code provider}: bedrock, openai, cohere). */
    public OptionalDouble per1kInputTokens(String provider, String model) {
        return find(provider + "/" + model);
    }

    private OptionalDouble find(String key) {
        Double price = prices.get(key);
        return price == null ? OptionalDouble.empty() : OptionalDouble.of(price);
    }

    /** The date the prices were taken from the providers' pages, if the file says. */
    public Optional<String> asOf() {
        return Optional.ofNullable(asOf);
    }

    /** Where the table came from (a file, or the built-in defaults). */
    public String source() {
        return source;
    }
}
