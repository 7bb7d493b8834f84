package io.basalt.promql.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.basalt.model.Labels;
import io.basalt.model.StaleMarker;
import io.basalt.model.TimeSeries;
import io.basalt.promql.conformance.ConformanceServer;
import io.basalt.promql.conformance.InMemorySeries;
import io.basalt.promql.parser.Parser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs the PromQL scripts in {@code src/test/resources/promql/*.test}: {@code load <interval>} blocks of series,
 * {@code clear}, and {@code eval[_ordered|_fail] instant at <time> <expr>} or
 * {@code eval range from <t> to <t> step <d> <expr>} followed by the expected result. The format is described in
 * {@code src/test/resources/promql/README.md}; a new case needs no Java.
 */
class PromqlScriptTest {

    private static final String[] SCRIPTS = { "selectors.test", "operators.test", "aggregations.test",
        "functions.test", "subqueries.test", "errors.test", "sequence.test" };

    private final PromqlEngine engine = new PromqlEngine(EngineSettings.DEFAULTS);

    @TestFactory
    Stream<DynamicNode> scripts() throws IOException {
        List<DynamicNode> files = new ArrayList<>();
        for (String name : SCRIPTS) {
            files.add(DynamicContainer.dynamicContainer(name, script(name)));
        }
        return files.stream();
    }

    private Stream<DynamicNode> script(String name) throws IOException {
        String text;
        try (InputStream in = getClass().getResourceAsStream("/promql/" + name)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String[] lines = text.split("\n");
        List<DynamicNode> tests = new ArrayList<>();
        // Dynamic tests run only after the whole file has been read, so each eval must capture the store as it is at
        // its line: a load never changes a store an earlier eval captured, it starts a copy (loadedBefore).
        InMemorySeries[] store = { new InMemorySeries() };
        int i = 0;
        while (i < lines.length) {
            String line = lines[i].strip();
            int lineNo = i + 1;
            if (line.isEmpty() || line.startsWith("#")) {
                i++;
                continue;
            }
            if (line.startsWith("load ")) {
                long interval = duration(line.substring(5).strip());
                store[0] = store[0].copy();
                i++;
                while (i < lines.length && lines[i].startsWith(" ") && !lines[i].isBlank()) {
                    load(store[0], lines[i].strip(), interval);
                    i++;
                }
                continue;
            }
            if (line.equals("clear")) {
                store[0] = new InMemorySeries();
                i++;
                continue;
            }
            if (!line.startsWith("eval")) {
                throw new IllegalArgumentException(name + ":" + lineNo + ": unknown command " + line);
            }
            List<String> expected = new ArrayList<>();
            i++;
            while (i < lines.length && lines[i].startsWith(" ") && !lines[i].isBlank()) {
                expected.add(lines[i].strip());
                i++;
            }
            InMemorySeries data = store[0];
            String command = line;
            tests.add(DynamicTest.dynamicTest(name + ":" + lineNo + " " + command, () -> run(data, command, expected)));
        }
        return tests.stream();
    }

    private void run(InMemorySeries data, String command, List<String> expected) {
        String[] head = command.split(" ", 2);
        String kind = head[0];
        String rest = head[1];
        if (rest.startsWith("instant at ")) {
            String[] parts = rest.substring("instant at ".length()).split(" ", 2);
            long time = duration(parts[0]);
            String query = parts[1];
            if (kind.equals("eval_fail")) {
                var thrown = assertThatThrownBy(() -> engine.instantQuery(data, query, time))
                        .isInstanceOf(PromqlException.class);
                for (String e : expected) {
                    if (e.startsWith("error ")) {
                        thrown.hasMessageContaining(e.substring(6));
                    }
                }
                return;
            }
            QueryResult r = engine.instantQuery(data, query, time);
            compareInstant(r, expected, kind.equals("eval_ordered"));
            return;
        }
        if (rest.startsWith("range from ")) {
            String[] parts = rest.substring("range from ".length()).split(" ", 6);
            long start = duration(parts[0]);
            long end = duration(parts[2]);
            long step = duration(parts[4]);
            String query = parts[5];
            if (kind.equals("eval_fail")) {
                assertThatThrownBy(() -> engine.rangeQuery(data, query, start, end, step))
                        .isInstanceOf(PromqlException.class);
                return;
            }
            QueryResult.Matrix m = (QueryResult.Matrix) engine.rangeQuery(data, query, start, end, step);
            Map<Labels, List<Double>> want = new LinkedHashMap<>();
            for (String e : expected) {
                String[] lv = splitLabels(e);
                List<Double> vals = new ArrayList<>();
                for (String v : expandValues(lv[1])) {
                    vals.add(v.equals("_") ? null : value(v));
                }
                want.put(labels(lv[0]), vals);
            }
            Map<Labels, List<Double>> got = new LinkedHashMap<>();
            for (TimeSeries s : m.series()) {
                List<Double> vals = new ArrayList<>();
                int j = 0;
                for (long t = start; t <= end; t += step) {
                    if (j < s.size() && s.timestamp(j) == t) {
                        vals.add(s.value(j++));
                    }
                    else {
                        vals.add(null);
                    }
                }
                while (!vals.isEmpty() && vals.get(vals.size() - 1) == null) {
                    vals.remove(vals.size() - 1);
                }
                got.put(s.labels(), vals);
            }
            for (var w : want.entrySet()) {
                while (!w.getValue().isEmpty() && w.getValue().get(w.getValue().size() - 1) == null) {
                    w.getValue().remove(w.getValue().size() - 1);
                }
            }
            assertThat(got.keySet()).as("series").containsExactlyInAnyOrderElementsOf(want.keySet());
            for (var w : want.entrySet()) {
                List<Double> g = got.get(w.getKey());
                assertThat(g).as(w.getKey() + " points").hasSameSizeAs(w.getValue());
                for (int k = 0; k < g.size(); k++) {
                    assertClose(w.getKey() + " point " + k, g.get(k), w.getValue().get(k));
                }
            }
            return;
        }
        fail("cannot read command " + command);
    }

    private static void compareInstant(QueryResult r, List<String> expected, boolean ordered) {
        if (r instanceof QueryResult.Scalar s) {
            assertThat(expected).as("expected lines for a scalar").hasSize(1);
            assertClose("scalar", s.value(), value(expected.get(0)));
            return;
        }
        if (r instanceof QueryResult.StringValue s) {
            assertThat(expected).hasSize(1);
            assertThat("\"" + s.value() + "\"").isEqualTo(expected.get(0));
            return;
        }
        List<Labels> gotLabels = new ArrayList<>();
        Map<Labels, List<Double>> got = new LinkedHashMap<>();
        if (r instanceof QueryResult.Vector v) {
            for (QueryResult.Sample s : v.samples()) {
                gotLabels.add(s.labels());
                got.put(s.labels(), List.of(s.value()));
            }
        }
        else {
            for (TimeSeries s : ((QueryResult.Matrix) r).series()) {
                gotLabels.add(s.labels());
                List<Double> vals = new ArrayList<>();
                for (double d : s.values()) {
                    vals.add(d);
                }
                got.put(s.labels(), vals);
            }
        }
        List<Labels> wantLabels = new ArrayList<>();
        Map<Labels, List<Double>> want = new LinkedHashMap<>();
        for (String e : expected) {
            String[] lv = splitLabels(e);
            Labels l = labels(lv[0]);
            wantLabels.add(l);
            List<Double> vals = new ArrayList<>();
            for (String v : expandValues(lv[1])) {
                vals.add(value(v));
            }
            want.put(l, vals);
        }
        if (ordered) {
            assertThat(gotLabels).as("series order").containsExactlyElementsOf(wantLabels);
        }
        else {
            assertThat(gotLabels).as("series").containsExactlyInAnyOrderElementsOf(wantLabels);
        }
        for (Labels l : wantLabels) {
            List<Double> g = got.get(l);
            List<Double> w = want.get(l);
            assertThat(g).as(l + " values").hasSameSizeAs(w);
            for (int k = 0; k < g.size(); k++) {
                assertClose(l.toString(), g.get(k), w.get(k));
            }
        }
    }

    private static void assertClose(String what, Double got, Double want) {
        if (want == null || got == null) {
            assertThat(got).as(what).isEqualTo(want);
            return;
        }
        if (Double.isNaN(want)) {
            assertThat(got).as(what).isNaN();
            return;
        }
        if (Double.isInfinite(want) || want == 0) {
            assertThat(got).as(what).isEqualTo(want);
            return;
        }
        assertThat(Math.abs(got - want) / Math.abs(want)).as(what + ": got " + got + ", want " + want)
                .isLessThan(1e-9);
    }

    /** Splits {@code name{a="b"} 1 2} into the label part and the values part. */
    private static String[] splitLabels(String line) {
        int brace = line.indexOf('{');
        int space = line.indexOf(' ');
        if (brace >= 0 && (space < 0 || brace < space)) {
            int close = line.indexOf('}', brace);
            return new String[] { line.substring(0, close + 1), line.substring(close + 1).strip() };
        }
        return new String[] { line.substring(0, space), line.substring(space + 1).strip() };
    }

    private static Labels labels(String text) {
        return text.equals("{}") ? Labels.EMPTY : ConformanceServer.parseSeriesLabels(text);
    }

    private static void load(InMemorySeries store, String line, long interval) {
        String[] lv = splitLabels(line);
        Labels labels = labels(lv[0]);
        List<String> values = expandValues(lv[1]);
        for (int k = 0; k < values.size(); k++) {
            String v = values.get(k);
            if (v.equals("_")) {
                continue;
            }
            store.add(labels, k * interval, v.equals("stale") ? StaleMarker.VALUE : value(v));
        }
    }

    /** {@code 1+2x3} is 1 3 5 7; {@code 5x2} is 5 5 5; {@code _x2} is two gaps; plain tokens pass through. */
    static List<String> expandValues(String text) {
        List<String> out = new ArrayList<>();
        for (String token : text.split("\\s+")) {
            if (token.isEmpty()) {
                continue;
            }
            int x = token.lastIndexOf('x');
            if (x > 0 && token.substring(x + 1).chars().allMatch(Character::isDigit) && x + 1 < token.length()) {
                int times = Integer.parseInt(token.substring(x + 1));
                String base = token.substring(0, x);
                if (base.equals("_")) {
                    for (int k = 0; k < times; k++) {
                        out.add("_");
                    }
                    continue;
                }
                int op = Math.max(base.lastIndexOf('+'), base.lastIndexOf('-'));
                double start;
                double delta = 0;
                if (op > 0) {
                    start = value(base.substring(0, op));
                    delta = value(base.substring(op + 1)) * (base.charAt(op) == '-' ? -1 : 1);
                }
                else {
                    start = value(base);
                }
                for (int k = 0; k <= times; k++) {
                    out.add(Double.toString(start + k * delta));
                }
                continue;
            }
            out.add(token);
        }
        return out;
    }

    private static double value(String v) {
        return ConformanceServer.parseValue(v);
    }

    private static long duration(String d) {
        if (d.chars().allMatch(Character::isDigit)) {
            return Long.parseLong(d) * 1000;
        }
        return Parser.parseDurationMs(d);
    }
}
