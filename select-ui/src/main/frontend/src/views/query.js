import { h, fill, messages, download } from '../dom.js';
import { promApi, ApiError } from '../api.js';
import { queryEditor } from '../editor.js';
import { drawGraph } from '../graph.js';
import { parseErrorPosition } from '../parse-error.js';
import { autoStep, durationSeconds, resultToCsv, seriesName } from '../series-data.js';

const RANGES = ['5m', '15m', '30m', '1h', '3h', '6h', '12h', '1d', '2d', '7d', '30d'];
const REFRESH = [['', 'Off'], ['5s', '5s'], ['10s', '10s'], ['30s', '30s'], ['1m', '1m'], ['5m', '5m']];
const MAX_TABLE_ROWS = 1000;
// More lines than this make an unreadable graph and a slow page; the table and downloads still have them all.
const MAX_GRAPHED_SERIES = 300;

/** Names for completion, fetched once per page and per metric. */
function completionSource() {
    const cache = new Map();
    const cached = (key, load) => {
        if (!cache.has(key)) {
            cache.set(key, load().catch((e) => {
                cache.delete(key);
                throw e;
            }));
        }
        return cache.get(key);
    };
    const match = (metric) => (metric ? { 'match[]': metric } : {});
    return {
        metricNames: () => cached('names', async () => (await promApi('label/__name__/values')).data),
        labelNames: (metric) => cached(`labels ${metric}`, async () => (await promApi('labels', match(metric))).data),
        labelValues: (name, metric) => cached(`values ${name} ${metric}`,
            async () => (await promApi(`label/${encodeURIComponent(name)}/values`, match(metric))).data),
    };
}

export function queryView(root, params) {
    const state = {
        tab: params.get('tab') === 'table' ? 'table' : 'graph',
        stacked: params.get('stacked') === '1',
        last: null, // {kind, resultType, result, raw}
        inFlight: null,
        refreshTimer: null,
    };
    const editor = queryEditor({ value: params.get('expr') || '', onRun: run, source: completionSource() });
    const runButton = h('button', { id: 'run', class: 'primary', type: 'button', onclick: run }, 'Run query');
    const range = h('select', { id: 'range' }, RANGES.map((r) => h('option', { value: r }, r)));
    range.value = RANGES.includes(params.get('range')) ? params.get('range') : '1h';
    const end = h('input', { id: 'end', type: 'datetime-local', step: '1' });
    const step = h('input', { id: 'step', type: 'text', size: 6, placeholder: 'auto', value: params.get('step') || '',
        'aria-describedby': 'step-help' });
    const refresh = h('select', { id: 'refresh' }, REFRESH.map(([v, t]) => h('option', { value: v }, t)));
    const stacked = h('input', { id: 'stacked', type: 'checkbox' });
    stacked.checked = state.stacked;
    const status = h('div', { id: 'messages', class: 'messages', 'aria-live': 'polite' });
    const summary = h('p', { id: 'summary', class: 'summary', 'aria-live': 'polite' });
    const graph = h('div', { id: 'graph', class: 'graph' });
    const table = h('div', { id: 'table', class: 'table-wrap' });
    const tabs = {
        graph: h('button', { type: 'button', role: 'tab', id: 'tab-graph', 'aria-controls': 'result-panel' }, 'Graph'),
        table: h('button', { type: 'button', role: 'tab', id: 'tab-table', 'aria-controls': 'result-panel' }, 'Table'),
    };
    const jsonButton = h('button', { type: 'button', id: 'download-json', disabled: true,
        onclick: () => download('basalt-query.json', 'application/json', state.last.raw) }, 'Download JSON');
    const csvButton = h('button', { type: 'button', id: 'download-csv', disabled: true,
        onclick: () => download('basalt-query.csv', 'text/csv',
            resultToCsv(state.last.resultType, state.last.result)) }, 'Download CSV');

    root.append(
        h('h1', {}, 'Query'),
        h('form', { class: 'query-form', onsubmit: (e) => {
            e.preventDefault();
            run();
        } },
        editor.element,
        h('div', { class: 'controls' },
            runButton,
            h('label', {}, 'Range ', range),
            h('label', {}, 'End ', end),
            h('button', { type: 'button', id: 'end-now', onclick: () => {
                end.value = '';
                run();
            } }, 'Now'),
            h('label', {}, 'Step ', step),
            h('span', { id: 'step-help', class: 'hint' }, 'seconds or a duration like 30s; empty picks one'),
            h('label', {}, 'Auto-refresh ', refresh))),
        status,
        h('div', { class: 'result-bar' },
            h('div', { role: 'tablist', 'aria-label': 'Result view' }, tabs.graph, tabs.table),
            h('label', { class: 'stacked' }, stacked, ' Stacked'),
            h('span', { class: 'spacer' }),
            jsonButton, csvButton),
        summary,
        h('div', { id: 'result-panel', role: 'tabpanel' }, graph, table));

    function selectTab(name) {
        state.tab = name;
        for (const [k, b] of Object.entries(tabs)) {
            b.setAttribute('aria-selected', String(k === name));
            b.tabIndex = k === name ? 0 : -1;
        }
        graph.hidden = name !== 'graph';
        table.hidden = name !== 'table';
        stacked.disabled = name !== 'graph';
    }
    // arrow keys move between tabs, as in any tablist; only the selected tab is in the Tab order
    tabs.graph.parentElement.addEventListener('keydown', (e) => {
        if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
            e.preventDefault();
            const next = state.tab === 'graph' ? 'table' : 'graph';
            tabs[next].focus();
            tabs[next].click();
        }
    });
    tabs.graph.addEventListener('click', () => {
        selectTab('graph');
        run();
    });
    tabs.table.addEventListener('click', () => {
        selectTab('table');
        run();
    });
    stacked.addEventListener('change', () => {
        state.stacked = stacked.checked;
        if (state.last?.kind === 'range') {
            render(state.last);
        }
    });
    refresh.addEventListener('change', scheduleRefresh);
    range.addEventListener('change', () => editor.value.trim() && run());
    selectTab(state.tab);

    function endSeconds() {
        const t = end.value ? Date.parse(end.value) : Date.now();
        return Math.floor((Number.isFinite(t) ? t : Date.now()) / 1000);
    }

    function remember() {
        const p = new URLSearchParams({ expr: editor.value, range: range.value, tab: state.tab });
        if (step.value) {
            p.set('step', step.value);
        }
        if (state.stacked) {
            p.set('stacked', '1');
        }
        history.replaceState(null, '', `#/query?${p}`);
    }

    async function run() {
        const expr = editor.value.trim();
        if (!expr) {
            fill(status, messages({ error: { message: 'Enter a PromQL expression first.' } }));
            return;
        }
        state.inFlight?.abort();
        const controller = new AbortController();
        state.inFlight = controller;
        remember();
        runButton.disabled = true;
        runButton.textContent = 'Running…';
        summary.textContent = '';
        const started = performance.now();
        try {
            const t = endSeconds();
            let answer;
            let kind;
            if (state.tab === 'graph') {
                const seconds = durationSeconds(range.value);
                const s = step.value ? durationSeconds(step.value) : autoStep(seconds);
                if (!Number.isFinite(s) || s <= 0) {
                    throw new ApiError(`invalid step "${step.value}": use seconds or a duration like 30s`, 'bad_data');
                }
                const grid = { start: t - seconds, end: t, step: s };
                answer = await promApi('query_range', { query: expr, ...grid }, { signal: controller.signal });
                kind = 'range';
                state.grid = grid;
            } else {
                answer = await promApi('query', { query: expr, time: t }, { signal: controller.signal });
                kind = 'instant';
            }
            editor.clearError();
            state.last = { kind, resultType: answer.data.resultType, result: answer.data.result, raw: answer.raw };
            fill(status, messages(answer));
            render(state.last);
            const count = answer.data.resultType === 'scalar' || answer.data.resultType === 'string'
                ? 1 : answer.data.result.length;
            summary.textContent = `${count} ${count === 1 ? 'result' : 'results'} · ${answer.data.resultType}`
                + ` · ${Math.round(performance.now() - started)} ms`;
        } catch (e) {
            if (e.name === 'AbortError') {
                return;
            }
            showError(e, expr);
        } finally {
            if (state.inFlight === controller) {
                state.inFlight = null;
                runButton.disabled = false;
                runButton.textContent = 'Run query';
            }
        }
    }

    function showError(e, expr) {
        state.last = null;
        jsonButton.disabled = true;
        csvButton.disabled = true;
        graph.replaceChildren();
        table.replaceChildren();
        const error = { message: e.message, errorType: e.errorType };
        const out = messages({ error });
        const pos = parseErrorPosition(e.message, expr);
        if (pos) {
            editor.showError(pos.offset);
            const lineText = expr.split('\n')[pos.line - 1] ?? '';
            out.push(h('pre', { class: 'error-context', id: 'error-context' },
                lineText.slice(0, pos.column - 1),
                h('mark', {}, lineText.slice(pos.column - 1, pos.column) || ' '),
                lineText.slice(pos.column),
                '\n', ' '.repeat(pos.column - 1), `^ ${pos.detail}`));
        }
        fill(status, out);
    }

    function render(last) {
        jsonButton.disabled = false;
        csvButton.disabled = last.resultType === 'string';
        if (last.kind === 'range') {
            table.replaceChildren();
            if (last.resultType !== 'matrix') {
                graph.replaceChildren(h('p', { class: 'empty' }, `A ${last.resultType} cannot be graphed.`));
            } else if (last.result.length === 0) {
                graph.replaceChildren(h('p', { class: 'empty' }, 'No data in this range.'));
            } else {
                state.plot?.destroy();
                const shown = last.result.slice(0, MAX_GRAPHED_SERIES);
                state.plot = drawGraph(graph, shown, { stacked: state.stacked, grid: state.grid });
                if (shown.length < last.result.length) {
                    graph.prepend(h('p', { class: 'msg warning', role: 'status' }, `Graphing the first `
                        + `${shown.length} of ${last.result.length} series; narrow the query to see the rest.`));
                }
            }
        } else {
            graph.replaceChildren();
            fill(table, resultTable(last.resultType, last.result));
        }
    }

    function scheduleRefresh() {
        clearInterval(state.refreshTimer);
        const seconds = durationSeconds(refresh.value);
        if (Number.isFinite(seconds) && seconds > 0) {
            state.refreshTimer = setInterval(() => {
                if (!document.hidden && !state.inFlight && editor.value.trim()) {
                    run();
                }
            }, seconds * 1000);
        }
    }

    const onResize = () => state.plot?.setSize({ width: Math.max(300, graph.clientWidth), height: 360 });
    window.addEventListener('resize', onResize);

    if (editor.value.trim()) {
        run();
    }
    editor.input.focus();

    return {
        dispose() {
            clearInterval(state.refreshTimer);
            state.inFlight?.abort();
            state.plot?.destroy();
            editor.dispose();
            window.removeEventListener('resize', onResize);
        },
    };
}

function resultTable(resultType, result) {
    if (resultType === 'scalar' || resultType === 'string') {
        return h('table', { class: 'data', id: 'result-table' },
            h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, resultType), h('th', { scope: 'col' }, 'Value'))),
            h('tbody', {}, h('tr', {}, h('td', {}, new Date(result[0] * 1000).toISOString()),
                h('td', { class: 'num' }, result[1]))));
    }
    if (result.length === 0) {
        return h('p', { class: 'empty' }, 'Empty result: no series matched at this time.');
    }
    const rows = result.slice(0, MAX_TABLE_ROWS).map((s) => h('tr', {},
        h('td', { class: 'series' }, seriesName(s.metric)),
        h('td', { class: 'num' }, resultType === 'vector' ? s.value[1]
            : s.values.map(([t, v]) => `${v} @${t}`).join('\n'))));
    return [
        h('table', { class: 'data', id: 'result-table' },
            h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Series'),
                h('th', { scope: 'col' }, resultType === 'vector' ? 'Value' : 'Values'))),
            h('tbody', {}, rows)),
        result.length > MAX_TABLE_ROWS
            ? h('p', { class: 'hint' }, `Showing ${MAX_TABLE_ROWS} of ${result.length} series; download for all.`)
            : null,
    ];
}
