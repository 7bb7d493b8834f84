import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alignMatrix, stackColumns, seriesName, resultToCsv, autoStep, durationSeconds, plottable }
    from '../src/series-data.js';

test('series are named like Prometheus names them, labels sorted and quoted', () => {
    assert.equal(seriesName({ __name__: 'up', job: 'a', instance: 'h:1' }), 'up{instance="h:1", job="a"}');
    assert.equal(seriesName({ __name__: 'up' }), 'up');
    assert.equal(seriesName({ path: 'say "hi"' }), '{path="say \\"hi\\""}');
    assert.equal(seriesName({}), '{}');
});

test('a series missing samples, as after going stale, gets gaps rather than interpolated points', () => {
    const aligned = alignMatrix([
        { metric: { i: 'a' }, values: [[10, '1'], [20, '2'], [30, '3']] },
        { metric: { i: 'b' }, values: [[10, '5'], [30, '7']] },
    ]);
    assert.deepEqual(aligned, [[10, 20, 30], [1, 2, 3], [5, null, 7]]);
});

test('with the query grid a hole in a lone series is a gap, not a line across it', () => {
    const aligned = alignMatrix([{ metric: {}, values: [[100, '1'], [130, '4']] }], { start: 100, end: 130, step: 10 });
    assert.deepEqual(aligned, [[100, 110, 120, 130], [1, null, null, 4]]);
});

test('grid and sample timestamps that differ below a millisecond are the same point', () => {
    const aligned = alignMatrix([{ metric: {}, values: [[0.3, '1']] }], { start: 0.1, end: 0.3, step: 0.1 });
    assert.equal(aligned[0].length, 3);
    assert.deepEqual(aligned[1], [null, null, 1]);
});

test('timestamps are unioned and sorted across series', () => {
    const aligned = alignMatrix([
        { metric: {}, values: [[30, '1']] },
        { metric: {}, values: [[10, '2'], [20, '3']] },
    ]);
    assert.deepEqual(aligned[0], [10, 20, 30]);
    assert.deepEqual(aligned[1], [null, null, 1]);
});

test('values that cannot be drawn become gaps', () => {
    assert.equal(plottable('NaN'), null);
    assert.equal(plottable('+Inf'), null);
    assert.equal(plottable('-Inf'), null);
    assert.equal(plottable('1e3'), 1000);
});

test('stacking sums in order and a gap neither draws nor lifts the series above it', () => {
    const stacked = stackColumns([[1, 2, 3], [1, 1, 1], [2, null, 2], [3, 3, 3]]);
    assert.deepEqual(stacked, [[1, 2, 3], [1, 1, 1], [3, null, 3], [6, 4, 6]]);
});

test('CSV has a column per label, __name__ first, and quotes fields that need it', () => {
    const csv = resultToCsv('matrix', [
        { metric: { __name__: 'up', job: 'a,b' }, values: [[1, '1'], [2, '0']] },
        { metric: { __name__: 'up', zone: 'x"y' }, values: [[1, '1']] },
    ]);
    assert.equal(csv, '__name__,job,zone,timestamp,value\r\n'
        + 'up,"a,b",,1,1\r\nup,"a,b",,2,0\r\nup,,"x""y",1,1\r\n');
});

test('CSV of vectors and scalars has one row per value', () => {
    assert.equal(resultToCsv('vector', [{ metric: { job: 'j' }, value: [5, '2.5'] }]),
        'job,timestamp,value\r\nj,5,2.5\r\n');
    assert.equal(resultToCsv('scalar', [7, '3']), 'timestamp,value\r\n7,3\r\n');
});

test('durations parse as in PromQL and reject garbage', () => {
    assert.equal(durationSeconds('1h30m'), 5400);
    assert.equal(durationSeconds('250ms'), 0.25);
    assert.equal(durationSeconds('15'), 15);
    assert.ok(Number.isNaN(durationSeconds('5 minutes')));
    assert.ok(Number.isNaN(durationSeconds('')));
});

test('the automatic step aims at a few hundred points and is never below a second', () => {
    assert.equal(autoStep(3600), 14);
    assert.equal(autoStep(60), 1);
});
