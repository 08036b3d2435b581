package dev.mlbatch.expression;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.opensearch.dataprepper.expression.ExpressionEvaluationException;
import org.opensearch.dataprepper.expression.ExpressionEvaluator;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.event.TestEventKeyFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The language against one sample event ({@link SampleEvents}), run with both evaluators: reading by string key and
 * reading through factory-made EventKeys.
 */
class ExpressionTableTest {
    private static final Event EVENT = SampleEvents.sample();
    private static final ExpressionEvaluator BY_STRING_KEY = new GrammarExpressionEvaluator();
    private static final ExpressionEvaluator BY_EVENT_KEY =
            new GrammarExpressionEvaluator(TestEventKeyFactory.getTestEventFactory());

    static Stream<Arguments> values() {
        final Map<String, Object> joinedMap = new LinkedHashMap<>();
        joinedMap.put("k", "1,2");
        joinedMap.put("x", "y");
        return Stream.of(
                // == and !=: null by reference, numbers across types, the rest with equals
                arguments("/str == \"hello world\"", true),
                arguments("/str != \"hello world\"", false),
                arguments("/num == 42", true),
                arguments("/num==42", true),
                arguments("/num == 42.0", true),
                arguments("/big == 3000000000", true),
                arguments("/dbl == 1.5", true),
                arguments("/price == 19.99", true),
                arguments("/flag == true", true),
                arguments("/num == \"42\"", false),
                arguments("/missing == null", true),
                arguments("null == /missing", true),
                arguments("/nothing == null", true),
                arguments("/missing != null", false),
                arguments("/str == null", false),
                arguments("/str != null", true),
                arguments("{1, 2} == {2, 1}", true),
                // relational operators, numbers of any width
                arguments("/num > 41", true),
                arguments("/num >= 42", true),
                arguments("/num < 42", false),
                arguments("/num <= 42", true),
                arguments("/num>=42", true),
                arguments("/big > 2147483647", true),
                arguments("/dbl < 2", true),
                arguments("/price > 19.5", true),
                arguments("/neg < -4", true),
                arguments("/num + 1 > 42", true),
                // regex: the whole string must match
                arguments("/str =~ \"hello.*\"", true),
                arguments("/str =~ \"hello\"", false),
                arguments("/str !~ \"bye.*\"", true),
                arguments("/str=~\"h.*\"", true),
                arguments("/str =~ \"\\\\w+ \\\\w+\"", true),
                arguments("/str =~ /pattern", true),
                arguments("\"abc\" =~ \"a.c\"", true),
                arguments("/missing =~ \".*\"", false),
                arguments("/path =~ \"^/var/.*\"", true),
                arguments("/missing !~ \".*\"", false),
                // set membership
                arguments("/num in {41, 42}", true),
                arguments("/num not in {41, 42}", false),
                arguments("/num in {40, 41}", false),
                arguments("/num not in {40, 41}", true),
                arguments("/num in {42.0}", true),
                arguments("/num in {-1, 42}", true),
                arguments("/neg in {-5}", true),
                arguments("/str in {\"a\", \"hello world\"}", true),
                arguments("/flag in {true}", true),
                arguments("/str in {/nested/field_a, /str}", true),
                arguments("/missing in {1}", false),
                arguments("/missing not in {1}", true),
                // and / or: one level, left-associative; both sides must be booleans
                arguments("/flag and /num == 42", true),
                arguments("/off or /flag", true),
                arguments("/off and /flag", false),
                arguments("true or false and false", false),
                arguments("true or (false and false)", true),
                arguments("false and true or true", true),
                arguments("/num == 42 or /num == 1 and /flag == false", false),
                // not binds tighter than every binary operator
                arguments("not /flag", false),
                arguments("not /off", true),
                arguments("not (/num == 42)", false),
                arguments("not /num == 42", false),
                arguments("not not /flag", true),
                arguments("/num == 42 and not /off", true),
                // arithmetic: * / % before + -, left-associative, unary minus
                arguments("1 + 2 * 3", 7),
                arguments("(1 + 2) * 3", 9),
                arguments("10 - 4 - 3", 3),
                arguments("/num + 8", 50),
                arguments("/num - /neg", 47),
                arguments("/num * 2", 84),
                arguments("/num / 4", 10.5d),
                arguments("7 / 2", 3.5d),
                arguments("/big / 2", 1.5e9d),
                arguments("/num % 5", 2),
                arguments("-/num", -42),
                arguments("-5 + 2", -3),
                arguments("/dbl * 2", 3.0f),
                arguments("/dbl + 1", 2.5f),
                arguments("1.5 + 1", 2.5f),
                arguments("/big + 1", 3000000001L),
                arguments("2147483647", 2147483647),
                arguments("2147483648", 2147483648L),
                arguments("-2147483649", -2147483649L),
                // string concatenation
                arguments("/str + \"!\"", "hello world!"),
                arguments("\"a\" + \"b\" + \"c\"", "abc"),
                arguments("\"\"\"triple \"quoted\" \"\"\"", "triple \"quoted\" "),
                arguments("\"tab\\there\"", "tab\there"),
                arguments("\"cost \\$5\"", "cost $5"),
                // typeof for each type (Double is read as Float, so no event value is a double)
                arguments("/num typeof integer", true),
                arguments("/big typeof long", true),
                arguments("/str typeof string", true),
                arguments("/flag typeof boolean", true),
                arguments("/map typeof map", true),
                arguments("/list typeof array", true),
                arguments("/dec typeof big_decimal", true),
                arguments("/dbl typeof double", false),
                arguments("/num typeof string", false),
                arguments("/str typeof integer", false),
                arguments("/missing typeof integer", false),
                // pointers: unquoted with array indexes and . @ _, quoted with any key character
                arguments("/content/0/text", "first"),
                arguments("/content/1 == \"second\"", true),
                arguments("/content/0", Map.of("text", "first")),
                arguments("/content/5 == null", true),
                arguments("/list/2 == 3", true),
                arguments("/list", List.of(1, 2, 3)),
                arguments("/nested/field_a", "va"),
                arguments("/nested/b.c", "dot"),
                arguments("/nested/at@", "at"),
                arguments("\"/dash-key\" == \"dashed\"", true),
                arguments("\"/space key\"", "spaced"),
                arguments("\"/nested/b.c\"", "dot"),
                arguments("/dbl", 1.5f),
                // null and wrong types in boolean operators: that operator is false, evaluation goes on
                arguments("/missing > 1", false),
                arguments("not (/missing > 1)", true),
                arguments("/str > 5", false),
                arguments("not (/str > 5)", true),
                arguments("/dec > 1", false),
                arguments("/num =~ \"4.*\"", false),
                arguments("/str =~ /bad_pattern", false),
                arguments("/str and true", false),
                arguments("/str or true", false),
                arguments("not /str", false),
                arguments("not /str or true", true),
                arguments("(/str > 5) or /flag", true),
                // functions
                arguments("length(/str)", 11),
                arguments("length(\"abc\")", 3),
                arguments("length(/list)", 3),
                arguments("length(/map)", 2),
                arguments("length(/missing)", null),
                arguments("length(/str) > 5", true),
                arguments("hasTags(\"t1\")", true),
                arguments("hasTags(\"t1\", \"t2\")", true),
                arguments("hasTags(\"t1\", \"t3\")", false),
                arguments("getMetadata(\"source\")", "s3"),
                arguments("getMetadata(\"source\") == \"s3\"", true),
                arguments("getMetadata(\"object/bucket\")", "b1"),
                arguments("getMetadata(\"count\") == 7", true),
                arguments("getMetadata(\"none\") == null", true),
                arguments("contains(/str, \"lo wo\")", true),
                arguments("contains(/str, \"xyz\")", false),
                arguments("contains(\"abcde\", \"bcd\")", true),
                arguments("contains(/missing, \"a\")", false),
                arguments("contains(/str, /nested/field_a)", false),
                arguments("startsWith(/str, \"hello\")", true),
                arguments("startsWith(/path, \"/var\")", true),
                arguments("startsWith(/path, \"/etc\")", false),
                arguments("cidrContains(/ip, \"192.168.0.0/16\")", true),
                arguments("cidrContains(/ip, \"10.0.0.0/8\", \"192.168.1.0/24\")", true),
                arguments("cidrContains(/ip, \"10.0.0.0/8\")", false),
                arguments("cidrContains(/ip, \"192.168.1.20\")", true),
                arguments("cidrContains(/ip6, \"2001:db8::/32\")", true),
                arguments("cidrContains(/ip6, \"192.168.0.0/16\")", false),
                arguments("cidrContains(/missing, \"10.0.0.0/8\")", false),
                arguments("join(/tags)", "a,b"),
                arguments("join(\"-\", /list)", "1-2-3"),
                arguments("join(\"\\,\", /tags)", "a,b"),
                arguments("join(/map)", joinedMap),
                arguments("join(/missing)", null),
                arguments("substringAfter(/path, \"/\")", "var/log/app.log"),
                arguments("substringAfterLast(/path, \"/\")", "app.log"),
                arguments("substringBefore(/str, \" \")", "hello"),
                arguments("substringBeforeLast(/path, \"/\")", "/var/log"),
                arguments("substringAfter(/str, \"zzz\")", "hello world"),
                arguments("substringBefore(\"a.b.c\", \".\")", "a"),
                arguments("formatDateTime(/ts, \"yyyy-MM-dd\")", "2023-11-14"),
                arguments("formatDateTime(/ts, \"HH:mm\", \"UTC\")", "22:13"),
                arguments("formatDateTime(/iso, \"yyyy-MM-dd HH:mm\", \"Asia/Tokyo\")", "2023-11-15 07:13"),
                arguments("formatDateTime(/local_time, \"HH:mm\", \"UTC\", \"Europe/Paris\")", "09:00"),
                arguments("formatDateTime(/missing, \"yyyy\")", null),
                arguments("getEventType()", "event"),
                arguments("getEventType() == \"event\"", true));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("values")
    void evaluatesWithStringKeys(final String statement, final Object expected) {
        assertEquals(expected, BY_STRING_KEY.evaluate(statement, EVENT));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("values")
    void evaluatesWithEventKeys(final String statement, final Object expected) {
        assertEquals(expected, BY_EVENT_KEY.evaluate(statement, EVENT));
    }

    /** Errors outside boolean operators: wrong types for arithmetic and functions, unsupported value types. */
    static Stream<Arguments> evaluationErrors() {
        return Stream.of(
                arguments("/str + 1", "operator + needs numbers"),
                arguments("/str * 2", "operator * needs numbers"),
                arguments("/num + /missing", "got Integer and null"),
                arguments("/dbl % 2", "operator % needs integers"),
                arguments("/num % 0", "modulo by zero"),
                arguments("-/str", "unary - needs a number"),
                arguments("length(/num)", "/num is a Integer, not a string, map or list"),
                arguments("contains(/num, \"4\")", "/num is a Integer, not a string"),
                arguments("contains(/num, \"4\") == true", "/num is a Integer, not a string"),
                arguments("cidrContains(/not_ip, \"10.0.0.0/8\")", "/not_ip is not an IPv4 or IPv6 address"),
                arguments("join(/str)", "/str is a String, not a list or a map of lists"),
                arguments("substringAfter(/num, \"x\")", "/num is a Integer, not a string"),
                arguments("formatDateTime(/str, \"yyyy\")", "cannot format /str"),
                arguments("/bigint == 1", "unsupported value type java.math.BigInteger"),
                arguments("/str in {/num, \"x\"}", "set members must all be numbers, all strings or all booleans"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("evaluationErrors")
    void reportsEvaluationErrors(final String statement, final String expectedDetail) {
        final ExpressionEvaluationException error = assertThrows(ExpressionEvaluationException.class,
                () -> BY_STRING_KEY.evaluate(statement, EVENT));
        assertContains(error.getMessage(), "Unable to evaluate statement \"" + statement + "\"");
        assertContains(error.getMessage(), expectedDetail);
        assertFalse(BY_STRING_KEY.evaluateConditional(statement, EVENT),
                "evaluateConditional turns an evaluation error into false");
    }

    static void assertContains(final String actual, final String expectedPart) {
        if (actual == null || !actual.contains(expectedPart)) {
            throw new AssertionError("expected <" + actual + "> to contain <" + expectedPart + ">");
        }
    }
}
