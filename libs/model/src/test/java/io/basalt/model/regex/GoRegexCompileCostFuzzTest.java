package io.basalt.model.regex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.re2j.Pattern;
import io.basalt.fuzzing.Corpus;
import io.basalt.fuzzing.Gen;
import io.basalt.fuzzing.Refusals;
import io.basalt.fuzzing.Seeded;
import io.basalt.model.LabelMatcher;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.PatternSyntaxException;
import org.junit.jupiter.api.Test;

/**
 * The regex of a label matcher ({@code {job=~"..."}}) comes from whoever sends a query, and select and every storage
 * node compile it ({@link LabelMatcher#of} through {@link GoRegex#compile}). The compile must refuse with a
 * {@link PatternSyntaxException} (a 400 {@code bad_data}) or finish quickly with a program of bounded size: never
 * another exception or error, a hang, or a program (and memory) that grows with the product of nested repeat counts.
 *
 * <p>The bound is Go's: Prometheus' regexp package refuses a regex whose program would exceed 128 MiB at 40 bytes
 * per instruction ({@value #GO_MAX_PROGRAM_SIZE} instructions, "expression too large"), and one nested more than
 * 1,000 deep ("expression nests too deeply"). {@code -Dbasalt.regex.maxProgramSize=N} sets another bound, e.g. the
 * compile budget of issue 14 once it lands.
 *
 * <p>RE2/J 1.8, which {@link GoRegex} wraps, bounds each repeat count (1,000) but not the compiled program, and
 * recurses once per nesting level: {@code ((a{100}){100}){400}} compiled to about 4 million instructions (about 440 MB
 * allocated) and 10,000 nested groups threw {@link StackOverflowError}. GoRegex's compile budget (CompileBudget) now
 * refuses both before RE2/J compiles them.
 */
class GoRegexCompileCostFuzzTest {

    /** Go's regexp/syntax: {@code maxSize = 128 << 20 / instSize}, {@code instSize = 5 * 8}. */
    static final int GO_MAX_PROGRAM_SIZE = (128 << 20) / 40;

    static final int MAX_PROGRAM_SIZE = Integer.getInteger("basalt.regex.maxProgramSize", GO_MAX_PROGRAM_SIZE);

    /** Pieces of RE2 syntax that make programs big or deep, with the repeat counts at their bounds. */
    private static final List<String> TOKENS = List.of("a", "b", ".", "\\pL", "[a-z]", "[[:alpha:]]", "(?i)", "(",
            "(?:", "(?P<n>", ")", "|", "*", "+", "?", "*?", "{2}", "{2,}", "{0,1000}", "{1000}", "{1000,}", "{999}",
            "{1001}", "{100}", "{10}", "\\Q", "\\E", "^", "$", "\\b", "\u00e9", "[^\\x00-\\x{10FFFF}]", "\\");

    // --- Jazzer targets -------------------------------------------------------------------------------------------

    /** The regex of a {@code =~} matcher, as select and storage compile it. */
    @FuzzTest(maxDuration = "5m")
    void matcherRegex(byte[] input) {
        compileOrRefuse(new String(input, StandardCharsets.UTF_8));
    }

    /** Structure-aware: nested groups and repeat counts, where program size multiplies. */
    @FuzzTest(maxDuration = "5m")
    void builtRegexes(FuzzedDataProvider data) {
        compileOrRefuse(built(Gen.of(data), false));
    }

    // --- seeded, every build ------------------------------------------------------------------------------------

    /**
     * Narrowed to what holds today (counts up to 10 inside, 5 on each enclosing group, so products stay below 10^5):
     * the full space fails within seconds until the compile budget lands. Then drop {@code todaysBounds}.
     */
    @Test
    void builtRegexesCompileWithinTheBoundOrAreRefused() {
        int[] compiled = new int[1];
        Seeded.forAll(2000, g -> compiled[0] += compileOrRefuse(built(g, true)) >= 0 ? 1 : 0);
        assertThat(compiled[0]).as("regexes that compiled").isGreaterThan(2000 / 20);
    }

    /** Program size is linear in each repeat count: the bound is about products of nesting, not single counts. */
    @Test
    void programSizeGrowsWithTheProductOfNestedCounts() {
        assertThat(compileOrRefuse("a{1000}")).isBetween(1000, 1100);
        assertThat(compileOrRefuse("(a{1000}){100}")).isBetween(100_000, 110_000);
        assertThat(compileOrRefuse("a{1001}")).isEqualTo(-1);
    }

    /** The compile budget refuses a program past its bound before RE2/J builds it (it used to take ~440 MB). */
    @Test
    void aProgramPastTheBudgetIsRefused() {
        for (String regex : new String[] { "((a{100}){100}){400}", "((a{1000}){1000}){1000}" }) {
            assertThatThrownBy(() -> LabelMatcher.of(LabelMatcher.Type.REGEX, "a", regex)).as(regex)
                .isInstanceOf(PatternSyntaxException.class).hasMessageContaining("expression too large");
        }
    }

    /** 10,000 nested groups used to overflow RE2/J's recursive compiler; Go refuses past 1,000 levels, and so now do we. */
    @Test
    void deepNestingIsRefused() throws InterruptedException {
        String regex = "(".repeat(10_000) + "a" + ")".repeat(10_000);
        Throwable[] thrown = new Throwable[1];
        // A thread with the JVM's default stack, as the server's request threads have.
        Thread t = new Thread(null, () -> thrown[0] = catchThrowable(
                () -> LabelMatcher.of(LabelMatcher.Type.REGEX, "a", regex)), "compile", 0);
        t.start();
        t.join();
        assertThat(thrown[0]).isInstanceOf(PatternSyntaxException.class)
            .hasMessageContaining("expression nests too deeply");
    }

    /**
     * Finding #4 (docs/reliability.md): with {@code (?i)}, U+1C80 to U+1C88 (Cyrillic small letters such as ROUNDED VE,
     * which Java 17's Unicode tables fold into the orbit of {@code в}/{@code В}) sent RE2/J 1.8's
     * {@code Parser.minFoldRune} / {@code Unicode.simpleFold} into an endless loop. Found by {@code RelabelFuzzTest#regex}
     * in fuzzing mode within 13 s; GoRegex's compile budget now refuses them before RE2/J sees them.
     */
    @Test
    @org.junit.jupiter.api.Timeout(30)
    void findingFourCaseInsensitiveRoundedVeIsRefusedOrCompiled() {
        assertThat(compileOrRefuse("(?i)\u1c80")).isEqualTo(-1);
        assertThat(compileOrRefuse("(?i)[\\x02-\\x{1fff}]")).isEqualTo(-1);
    }

    @Test
    void writeSeeds() {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        String[] regexes = {"", ".*", ".+", "a|b", "node-.+", "(?i)UP", "[0-9]{2}", "api-.+", "ü𝄞\\\\",
            "(?P<name>a+)b", "[[:alpha:]]+", "\\pL{1000}", "a{1000}", "a{1001}", "(a{1000}){100}",
            "((a{10}){10}){10}", "((a{30}){30}){30}", "(a*)*", "(a|aa)+$", "x{2,}?", "\\Q.*\\E", "(?P<", "[z-a]",
            "\\k<n>", "x**", "(?U)a+", "(?s).", "\\x{110000}", "[^\\x00-\\x{10FFFF}]",
            "(".repeat(500) + "a" + ")".repeat(500), "(?:".repeat(500) + "a" + ")".repeat(500),
            "(".repeat(1001) + "a", "a".repeat(10_000), "[a-z]{1000}[0-9]{1000}|b{1000}"};
        for (int i = 0; i < regexes.length; i++) {
            seeds.put("regex-" + i, regexes[i].getBytes(StandardCharsets.UTF_8));
        }
        Corpus.write(getClass(), "matcherRegex", seeds);
        Corpus.write(getClass(), "builtRegexes", Corpus.randomChoices(24, 128));
    }

    // --- shared -------------------------------------------------------------------------------------------------

    /** Tokens whose repeat counts stay at 10 or below. */
    private static final List<String> SMALL_TOKENS = TOKENS.stream()
            .filter(t -> !t.startsWith("{") || t.equals("{2}") || t.equals("{2,}") || t.equals("{10}")).toList();

    /** Groups nested up to four deep, each repeated, so that counts multiply. */
    private static String built(Gen g, boolean todaysBounds) {
        List<String> tokens = todaysBounds ? SMALL_TOKENS : TOKENS;
        StringBuilder b = new StringBuilder();
        int depth = g.intBetween(0, 4);
        for (int i = 0; i < depth; i++) {
            b.append(g.oneOf("(", "(?:", "(?P<g" + i + ">"));
        }
        b.append(String.join("", g.list(1, 6, x -> x.pick(tokens))));
        for (int i = 0; i < depth; i++) {
            b.append(')').append(g.bool() ? "{" + g.intBetween(0, todaysBounds ? 5 : 1001) + "}" : g.pick(tokens));
        }
        return b.toString();
    }

    /**
     * Compiles {@code regex} as a matcher under the hang and allocation bounds of {@link Refusals}.
     *
     * @return the program size in instructions, or -1 when refused
     */
    private static int compileOrRefuse(String regex) {
        LabelMatcher m = Refusals.decodeOrRefuse(PatternSyntaxException.class,
                e -> assertThat(e.getMessage()).isNotBlank(),
                () -> LabelMatcher.of(LabelMatcher.Type.REGEX, "job", regex));
        if (m == null) {
            return -1;
        }
        int size = programSize(m);
        assertThat(size).as("program size of %s", regex.length() > 200 ? regex.substring(0, 200) + "..." : regex)
                .isLessThanOrEqualTo(MAX_PROGRAM_SIZE);
        return size;
    }

    /** RE2/J's program size of the matcher's compiled regex; GoRegex keeps the {@link Pattern} private. */
    static int programSize(LabelMatcher matcher) {
        try {
            Field regexField = LabelMatcher.class.getDeclaredField("regex");
            regexField.setAccessible(true);
            Field patternField = GoRegex.class.getDeclaredField("pattern");
            patternField.setAccessible(true);
            return ((Pattern) patternField.get(regexField.get(matcher))).programSize();
        }
        catch (ReflectiveOperationException e) {
            throw new AssertionError("LabelMatcher or GoRegex changed shape; update programSize()", e);
        }
    }
}
