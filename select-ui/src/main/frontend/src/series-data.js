// Turns Prometheus query results into what the graph, table and downloads need.

/** `name{a="1", b="2"}`, the way Prometheus' own UI names a series. */
export function seriesName(metric) {
    const name = metric.__name__ || '';
    const pairs = Object.keys(metric)
        .filter((k) => k !== '__name__')
        .sort()
        .map((k) => `${k}="${metric[k].replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`);
    return pairs.length === 0 && name ? name : `${name}{${pairs.join(', ')}}`;
}

/** A sample value as a number the graph can draw, or null for a gap (NaN and infinities cannot be drawn). */
export function plottable(text) {
    const v = Number(text);
    return Number.isFinite(v) ? v : null;
}

/**
 * Matrix result → uPlot's column layout: one shared, sorted x axis (seconds) and per series a column with null where
 * that series has no sample. A missing sample then breaks the line: a series that went stale, or started late,
 * shows a gap instead of a line drawn across the hole.
 *
 * With the query's grid ({start, end, step}, seconds) every step gets an x value, so a hole shows even in a lone
 * series, whose own timestamps alone would hide it. Timestamps are matched to the millisecond.
 */
export function alignMatrix(result, grid) {
    const times = new Map(); // ms -> seconds as given
    if (grid && grid.step > 0 && (grid.end - grid.start) / grid.step <= 20000) {
        for (let k = 0; grid.start + k * grid.step <= grid.end + 1e-9; k++) {
            const t = grid.start + k * grid.step;
            times.set(Math.round(t * 1000), t);
        }
    }
    for (const s of result) {
        for (const [t] of s.values || []) {
            times.set(Math.round(t * 1000), t);
        }
    }
    const keys = Array.from(times.keys()).sort((a, b) => a - b);
    const xs = keys.map((k) => times.get(k));
    const index = new Map(keys.map((k, i) => [k, i]));
    const columns = result.map((s) => {
        const col = new Array(xs.length).fill(null);
        for (const [t, v] of s.values || []) {
            col[index.get(Math.round(t * 1000))] = plottable(v);
        }
        return col;
    });
    return [xs, ...columns];
}

/**
 * Stacks columns on each other in order. A gap stays a gap in its own band and adds nothing to those above it, so a
 * stale series never lifts the others by a value it does not have.
 */
export function stackColumns(aligned) {
    const [xs, ...columns] = aligned;
    const base = new Array(xs.length).fill(0);
    const stacked = columns.map((col) => col.map((v, i) => {
        if (v === null) {
            return null;
        }
        base[i] += v;
        return base[i];
    }));
    return [xs, ...stacked];
}

/** A step that gives about `points` points over the range, rounded to whole seconds (Prometheus' UI does alike). */
export function autoStep(rangeSeconds, points = 250) {
    return Math.max(1, Math.round(rangeSeconds / points));
}

/**
 * One CSV row per sample with a column per label name: spreadsheets can filter and pivot it directly.
 * Works for matrix, vector and scalar results.
 */
export function resultToCsv(resultType, result) {
    let rows;
    if (resultType === 'matrix') {
        rows = result.flatMap((s) => (s.values || []).map(([t, v]) => ({ metric: s.metric, t, v })));
    } else if (resultType === 'vector') {
        rows = result.map((s) => ({ metric: s.metric, t: s.value[0], v: s.value[1] }));
    } else {
        rows = [{ metric: {}, t: result[0], v: result[1] }];
    }
    const names = new Set();
    rows.forEach((r) => Object.keys(r.metric).forEach((k) => names.add(k)));
    const labelNames = Array.from(names).sort((a, b) => (a === '__name__' ? -1 : b === '__name__' ? 1 : a < b ? -1 : 1));
    const lines = [[...labelNames, 'timestamp', 'value'].map(csvField).join(',')];
    for (const r of rows) {
        lines.push([...labelNames.map((n) => r.metric[n] ?? ''), String(r.t), r.v].map(csvField).join(','));
    }
    return lines.join('\r\n') + '\r\n';
}

function csvField(text) {
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Prometheus' duration syntax (`5m`, `1h30m`, `90s`, `250ms`) to seconds, or NaN. Plain numbers are seconds. */
export function durationSeconds(text) {
    const t = String(text).trim();
    if (/^\d+(\.\d+)?$/.test(t)) {
        return Number(t);
    }
    const units = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };
    const re = /(\d+)(ms|s|m|h|d|w|y)/gy;
    let total = 0;
    let matched = 0;
    let m;
    while ((m = re.exec(t)) !== null) {
        total += Number(m[1]) * units[m[2]];
        matched = re.lastIndex;
    }
    return matched === t.length && matched > 0 ? total : NaN;
}
