import { test } from 'node:test';
import assert from 'node:assert/strict';
import { completionContext, rankCompletions, quoteLabelValue } from '../src/promql-context.js';

/** Context at the `|` in the text. */
function at(marked) {
    const cursor = marked.indexOf('|');
    return completionContext(marked.replace('|', ''), cursor);
}

test('a word outside braces completes metric names', () => {
    assert.deepEqual(at('rate(http_req|'), { kind: 'metric', prefix: 'http_req', start: 5 });
    assert.deepEqual(at('node_cpu|'), { kind: 'metric', prefix: 'node_cpu', start: 0 });
});

test('right after an opening brace or a comma come label names of that metric', () => {
    assert.deepEqual(at('up{|'), { kind: 'labelName', prefix: '', start: 3, metric: 'up' });
    assert.deepEqual(at('up{job="a", inst|'), { kind: 'labelName', prefix: 'inst', start: 12, metric: 'up' });
    assert.equal(at('{|').metric, undefined);
});

test('inside a quoted matcher value come values of that label, even with regex matchers', () => {
    assert.deepEqual(at('up{job="no|'),
        { kind: 'labelValue', prefix: 'no', start: 8, labelName: 'job', metric: 'up' });
    assert.equal(at('x{a="1",  env =~ \'pr|').labelName, 'env');
    assert.equal(at('x{a="1",  env =~ \'pr|').prefix, 'pr');
});

test('a closed string or a value position without a quote offers nothing', () => {
    assert.equal(at('up{job="x"|').kind, 'none');
    assert.equal(at('up{job=|').kind, 'none');
});

test('grouping clauses complete label names', () => {
    assert.deepEqual(at('sum by (ins|'), { kind: 'labelName', prefix: 'ins', start: 8 });
    assert.equal(at('sum(rate(x[5m])) without (|').kind, 'labelName');
    assert.equal(at('sum(rat|').kind, 'metric');
});

test('durations, numbers and comments offer nothing', () => {
    assert.equal(at('rate(x[5|').kind, 'none');
    assert.equal(at('x > 10|').kind, 'none');
    assert.equal(at('x # a comm|').kind, 'none');
});

test('an escaped quote does not end the string', () => {
    const ctx = at('x{path="a\\"b|');
    assert.equal(ctx.kind, 'labelValue');
    assert.equal(ctx.prefix, 'a\\"b');
});

test('ranking puts prefix matches first, then substring matches, without the exact word', () => {
    assert.deepEqual(rankCompletions(['node_load1', 'up', 'go_gc', 'node_up', 'upstream'], 'up'),
        ['upstream', 'node_up']);
    assert.deepEqual(rankCompletions(['a', 'b'], ''), ['a', 'b']);
    assert.equal(rankCompletions(Array.from({ length: 100 }, (_, i) => `m${i}`), 'm', 10).length, 10);
});

test('label values are escaped for a double-quoted string', () => {
    assert.equal(quoteLabelValue('C:\\dir "x"'), 'C:\\\\dir \\"x\\"');
});
