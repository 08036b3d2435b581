package dev.mlbatch.expression;

import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.Vocabulary;
import org.opensearch.dataprepper.model.event.EventKeyFactory;

/** Parses a statement with the generated ANTLR parser and compiles the parse tree into a node tree. */
final class StatementCompiler {
    private final EventKeyFactory eventKeyFactory;

    /** @param eventKeyFactory makes the keys pointers read with; null to read by string key */
    StatementCompiler(final EventKeyFactory eventKeyFactory) {
        this.eventKeyFactory = eventKeyFactory;
    }

    ParsedStatement parse(final String statement) {
        if (statement == null) {
            return ParsedStatement.invalid(new InvalidExpressionException("null", 1, "the statement is null"));
        }
        final SyntaxErrorCollector errors = new SyntaxErrorCollector(statement);
        final DataPrepperExpressionLexer lexer = new DataPrepperExpressionLexer(CharStreams.fromString(statement));
        lexer.removeErrorListeners();
        lexer.addErrorListener(errors);
        final DataPrepperExpressionParser parser = new DataPrepperExpressionParser(new CommonTokenStream(lexer)) {
            @Override
            public Vocabulary getVocabulary() {
                return ReadableVocabulary.INSTANCE;
            }
        };
        parser.removeErrorListeners();
        parser.addErrorListener(errors);
        final DataPrepperExpressionParser.StatementContext tree = parser.statement();
        if (errors.hasError()) {
            return ParsedStatement.invalid(new InvalidExpressionException(statement, errors.offset() + 1,
                    errors.message()));
        }
        try {
            return ParsedStatement.valid(new CompiledStatement(statement,
                    new TreeBuilder(statement, eventKeyFactory).visit(tree)));
        } catch (final StatementCompileException e) {
            return ParsedStatement.invalid(new InvalidExpressionException(statement, e.offset() + 1, e.getMessage()));
        }
    }
}
