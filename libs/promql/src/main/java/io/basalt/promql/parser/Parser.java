package io.basalt.promql.parser;

import io.basalt.model.LabelMatcher;
import io.basalt.model.Labels;
import io.basalt.promql.parser.Expr.VectorMatching.Cardinality;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Recursive-descent PromQL parser with Prometheus 2.42's grammar, precedence and type checks. Only the first error is
 * reported, with its position, in Prometheus' wording where it matters to users.
 */
public final class Parser {

    /**
     * Deepest syntax tree accepted. The evaluator and printer recurse over the tree, so a hostile query must not be
     * able to exhaust the thread stack; real queries stay far below this.
     */
    public static final int MAX_DEPTH = 256;

    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private static final Pattern DURATION = Pattern.compile(
            "(?:(\\d+)y)?(?:(\\d+)w)?(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?(?:(\\d+)ms)?");

    private static final long[] DURATION_UNIT_MS = {
        365L * 24 * 3600 * 1000, 7L * 24 * 3600 * 1000, 24L * 3600 * 1000, 3600L * 1000, 60L * 1000, 1000L, 1L };

    private final String input;

    private final List<Token> tokens;

    private final Map<Expr, Integer> depths = new IdentityHashMap<>();

    private int index;

    private int nesting;

    private Parser(String input) {
        this.input = input;
        this.tokens = Lexer.tokenize(input);
    }

    /** Parses a whole PromQL expression. */
    public static Expr parse(String query) {
        Parser p = new Parser(query);
        if (p.peek().is(TokenType.EOF)) {
            throw p.error(0, "no expression found in input");
        }
        Expr e = p.parseExpr(0);
        if (!p.peek().is(TokenType.EOF)) {
            throw p.unexpected(p.peek(), null);
        }
        return e;
    }

    /** Parses a series selector such as {@code up{job="x"}} (the {@code match[]} parameter of the HTTP API). */
    public static Expr.VectorSelector parseSelector(String selector) {
        Expr e = parse(selector);
        if (e instanceof Expr.VectorSelector vs && vs.offsetMs() == 0 && vs.at() == null) {
            return vs;
        }
        throw new ParseException(selector, 0, "expected a vector selector, got " + e.type().displayName());
    }

    /** Parses a duration like {@code 5m} or {@code 1h30m}, as in Prometheus' {@code model.ParseDuration}. */
    public static long parseDurationMs(String text) {
        var m = DURATION.matcher(text);
        if (text.isEmpty() || !m.matches()) {
            throw new IllegalArgumentException("not a valid duration string: \"" + text + "\"");
        }
        long total = 0;
        for (int i = 0; i < DURATION_UNIT_MS.length; i++) {
            String g = m.group(i + 1);
            if (g != null) {
                try {
                    total = Math.addExact(total, Math.multiplyExact(Long.parseLong(g), DURATION_UNIT_MS[i]));
                }
                catch (ArithmeticException | NumberFormatException e) {
                    throw new IllegalArgumentException("duration out of range");
                }
            }
        }
        return total;
    }

    // ---- tokens

    private Token peek() {
        return tokens.get(index);
    }

    private Token peek(int ahead) {
        return tokens.get(Math.min(index + ahead, tokens.size() - 1));
    }

    private Token advance() {
        Token t = tokens.get(index);
        if (!t.is(TokenType.EOF)) {
            index++;
        }
        return t;
    }

    private Token expect(TokenType type, String context) {
        Token t = peek();
        if (!t.is(type)) {
            throw unexpected(t, context);
        }
        return advance();
    }

    private ParseException error(int position, String message) {
        return new ParseException(input, position, message);
    }

    private ParseException unexpected(Token t, String context) {
        String msg = "unexpected " + t.describe();
        if (t.is(TokenType.RIGHT_PAREN) && context == null) {
            msg = "unexpected right parenthesis ')'";
        }
        return error(t.position(), context == null ? msg : msg + " " + context);
    }

    private <E extends Expr> E node(E e, Expr... children) {
        int d = 0;
        for (Expr c : children) {
            if (c != null) {
                d = Math.max(d, depths.getOrDefault(c, 1));
            }
        }
        if (d + 1 > MAX_DEPTH) {
            throw error(e.position(), "expression nests deeper than " + MAX_DEPTH + " levels");
        }
        depths.put(e, d + 1);
        return e;
    }

    // ---- expressions

    private Expr parseExpr(int minPrecedence) {
        if (++nesting > MAX_DEPTH) {
            throw error(peek().position(), "expression nests deeper than " + MAX_DEPTH + " levels");
        }
        Expr lhs = parseUnary();
        while (true) {
            Token t = peek();
            BinaryOp op = binaryOp(t);
            if (op == null || op.precedence() < minPrecedence) {
                break;
            }
            advance();
            boolean returnBool = false;
            if (peek().isKeyword("bool")) {
                advance();
                returnBool = true;
            }
            Expr.VectorMatching matching = parseMatching(op);
            Expr rhs = parseExpr(op.rightAssociative() ? op.precedence() : op.precedence() + 1);
            lhs = node(binary(op, lhs, rhs, matching, returnBool, t), lhs, rhs);
        }
        nesting--;
        return lhs;
    }

    private static BinaryOp binaryOp(Token t) {
        return switch (t.type()) {
            case ADD -> BinaryOp.ADD;
            case SUB -> BinaryOp.SUB;
            case MUL -> BinaryOp.MUL;
            case DIV -> BinaryOp.DIV;
            case MOD -> BinaryOp.MOD;
            case POW -> BinaryOp.POW;
            case EQL -> BinaryOp.EQL;
            case NEQ -> BinaryOp.NEQ;
            case LTE -> BinaryOp.LTE;
            case LSS -> BinaryOp.LSS;
            case GTE -> BinaryOp.GTE;
            case GTR -> BinaryOp.GTR;
            case IDENTIFIER -> switch (t.text().toLowerCase(Locale.ROOT)) {
                case "and" -> BinaryOp.AND;
                case "or" -> BinaryOp.OR;
                case "unless" -> BinaryOp.UNLESS;
                case "atan2" -> BinaryOp.ATAN2;
                default -> null;
            };
            default -> null;
        };
    }

    private Expr.VectorMatching parseMatching(BinaryOp op) {
        Cardinality card = op.isSetOperator() ? Cardinality.MANY_TO_MANY : Cardinality.ONE_TO_ONE;
        if (!peek().isKeyword("on") && !peek().isKeyword("ignoring")) {
            return Expr.VectorMatching.defaults(card);
        }
        boolean on = advance().isKeyword("on");
        List<String> labels = parseLabelList("grouping opts");
        List<String> include = List.of();
        if (peek().isKeyword("group_left") || peek().isKeyword("group_right")) {
            Token g = advance();
            if (op.isSetOperator()) {
                throw error(g.position(), "no grouping allowed for \"" + op.symbol() + "\" operation");
            }
            card = g.isKeyword("group_left") ? Cardinality.MANY_TO_ONE : Cardinality.ONE_TO_MANY;
            include = peek().is(TokenType.LEFT_PAREN) ? parseLabelList("grouping opts") : List.of();
            if (on) {
                for (String l : include) {
                    if (labels.contains(l)) {
                        throw error(g.position(), "label \"" + l + "\" must not occur in ON and GROUP clause at once");
                    }
                }
            }
        }
        return new Expr.VectorMatching(card, on, labels, include);
    }

    private Expr binary(BinaryOp op, Expr lhs, Expr rhs, Expr.VectorMatching matching, boolean returnBool,
            Token opToken) {
        ValueType lt = lhs.type();
        ValueType rt = rhs.type();
        int pos = lhs.position();
        if (returnBool && !op.isComparison()) {
            throw error(pos, "bool modifier can only be used on comparison operators");
        }
        if (op.isComparison() && !returnBool && lt == ValueType.SCALAR && rt == ValueType.SCALAR) {
            throw error(pos, "comparisons between scalars must use BOOL modifier");
        }
        if (lt != ValueType.SCALAR && lt != ValueType.VECTOR) {
            throw error(lhs.position(), "binary expression must contain only scalar and instant vector types");
        }
        if (rt != ValueType.SCALAR && rt != ValueType.VECTOR) {
            throw error(rhs.position(), "binary expression must contain only scalar and instant vector types");
        }
        if (lt != ValueType.VECTOR || rt != ValueType.VECTOR) {
            if (matching.on() || !matching.labels().isEmpty() || matching.cardinality() == Cardinality.MANY_TO_ONE
                    || matching.cardinality() == Cardinality.ONE_TO_MANY) {
                if (!matching.labels().isEmpty()) {
                    throw error(pos, "vector matching only allowed between instant vectors");
                }
            }
            if (op.isSetOperator()) {
                throw error(pos, "set operator \"" + op.symbol() + "\" not allowed in binary scalar expression");
            }
            matching = null;
        }
        return new Expr.Binary(op, lhs, rhs, matching, returnBool, pos);
    }

    private Expr parseUnary() {
        Token t = peek();
        if (t.is(TokenType.ADD) || t.is(TokenType.SUB)) {
            advance();
            Expr operand = parseExpr(BinaryOp.POW.precedence());
            if (operand.type() != ValueType.SCALAR && operand.type() != ValueType.VECTOR) {
                throw error(t.position(),
                        "unary expression only allowed on expressions of type scalar or instant vector, got \""
                                + operand.type().displayName() + "\"");
            }
            if (operand instanceof Expr.NumberLiteral n) {
                return node(new Expr.NumberLiteral(t.is(TokenType.SUB) ? -n.value() : n.value(), t.position()));
            }
            return node(new Expr.Unary(t.is(TokenType.SUB), operand, t.position()), operand);
        }
        return parsePostfix(parsePrimary());
    }

    private Expr parsePostfix(Expr expr) {
        while (true) {
            Token t = peek();
            if (t.is(TokenType.LEFT_BRACKET)) {
                expr = parseRangeOrSubquery(expr);
            }
            else if (t.isKeyword("offset")) {
                advance();
                expr = applyOffset(expr, t);
            }
            else if (t.is(TokenType.AT)) {
                advance();
                expr = applyAt(expr, t);
            }
            else {
                return expr;
            }
        }
    }

    private Expr parseRangeOrSubquery(Expr expr) {
        Token open = advance();
        long range = duration(expect(TokenType.DURATION, "in subquery or range selector, expected duration"));
        if (peek().is(TokenType.COLON)) {
            advance();
            long step = 0;
            if (peek().is(TokenType.DURATION)) {
                step = duration(advance());
            }
            expect(TokenType.RIGHT_BRACKET, "in subquery selector, expected \"]\"");
            if (expr.type() != ValueType.VECTOR) {
                throw error(expr.position(), "subquery is only allowed on instant vector, got "
                        + expr.type().displayName() + " instead");
            }
            return node(new Expr.Subquery(expr, range, step, 0, null, expr.position()), expr);
        }
        expect(TokenType.RIGHT_BRACKET, "in range selector, expected \"]\"");
        if (!(expr instanceof Expr.VectorSelector vs)) {
            throw error(open.position(), "ranges only allowed for vector selectors");
        }
        if (vs.offsetMs() != 0) {
            throw error(open.position(), "no offset modifiers allowed before range");
        }
        if (vs.at() != null) {
            throw error(open.position(), "no @ modifiers allowed before range");
        }
        return node(new Expr.MatrixSelector(vs, range, vs.position()), vs);
    }

    private long duration(Token t) {
        try {
            long ms = parseDurationMs(t.text());
            if (ms == 0) {
                throw error(t.position(), "duration must be greater than 0");
            }
            return ms;
        }
        catch (IllegalArgumentException e) {
            throw error(t.position(), e.getMessage());
        }
    }

    private Expr applyOffset(Expr expr, Token offsetToken) {
        boolean negative = false;
        if (peek().is(TokenType.SUB)) {
            advance();
            negative = true;
        }
        else if (peek().is(TokenType.ADD)) {
            advance();
        }
        long ms = duration(expect(TokenType.DURATION, "in offset, expected duration"));
        if (negative) {
            ms = -ms;
        }
        String twice = "offset may not be set multiple times";
        if (expr instanceof Expr.VectorSelector vs) {
            if (vs.offsetMs() != 0) {
                throw error(offsetToken.position(), twice);
            }
            return vs.withOffset(ms);
        }
        if (expr instanceof Expr.MatrixSelector m) {
            if (m.selector().offsetMs() != 0) {
                throw error(offsetToken.position(), twice);
            }
            return new Expr.MatrixSelector(m.selector().withOffset(ms), m.rangeMs(), m.position());
        }
        if (expr instanceof Expr.Subquery s) {
            if (s.offsetMs() != 0) {
                throw error(offsetToken.position(), twice);
            }
            return s.withOffset(ms);
        }
        throw error(offsetToken.position(),
                "offset modifier must be preceded by an instant vector selector or range vector selector or a subquery");
    }

    private Expr applyAt(Expr expr, Token atToken) {
        Expr.At at;
        Token t = peek();
        if (t.isKeyword("start") || t.isKeyword("end")) {
            advance();
            expect(TokenType.LEFT_PAREN, "in @, expected \"(\"");
            expect(TokenType.RIGHT_PAREN, "in @, expected \")\"");
            at = new Expr.At(t.isKeyword("start") ? Expr.At.Kind.START : Expr.At.Kind.END, 0);
        }
        else {
            boolean negative = false;
            if (t.is(TokenType.SUB) || t.is(TokenType.ADD)) {
                negative = advance().is(TokenType.SUB);
            }
            Token n = peek();
            double seconds;
            if (n.is(TokenType.NUMBER)) {
                seconds = number(advance());
            }
            else if (n.isKeyword("inf") || n.isKeyword("nan")) {
                seconds = n.isKeyword("inf") ? Double.POSITIVE_INFINITY : Double.NaN;
                advance();
            }
            else {
                throw unexpected(n, "in @, expected timestamp");
            }
            if (negative) {
                seconds = -seconds;
            }
            if (Double.isNaN(seconds) || Double.isInfinite(seconds) || seconds >= 0x1p63 || seconds <= -0x1p63) {
                throw error(atToken.position(), "timestamp out of bounds for @ modifier: " + seconds);
            }
            at = Expr.At.timestamp(roundHalfAwayFromZero(seconds * 1000));
        }
        String twice = "@ <timestamp> may not be set multiple times";
        if (expr instanceof Expr.VectorSelector vs) {
            if (vs.at() != null) {
                throw error(atToken.position(), twice);
            }
            return vs.withAt(at);
        }
        if (expr instanceof Expr.MatrixSelector m) {
            if (m.selector().at() != null) {
                throw error(atToken.position(), twice);
            }
            return new Expr.MatrixSelector(m.selector().withAt(at), m.rangeMs(), m.position());
        }
        if (expr instanceof Expr.Subquery s) {
            if (s.at() != null) {
                throw error(atToken.position(), twice);
            }
            return s.withAt(at);
        }
        throw error(atToken.position(),
                "@ modifier must be preceded by an instant vector selector or range vector selector or a subquery");
    }

    /** Go's {@code math.Round}: halves go away from zero (Java's {@code Math.round} goes up). */
    static long roundHalfAwayFromZero(double x) {
        double a = Math.abs(x);
        double r = Math.floor(a);
        if (a - r >= 0.5) {
            r += 1;
        }
        return (long) Math.copySign(r, x);
    }

    private Expr parsePrimary() {
        Token t = peek();
        switch (t.type()) {
            case NUMBER -> {
                advance();
                return node(new Expr.NumberLiteral(number(t), t.position()));
            }
            case STRING -> {
                advance();
                return node(new Expr.StringLiteral(t.text(), t.position()));
            }
            case LEFT_PAREN -> {
                advance();
                Expr inner = parseExpr(0);
                expect(TokenType.RIGHT_PAREN, "in paren expression, expected \")\"");
                return node(new Expr.Paren(inner, t.position()), inner);
            }
            case LEFT_BRACE -> {
                return node(selector(null, t));
            }
            case IDENTIFIER -> {
                return identifierExpression(t);
            }
            default -> throw unexpected(t, null);
        }
    }

    private Expr identifierExpression(Token t) {
        advance();
        String word = t.text();
        if (word.equalsIgnoreCase("inf")) {
            return node(new Expr.NumberLiteral(Double.POSITIVE_INFINITY, t.position()));
        }
        if (word.equalsIgnoreCase("nan")) {
            return node(new Expr.NumberLiteral(Double.NaN, t.position()));
        }
        AggregationOp agg = AggregationOp.byKeyword(word);
        Token next = peek();
        if (agg != null && (next.is(TokenType.LEFT_PAREN) || next.isKeyword("by") || next.isKeyword("without"))) {
            return aggregation(agg, t);
        }
        if (next.is(TokenType.LEFT_PAREN)) {
            Function f = Function.byName(word);
            if (f == null) {
                throw error(t.position(), "unknown function with name \"" + word + "\"");
            }
            return call(f, t);
        }
        if (next.is(TokenType.LEFT_BRACE)) {
            advance();
            return node(selector(word, t));
        }
        return node(selector(word, t, List.of()));
    }

    private Expr call(Function f, Token nameToken) {
        advance();
        List<Expr> args = new ArrayList<>();
        if (!peek().is(TokenType.RIGHT_PAREN)) {
            while (true) {
                args.add(parseExpr(0));
                if (peek().is(TokenType.COMMA)) {
                    advance();
                    if (peek().is(TokenType.RIGHT_PAREN)) {
                        throw error(peek().position(), "trailing commas not allowed in function call args");
                    }
                    continue;
                }
                expect(TokenType.RIGHT_PAREN, "in call to function \"" + f.name() + "\", expected \")\"");
                break;
            }
        }
        else {
            advance();
        }
        int declared = f.argTypes().size();
        if (f.variadic() == 0) {
            if (declared != args.size()) {
                throw error(nameToken.position(), "expected " + declared + " argument(s) in call to \"" + f.name()
                        + "\", got " + args.size());
            }
        }
        else {
            int min = declared - 1;
            if (min > args.size()) {
                throw error(nameToken.position(), "expected at least " + min + " argument(s) in call to \""
                        + f.name() + "\", got " + args.size());
            }
            int max = min + f.variadic();
            if (f.variadic() > 0 && max < args.size()) {
                throw error(nameToken.position(), "expected at most " + max + " argument(s) in call to \""
                        + f.name() + "\", got " + args.size());
            }
        }
        for (int i = 0; i < args.size(); i++) {
            int typeIndex = Math.min(i, declared - 1);
            expectType(args.get(i), f.argTypes().get(typeIndex), "call to function \"" + f.name() + "\"");
        }
        return node(new Expr.Call(f, args, nameToken.position()), args.toArray(new Expr[0]));
    }

    private void expectType(Expr e, ValueType want, String context) {
        if (e.type() != want) {
            throw error(e.position(), "expected type " + want.displayName() + " in " + context + ", got "
                    + e.type().displayName());
        }
    }

    private Expr aggregation(AggregationOp op, Token opToken) {
        List<String> grouping = null;
        boolean without = false;
        if (peek().isKeyword("by") || peek().isKeyword("without")) {
            without = advance().isKeyword("without");
            grouping = parseLabelList("grouping opts");
        }
        expect(TokenType.LEFT_PAREN, "in aggregation, expected \"(\"");
        List<Expr> args = new ArrayList<>();
        if (!peek().is(TokenType.RIGHT_PAREN)) {
            while (true) {
                args.add(parseExpr(0));
                if (peek().is(TokenType.COMMA)) {
                    advance();
                    if (peek().is(TokenType.RIGHT_PAREN)) {
                        throw error(peek().position(), "trailing commas not allowed in function call args");
                    }
                    continue;
                }
                expect(TokenType.RIGHT_PAREN, "in aggregation, expected \")\"");
                break;
            }
        }
        else {
            advance();
        }
        if (grouping == null && (peek().isKeyword("by") || peek().isKeyword("without"))) {
            without = advance().isKeyword("without");
            grouping = parseLabelList("grouping opts");
        }
        int want = op.paramType() == null ? 1 : 2;
        if (args.size() != want) {
            throw error(opToken.position(), "wrong number of arguments for aggregate expression provided, expected "
                    + want + ", got " + args.size());
        }
        Expr param = want == 2 ? args.get(0) : null;
        Expr expr = args.get(want - 1);
        if (expr.type() != ValueType.VECTOR) {
            throw error(expr.position(), "expected type instant vector in aggregation expression, got "
                    + expr.type().displayName());
        }
        if (param != null && param.type() != op.paramType()) {
            throw error(param.position(), "expected type " + op.paramType().displayName()
                    + " in aggregation parameter, got " + param.type().displayName());
        }
        return node(new Expr.Aggregation(op, param, expr, grouping == null ? List.of() : grouping, without,
                opToken.position()), param, expr);
    }

    /** {@code (a, b,)}: label names, a trailing comma allowed. */
    private List<String> parseLabelList(String context) {
        expect(TokenType.LEFT_PAREN, "in " + context + ", expected \"(\"");
        List<String> labels = new ArrayList<>();
        while (!peek().is(TokenType.RIGHT_PAREN)) {
            Token l = peek();
            if (!l.is(TokenType.IDENTIFIER) || !LABEL_NAME.matcher(l.text()).matches()) {
                throw unexpected(l, "in " + context + ", expected label");
            }
            advance();
            labels.add(l.text());
            if (peek().is(TokenType.COMMA)) {
                advance();
            }
            else if (!peek().is(TokenType.RIGHT_PAREN)) {
                throw unexpected(peek(), "in " + context + ", expected \",\" or \")\"");
            }
        }
        advance();
        return labels;
    }

    private Expr.VectorSelector selector(String name, Token start) {
        List<LabelMatcher> matchers = new ArrayList<>();
        if (peek().is(TokenType.LEFT_BRACE)) {
            advance();
        }
        while (!peek().is(TokenType.RIGHT_BRACE)) {
            matchers.add(matcher());
            if (peek().is(TokenType.COMMA)) {
                advance();
            }
            else if (!peek().is(TokenType.RIGHT_BRACE)) {
                throw unexpected(peek(), "in label matching, expected \",\" or \"}\"");
            }
        }
        advance();
        return selector(name, start, matchers);
    }

    private Expr.VectorSelector selector(String name, Token start, List<LabelMatcher> written) {
        List<LabelMatcher> matchers = new ArrayList<>();
        if (name != null) {
            for (LabelMatcher m : written) {
                if (m.name().equals(Labels.METRIC_NAME)) {
                    throw error(start.position(),
                            "metric name must not be set twice: \"" + name + "\" or \"" + m.value() + "\"");
                }
            }
            matchers.add(LabelMatcher.equal(Labels.METRIC_NAME, name));
        }
        matchers.addAll(written);
        if (name == null) {
            boolean nonEmpty = written.stream().anyMatch(m -> !m.matchesEmpty());
            if (!nonEmpty) {
                throw error(start.position(), "vector selector must contain at least one non-empty matcher");
            }
        }
        return new Expr.VectorSelector(name, matchers, 0, null, start.position());
    }

    private LabelMatcher matcher() {
        Token l = peek();
        if (!l.is(TokenType.IDENTIFIER) || !LABEL_NAME.matcher(l.text()).matches()) {
            throw unexpected(l, "in label matching, expected label");
        }
        advance();
        Token op = advance();
        LabelMatcher.Type type = switch (op.type()) {
            case ASSIGN -> LabelMatcher.Type.EQUAL;
            case NEQ -> LabelMatcher.Type.NOT_EQUAL;
            case EQL_REGEX -> LabelMatcher.Type.REGEX;
            case NEQ_REGEX -> LabelMatcher.Type.NOT_REGEX;
            default -> throw unexpected(op, "in label matching, expected label matching operator");
        };
        Token value = peek();
        if (!value.is(TokenType.STRING)) {
            throw unexpected(value, "in label matching, expected string");
        }
        advance();
        try {
            return LabelMatcher.of(type, l.text(), value.text());
        }
        catch (PatternSyntaxException e) {
            // Worded as Go's regexp package words it, which is what Prometheus reports.
            throw error(value.position(), e.getMessage());
        }
    }

    /** Go's {@code ParseInt(s, 0, 64)} first (so {@code 0x1f} is hex and {@code 010} octal), then a float. */
    private double number(Token t) {
        String s = t.text();
        try {
            if (s.length() > 2 && (s.startsWith("0x") || s.startsWith("0X"))) {
                return Long.parseLong(s.substring(2), 16);
            }
            if (s.length() > 1 && s.charAt(0) == '0' && s.chars().allMatch(c -> c >= '0' && c <= '7')) {
                return Long.parseLong(s.substring(1), 8);
            }
            if (s.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return Long.parseLong(s);
            }
        }
        catch (NumberFormatException e) {
            // out of int64 range: Go falls back to ParseFloat as well
        }
        try {
            return Double.parseDouble(s);
        }
        catch (NumberFormatException e) {
            throw error(t.position(), "error parsing number: strconv.ParseFloat: parsing \"" + s + "\": invalid syntax");
        }
    }
}
