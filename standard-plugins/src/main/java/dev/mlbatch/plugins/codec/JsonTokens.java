package dev.mlbatch.plugins.codec;

import com.fasterxml.jackson.core.JsonToken;

/** Names JSON tokens the way a user reading an error message thinks of them. */
final class JsonTokens {
    private JsonTokens() {
    }

    static String describe(final JsonToken token) {
        if (token == null) {
            return "the end of the input";
        }
        switch (token) {
            case START_ARRAY:
                return "an array";
            case START_OBJECT:
                return "an object";
            case VALUE_STRING:
                return "a string";
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return "a number";
            case VALUE_TRUE:
            case VALUE_FALSE:
                return "a boolean";
            case VALUE_NULL:
                return "null";
            default:
                return token.asString() == null ? token.name() : "'" + token.asString() + "'";
        }
    }
}
