import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { alignMatrix, stackColumns, seriesName } from './series-data.js';

// Distinct hues that stay readable on white; cycled for more series.
const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f',
    '#bcbd22', '#17becf', '#393b79', '#637939', '#8c6d31', '#843c39', '#7b4173', '#3182bd'];

export function color(i) {
    return PALETTE[i % PALETTE.length];
}

function formatValue(v) {
    if (v === null || v === undefined) {
        return '—';
    }
    const a = Math.abs(v);
    if (a !== 0 && (a >= 1e6 || a < 1e-3)) {
        return v.toExponential(3);
    }
    return String(Number(v.toPrecision(6)));
}

/**
 * Draws a matrix result: a line per series, a legend naming each by its labels with the value under the cursor,
 * optionally stacked; `grid` ({start, end, step}) makes missing steps gaps. Returns the uPlot instance (or null for an empty result) and a function to destroy it.
 */
export function drawGraph(container, result, { stacked = false, grid } = {}) {
    container.replaceChildren();
    if (result.length === 0) {
        return null;
    }
    const raw = alignMatrix(result, grid);
    const data = stacked ? stackColumns(raw) : raw;
    const series = [{}];
    const bands = [];
    result.forEach((s, i) => {
        series.push({
            label: seriesName(s.metric),
            stroke: color(i),
            width: 1.5,
            spanGaps: false,
            fill: stacked ? `${color(i)}40` : undefined,
            // Stacked lines are drawn at the running total; the legend still reports the series' own value.
            value: (u, v, si, idx) => formatValue(idx === null || idx === undefined ? null : raw[si][idx]),
        });
        if (stacked && i > 0) {
            bands.push({ series: [i + 1, i] });
        }
    });
    const width = Math.max(300, container.clientWidth || 800);
    const plot = new uPlot({
        width,
        height: 360,
        series,
        bands,
        scales: { x: { time: true } },
        axes: [{}, { values: (u, ticks) => ticks.map(formatValue), size: 70 }],
        legend: { live: true },
        cursor: { focus: { prox: 16 } },
        focus: { alpha: 0.35 },
    }, data, container);
    container.dataset.series = String(result.length);
    return plot;
}
