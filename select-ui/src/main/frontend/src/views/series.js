import { h, fill, messages } from '../dom.js';
import { promApi } from '../api.js';
import { seriesName, durationSeconds } from '../series-data.js';

const LOOKBACK = [['1h', 'Last hour'], ['1d', 'Last day'], ['7d', 'Last week'], ['', 'All time']];

export function seriesView(root, params) {
    const match = h('input', { id: 'series-match', type: 'text', size: 50, placeholder: 'up{job="node"}',
        value: params.get('match') || '' });
    const lookback = h('select', { id: 'lookback' }, LOOKBACK.map(([v, t]) => h('option', { value: v }, t)));
    lookback.value = params.get('lookback') ?? '1d';
    const limit = h('input', { id: 'series-limit', type: 'number', min: 1, max: 10000, value: 100 });
    const status = h('div', { class: 'messages', 'aria-live': 'polite' });
    const out = h('div', { id: 'series-result' });
    const names = h('div', { id: 'metric-names', class: 'names' });
    let controller = null;

    root.append(
        h('h1', {}, 'Series'),
        h('form', { class: 'controls', onsubmit: (e) => {
            e.preventDefault();
            find();
        } },
        h('label', {}, 'Series selector ', match),
        h('label', {}, 'Seen ', lookback),
        h('label', {}, 'At most ', limit),
        h('button', { type: 'submit', class: 'primary' }, 'Find')),
        status,
        h('div', { class: 'browser' }, h('nav', { 'aria-label': 'Metric names', class: 'name-list' },
            h('h2', {}, 'Metric names'), names), out));

    function timeWindow() {
        const seconds = durationSeconds(lookback.value);
        const now = Date.now() / 1000;
        return Number.isFinite(seconds) ? { start: now - seconds, end: now } : {};
    }

    async function loadNames() {
        try {
            const answer = await promApi('label/__name__/values', timeWindow());
            fill(names, answer.data.length === 0 ? h('p', { class: 'empty' }, 'No metrics yet.')
                : h('ul', {}, answer.data.slice(0, 2000).map((n) => h('li', {},
                    h('a', { href: `#/series?${new URLSearchParams({ match: n, lookback: lookback.value })}` }, n)))));
        } catch (e) {
            fill(names, messages({ error: e }));
        }
    }

    async function find() {
        const selector = match.value.trim();
        if (!selector) {
            fill(out, h('p', { class: 'hint' }, 'Pick a metric name or type a selector.'));
            return;
        }
        history.replaceState(null, '', `#/series?${new URLSearchParams({ match: selector, lookback: lookback.value })}`);
        controller?.abort();
        controller = new AbortController();
        try {
            const answer = await promApi('series', { 'match[]': selector, limit: limit.value, ...timeWindow() },
                { signal: controller.signal });
            fill(status, messages(answer));
            render(answer.data, selector);
        } catch (e) {
            if (e.name !== 'AbortError') {
                out.replaceChildren();
                fill(status, messages({ error: e }));
            }
        }
    }

    function render(series, selector) {
        const values = new Map(); // label name -> distinct values among the listed series
        for (const s of series) {
            for (const [k, v] of Object.entries(s)) {
                if (!values.has(k)) {
                    values.set(k, new Set());
                }
                values.get(k).add(v);
            }
        }
        const labelSummary = Array.from(values.entries()).sort((a, b) => b[1].size - a[1].size);
        fill(out,
            h('p', { class: 'summary', id: 'series-count' }, `${series.length} series match ${selector}`),
            series.length === 0 ? null : [
                h('h2', {}, 'Labels'),
                h('table', { class: 'data compact' },
                    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Label'),
                        h('th', { scope: 'col' }, 'Distinct values'), h('th', { scope: 'col' }, 'Examples'))),
                    h('tbody', {}, labelSummary.map(([k, vs]) => h('tr', {}, h('td', {}, k),
                        h('td', { class: 'num' }, vs.size), h('td', { class: 'examples' },
                            Array.from(vs).slice(0, 5).join(', ') + (vs.size > 5 ? ', …' : '')))))),
                h('h2', {}, 'Series'),
                h('table', { class: 'data', id: 'series-table' },
                    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Series'), h('th', { scope: 'col' }, ''))),
                    h('tbody', {}, series.map((s) => h('tr', {}, h('td', { class: 'series' }, seriesName(s)),
                        h('td', {}, h('a', { href: `#/query?${new URLSearchParams({ expr: seriesName(s) })}` },
                            'Graph')))))),
            ]);
    }

    loadNames();
    if (match.value) {
        find();
    }
    return {
        dispose: () => controller?.abort(),
    };
}
