package dev.mlbatch.expression;

import dev.mlbatch.expression.function.BuiltInFunctions;
import dev.mlbatch.expression.function.ExpressionFunction;
import dev.mlbatch.expression.function.FunctionArgument;
import dev.mlbatch.expression.function.InvalidFunctionCallException;
import dev.mlbatch.expression.tree.ArithmeticNode;
import dev.mlbatch.expression.tree.ArithmeticOperator;
import dev.mlbatch.expression.tree.ConstantNode;
import dev.mlbatch.expression.tree.DataTypeName;
import dev.mlbatch.expression.tree.EqualityNode;
import dev.mlbatch.expression.tree.EventValueNode;
import dev.mlbatch.expression.tree.EventValueReader;
import dev.mlbatch.expression.tree.ExpressionNode;
import dev.mlbatch.expression.tree.LogicalNode;
import dev.mlbatch.expression.tree.NegationNode;
import dev.mlbatch.expression.tree.NotNode;
import dev.mlbatch.expression.tree.RegexMatchNode;
import dev.mlbatch.expression.tree.RelationalNode;
import dev.mlbatch.expression.tree.RelationalOperator;
import dev.mlbatch.expression.tree.SetMembershipNode;
import dev.mlbatch.expression.tree.SetNode;
import dev.mlbatch.expression.tree.TypeOfNode;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.tree.TerminalNode;
import org.opensearch.dataprepper.expression.ExpressionEvaluationException;
import org.opensearch.dataprepper.model.event.EventKeyFactory;
import org.opensearch.dataprepper.model.event.JacksonEvent;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

/**
 * Compiles a parse tree into {@link ExpressionNode}s. Everything that can be decided without an event is decided
 * here: literals are decoded, regex literals and function arguments checked, literal sets validated, arithmetic on
 * literals folded. Problems become {@link StatementCompileException}s that point at the offending text.
 */
final class TreeBuilder extends DataPrepperExpressionBaseVisitor<ExpressionNode> {
    private final String statement;
    private final EventKeyFactory eventKeyFactory;

    TreeBuilder(final String statement, final EventKeyFactory eventKeyFactory) {
        this.statement = statement;
        this.eventKeyFactory = eventKeyFactory;
    }

    @Override
    public ExpressionNode visitStatement(final DataPrepperExpressionParser.StatementContext ctx) {
        return visit(ctx.expression());
    }

    @Override
    public ExpressionNode visitLogicalExpression(final DataPrepperExpressionParser.LogicalExpressionContext ctx) {
        return new LogicalNode(visit(ctx.left), visit(ctx.right), ctx.op.getType() == DataPrepperExpressionParser.AND);
    }

    @Override
    public ExpressionNode visitEqualityLevel(final DataPrepperExpressionParser.EqualityLevelContext ctx) {
        return visit(ctx.equalityExpression());
    }

    @Override
    public ExpressionNode visitEqualityComparison(final DataPrepperExpressionParser.EqualityComparisonContext ctx) {
        return new EqualityNode(visit(ctx.left), visit(ctx.right),
                ctx.op.getType() == DataPrepperExpressionParser.NOT_EQUAL);
    }

    @Override
    public ExpressionNode visitRegexLevel(final DataPrepperExpressionParser.RegexLevelContext ctx) {
        return visit(ctx.regexExpression());
    }

    @Override
    public ExpressionNode visitRegexMatch(final DataPrepperExpressionParser.RegexMatchContext ctx) {
        final ExpressionNode left = visit(ctx.left);
        final ExpressionNode right = visit(ctx.right);
        Pattern literalPattern = null;
        if (right instanceof ConstantNode && ((ConstantNode) right).value() instanceof String) {
            try {
                literalPattern = Pattern.compile((String) ((ConstantNode) right).value());
            } catch (final PatternSyntaxException e) {
                throw new StatementCompileException(ctx.right.getStart().getStartIndex(),
                        "invalid regular expression " + ctx.right.getText() + ": " + e.getDescription());
            }
        }
        return new RegexMatchNode(left, right, literalPattern,
                ctx.op.getType() == DataPrepperExpressionParser.NOT_MATCH_REGEX);
    }

    @Override
    public ExpressionNode visitRegexOperand(final DataPrepperExpressionParser.RegexOperandContext ctx) {
        return visitChildren(ctx);
    }

    @Override
    public ExpressionNode visitRelationalLevel(final DataPrepperExpressionParser.RelationalLevelContext ctx) {
        return visit(ctx.relationalExpression());
    }

    @Override
    public ExpressionNode visitRelationalComparison(final DataPrepperExpressionParser.RelationalComparisonContext ctx) {
        final RelationalOperator operator;
        switch (ctx.op.getType()) {
            case DataPrepperExpressionParser.LT:
                operator = RelationalOperator.LESS_THAN;
                break;
            case DataPrepperExpressionParser.LTE:
                operator = RelationalOperator.LESS_THAN_OR_EQUAL;
                break;
            case DataPrepperExpressionParser.GT:
                operator = RelationalOperator.GREATER_THAN;
                break;
            default:
                operator = RelationalOperator.GREATER_THAN_OR_EQUAL;
        }
        return new RelationalNode(visit(ctx.left), visit(ctx.right), operator);
    }

    @Override
    public ExpressionNode visitSetLevel(final DataPrepperExpressionParser.SetLevelContext ctx) {
        return visit(ctx.setExpression());
    }

    @Override
    public ExpressionNode visitSetMembership(final DataPrepperExpressionParser.SetMembershipContext ctx) {
        return new SetMembershipNode(visit(ctx.left), buildSet(ctx.right),
                ctx.op.getType() == DataPrepperExpressionParser.NOT_IN_SET);
    }

    @Override
    public ExpressionNode visitTypeOf(final DataPrepperExpressionParser.TypeOfContext ctx) {
        final String typeName = ctx.typeName.getText();
        final DataTypeName type = DataTypeName.fromName(typeName).orElseThrow(() -> new StatementCompileException(
                ctx.typeName.getStartIndex(), "unknown type '" + typeName + "' after typeof, expected one of "
                + Arrays.stream(DataTypeName.values()).map(DataTypeName::typeName).collect(Collectors.joining(", "))));
        return new TypeOfNode(new EventValueNode(reader(ctx.JsonPointer().getSymbol(), ctx.JsonPointer().getText())),
                type);
    }

    @Override
    public ExpressionNode visitAdditiveLevel(final DataPrepperExpressionParser.AdditiveLevelContext ctx) {
        return visit(ctx.additiveExpression());
    }

    @Override
    public ExpressionNode visitAdditive(final DataPrepperExpressionParser.AdditiveContext ctx) {
        return arithmetic(ctx, ctx.left, ctx.right, ctx.op.getType() == DataPrepperExpressionParser.PLUS
                ? ArithmeticOperator.ADD : ArithmeticOperator.SUBTRACT);
    }

    @Override
    public ExpressionNode visitMultiplicativeLevel(final DataPrepperExpressionParser.MultiplicativeLevelContext ctx) {
        return visit(ctx.multiplicativeExpression());
    }

    @Override
    public ExpressionNode visitMultiplicative(final DataPrepperExpressionParser.MultiplicativeContext ctx) {
        final ArithmeticOperator operator;
        switch (ctx.op.getType()) {
            case DataPrepperExpressionParser.MULTIPLY:
                operator = ArithmeticOperator.MULTIPLY;
                break;
            case DataPrepperExpressionParser.DIVIDE:
                operator = ArithmeticOperator.DIVIDE;
                break;
            default:
                operator = ArithmeticOperator.MODULO;
        }
        return arithmetic(ctx, ctx.left, ctx.right, operator);
    }

    private ExpressionNode arithmetic(final ParserRuleContext ctx, final ParserRuleContext leftCtx,
                                      final ParserRuleContext rightCtx, final ArithmeticOperator operator) {
        final ExpressionNode left = visit(leftCtx);
        final ExpressionNode right = visit(rightCtx);
        final ArithmeticNode node = new ArithmeticNode(left, right, operator, sourceOf(ctx));
        if (left instanceof ConstantNode && right instanceof ConstantNode) {
            return fold(ctx, () -> node.apply(((ConstantNode) left).value(), ((ConstantNode) right).value()));
        }
        return node;
    }

    @Override
    public ExpressionNode visitUnaryLevel(final DataPrepperExpressionParser.UnaryLevelContext ctx) {
        return visit(ctx.unaryExpression());
    }

    @Override
    public ExpressionNode visitLogicalNot(final DataPrepperExpressionParser.LogicalNotContext ctx) {
        return new NotNode(visit(ctx.unaryExpression()));
    }

    @Override
    public ExpressionNode visitNegation(final DataPrepperExpressionParser.NegationContext ctx) {
        final ExpressionNode operand = visit(ctx.unaryExpression());
        final NegationNode node = new NegationNode(operand, sourceOf(ctx));
        if (operand instanceof ConstantNode) {
            return fold(ctx, () -> node.apply(((ConstantNode) operand).value()));
        }
        return node;
    }

    /** Evaluates an operation on literals now; an error here would happen for every event, so it is reported. */
    private ExpressionNode fold(final ParserRuleContext ctx, final java.util.function.Supplier<Object> operation) {
        try {
            return new ConstantNode(operation.get());
        } catch (final ExpressionEvaluationException e) {
            throw new StatementCompileException(ctx.getStart().getStartIndex(), e.getMessage());
        }
    }

    @Override
    public ExpressionNode visitPrimaryLevel(final DataPrepperExpressionParser.PrimaryLevelContext ctx) {
        return visit(ctx.primary());
    }

    @Override
    public ExpressionNode visitParenthesized(final DataPrepperExpressionParser.ParenthesizedContext ctx) {
        return visit(ctx.expression());
    }

    @Override
    public ExpressionNode visitPointer(final DataPrepperExpressionParser.PointerContext ctx) {
        return visit(ctx.jsonPointer());
    }

    @Override
    public ExpressionNode visitFunctionCall(final DataPrepperExpressionParser.FunctionCallContext ctx) {
        return visit(ctx.function());
    }

    @Override
    public ExpressionNode visitSetLiteral(final DataPrepperExpressionParser.SetLiteralContext ctx) {
        final SetNode set = buildSet(ctx.setInitializer());
        return set.isConstant() ? new ConstantNode(set.evaluate(null)) : set;
    }

    @Override
    public ExpressionNode visitLiteralValue(final DataPrepperExpressionParser.LiteralValueContext ctx) {
        return visit(ctx.literal());
    }

    private SetNode buildSet(final DataPrepperExpressionParser.SetInitializerContext ctx) {
        final List<ExpressionNode> members = new ArrayList<>();
        for (final DataPrepperExpressionParser.SetMemberContext member : ctx.setMember()) {
            members.add(visit(member));
        }
        final SetNode set = new SetNode(members, sourceOf(ctx));
        if (set.isConstant()) {
            final Set<Object> values = new LinkedHashSet<>();
            members.forEach(member -> values.add(((ConstantNode) member).value()));
            final String problem = SetNode.homogeneityProblem(values);
            if (problem != null) {
                throw new StatementCompileException(ctx.getStart().getStartIndex(), problem + ": " + sourceOf(ctx));
            }
        }
        return set;
    }

    @Override
    public ExpressionNode visitSetMember(final DataPrepperExpressionParser.SetMemberContext ctx) {
        if (ctx.literal() != null) {
            return visit(ctx.literal());
        }
        if (ctx.jsonPointer() != null) {
            return visit(ctx.jsonPointer());
        }
        if (ctx.function() != null) {
            return visit(ctx.function());
        }
        final Number number = ctx.Integer() != null ? integer(ctx.Integer().getSymbol()) : floating(ctx.Float());
        if (ctx.MINUS() == null) {
            return new ConstantNode(number);
        }
        final NegationNode negation = new NegationNode(new ConstantNode(number), sourceOf(ctx));
        return fold(ctx, () -> negation.apply(number));
    }

    @Override
    public ExpressionNode visitFunction(final DataPrepperExpressionParser.FunctionContext ctx) {
        final String name = ctx.name.getText();
        final ExpressionFunction function = BuiltInFunctions.find(name).orElseThrow(() -> unknownFunction(ctx.name));
        final List<FunctionArgument> arguments = new ArrayList<>();
        for (final DataPrepperExpressionParser.FunctionArgumentContext argument : ctx.functionArgument()) {
            arguments.add(functionArgument(argument));
        }
        try {
            return function.bind(List.copyOf(arguments), sourceOf(ctx));
        } catch (final InvalidFunctionCallException e) {
            final int offset = e.argument() != null ? e.argument().position() : ctx.getStart().getStartIndex();
            throw new StatementCompileException(offset, e.getMessage());
        }
    }

    private StatementCompileException unknownFunction(final Token name) {
        if ("not".equals(name.getText())) {
            return new StatementCompileException(name.getStartIndex(), "'not' must be followed by a space");
        }
        return new StatementCompileException(name.getStartIndex(), "unknown function '" + name.getText()
                + "', known functions are " + String.join(", ", BuiltInFunctions.names()));
    }

    private FunctionArgument functionArgument(final DataPrepperExpressionParser.FunctionArgumentContext ctx) {
        final int position = ctx.getStart().getStartIndex();
        final String text = ctx.getText();
        if (ctx.JsonPointer() != null) {
            return FunctionArgument.eventKey(text, position, reader(ctx.JsonPointer().getSymbol(), text));
        }
        return FunctionArgument.literal(text, position, StringLiteralDecoder.decode(text));
    }

    @Override
    public ExpressionNode visitJsonPointer(final DataPrepperExpressionParser.JsonPointerContext ctx) {
        if (ctx.JsonPointer() != null) {
            return new EventValueNode(reader(ctx.JsonPointer().getSymbol(), ctx.getText()));
        }
        final String key = StringLiteralDecoder.decode(ctx.getText());
        if (!JacksonEvent.isValidEventKey(key)) {
            throw new StatementCompileException(ctx.getStart().getStartIndex(), ctx.getText()
                    + " is not a valid event key (allowed: letters, digits and . - _ ~ @ / [ ] space $ ( )); note that"
                    + " quoted text starting with / is a JSON pointer, so a regex for a path must start with ^");
        }
        return new EventValueNode(reader(ctx.getStart(), key));
    }

    private EventValueReader reader(final Token token, final String key) {
        if (eventKeyFactory == null) {
            return new EventValueReader(key, null);
        }
        try {
            return new EventValueReader(key, eventKeyFactory.createEventKey(key, EventKeyFactory.EventAction.GET));
        } catch (final IllegalArgumentException e) {
            throw new StatementCompileException(token.getStartIndex(), "invalid event key " + key + ": "
                    + e.getMessage());
        }
    }

    @Override
    public ExpressionNode visitLiteral(final DataPrepperExpressionParser.LiteralContext ctx) {
        if (ctx.Integer() != null) {
            return new ConstantNode(integer(ctx.Integer().getSymbol()));
        }
        if (ctx.Float() != null) {
            return new ConstantNode(floating(ctx.Float()));
        }
        if (ctx.TRUE() != null) {
            return new ConstantNode(Boolean.TRUE);
        }
        if (ctx.FALSE() != null) {
            return new ConstantNode(Boolean.FALSE);
        }
        if (ctx.NULL() != null) {
            return new ConstantNode(null);
        }
        return visit(ctx.stringLiteral());
    }

    @Override
    public ExpressionNode visitStringLiteral(final DataPrepperExpressionParser.StringLiteralContext ctx) {
        return new ConstantNode(StringLiteralDecoder.decode(ctx.getText()));
    }

    /** An integer literal is an Integer, or a Long when it does not fit, as upstream. */
    private static Number integer(final Token token) {
        final long value;
        try {
            value = Long.parseLong(token.getText());
        } catch (final NumberFormatException e) {
            throw new StatementCompileException(token.getStartIndex(), "integer " + token.getText()
                    + " is out of range (at most " + Long.MAX_VALUE + ")");
        }
        if (value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE) {
            return (int) value;
        }
        return value;
    }

    private static Number floating(final TerminalNode node) {
        return Float.valueOf(node.getText());
    }

    private String sourceOf(final ParserRuleContext ctx) {
        final int start = ctx.getStart().getStartIndex();
        final int stop = ctx.getStop() == null ? start : ctx.getStop().getStopIndex();
        if (start < 0 || stop < start) {
            return ctx.getText();
        }
        return statement.substring(start, Math.min(stop + 1, statement.length())).trim();
    }
}
