package dev.mlbatch.expression;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.opensearch.dataprepper.expression.ExpressionParsingException;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.stream.Stream;

import static dev.mlbatch.expression.ExpressionTableTest.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Statements that must be rejected before any event is seen, with the 1-based column of the first problem. */
class InvalidStatementTest {
    private final GrammarExpressionEvaluator evaluator = new GrammarExpressionEvaluator();

    static Stream<Arguments> invalidStatements() {
        return Stream.of(
                arguments("", 1, "mismatched input '<EOF>'"),
                arguments("/status_code > ", 16, "mismatched input '<EOF>'"),
                arguments("/a >> 5", 5, "extraneous input '>'"),
                arguments("/a == 1 and/b == 2", 9, "'and' needs whitespace on both sides"),
                arguments("/a in{200}", 4, "'in' needs whitespace on both sides"),
                arguments("(/a == 1", 9, "missing ')'"),
                arguments("/a == 1 )", 9, "extraneous input ')'"),
                arguments("/a == 1\nand /b >", 17, "mismatched input '<EOF>'"),
                arguments("/a == \"cost $5\"", 7, "token recognition error"),
                arguments("/a ~= \"x\"", 4, "token recognition error at: '~'"),
                arguments("/a-b == 1", 6, "mismatched input '==' expecting '('"),
                arguments("/a in {}", 8, "mismatched input '}'"),
                arguments("/a in {200,}", 12, "mismatched input '}'"),
                arguments("/a in {1, \"x\"}", 7, "set members must all be numbers, all strings or all booleans"),
                arguments("foo(/a) == 1", 1, "unknown function 'foo'"),
                arguments("not(/a)", 1, "'not' must be followed by a space"),
                arguments("length(/a, /b)", 1, "length() takes 1 argument, got 2"),
                arguments("generateUuid(/a)", 1, "generateUuid() takes no arguments, got 1"),
                arguments("hasTags(/a)", 9, "hasTags() needs a quoted string as tag"),
                arguments("hasTags(\"\")", 9, "tags must not be empty"),
                arguments("getMetadata(/a)", 13, "getMetadata() needs a quoted string"),
                arguments("cidrContains(\"1.2.3.4\", \"10.0.0.0/8\")", 14, "needs an unquoted JSON pointer"),
                arguments("cidrContains(/ip, \"300.1.1.1/8\")", 19, "is not a valid CIDR block"),
                arguments("cidrContains(/ip, \"localhost\")", 19, "is not a valid CIDR block"),
                arguments("join(\"-\", \"x\")", 11, "needs an unquoted JSON pointer as the list to join"),
                arguments("formatDateTime(/ts, \"yyyy-MM-dd\", \"Mars/Olympus\")", 35, "destination time zone"),
                arguments("formatDateTime(/ts, \"yyyy-MM-dd {\")", 21, "pattern"),
                arguments("/a =~ \"[a-\"", 7, "invalid regular expression"),
                arguments("/a typeof number", 11, "unknown type 'number' after typeof"),
                arguments("\"/a:b\" == 1", 1, "is not a valid event key"),
                arguments("/path =~ \"/var/.*\"", 10, "a regex for a path must start with ^"),
                arguments("\"a\" + 1", 1, "operator + needs numbers"),
                arguments("99999999999999999999 > /a", 1, "out of range"),
                arguments("${name} == 1", 1, "token recognition error"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("invalidStatements")
    void reportsTheColumnOfTheFirstError(final String statement, final int column, final String problem) {
        final Optional<String> description = ExpressionSyntaxCheck.findError(statement);
        assertTrue(description.isPresent(), "expected an error for " + statement);
        assertTrue(description.get().startsWith("column " + column + ": "), description.get());
        assertContains(description.get(), problem);

        assertFalse(evaluator.isValidExpressionStatement(statement));
        final InvalidExpressionException error = assertThrows(InvalidExpressionException.class,
                () -> evaluator.evaluate(statement, SampleEvents.sample()));
        assertEquals(description.get(), error.positionalMessage());
        assertEquals(column, error.column());
        assertContains(error.getMessage(), description.get());
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("invalidStatements")
    void evaluateConditionalRethrowsParsingErrors(final String statement, final int column, final String problem) {
        assertThrows(ExpressionParsingException.class,
                () -> evaluator.evaluateConditional(statement, SampleEvents.sample()));
    }

    @Test
    void validStatementHasNoError() {
        assertEquals(Optional.empty(), ExpressionSyntaxCheck.findError("/status_code >= 200 and /status_code < 300"));
        assertEquals(Optional.empty(), ExpressionSyntaxCheck.findError("/a == 1\nand /b > 2"));
    }

    @Test
    void nullStatementIsInvalid() {
        assertFalse(evaluator.isValidExpressionStatement(null));
        assertTrue(ExpressionSyntaxCheck.findError(null).isPresent());
        assertThrows(ExpressionParsingException.class, () -> evaluator.evaluate(null, SampleEvents.sample()));
    }

    @Test
    void parseErrorsAreNeverPrinted() {
        final PrintStream original = System.err;
        final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            invalidStatements().forEach(arguments -> {
                final String statement = (String) arguments.get()[0];
                ExpressionSyntaxCheck.findError(statement);
                new GrammarExpressionEvaluator().isValidExpressionStatement(statement);
            });
        } finally {
            System.setErr(original);
        }
        assertEquals("", captured.toString(StandardCharsets.UTF_8));
    }
}
