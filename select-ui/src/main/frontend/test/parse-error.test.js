import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseErrorPosition } from '../src/parse-error.js';

test('finds the position on the first line', () => {
    const q = 'sum(rate(x[5m])';
    assert.deepEqual(parseErrorPosition('1:16: parse error: unclosed left parenthesis', q),
        { line: 1, column: 16, offset: 15, detail: 'unclosed left parenthesis' });
});

test('counts lines and tolerates a prefix before the position', () => {
    const q = 'sum(\n  rate(x[5m]) +\n  )';
    const pos = parseErrorPosition('invalid parameter "query": 3:3: parse error: unexpected ")"', q);
    assert.equal(pos.offset, q.lastIndexOf(')'));
    assert.equal(pos.line, 3);
});

test('messages without a position, or with a line past the end, give none', () => {
    assert.equal(parseErrorPosition('query timed out in expression evaluation', 'up'), null);
    assert.equal(parseErrorPosition('4:1: parse error: x', 'up'), null);
    assert.equal(parseErrorPosition(undefined, 'up'), null);
});

test('a column past the end of the text points at its end', () => {
    assert.equal(parseErrorPosition('1:99: parse error: unexpected end of input', 'up{').offset, 3);
});
