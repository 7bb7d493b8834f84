import { h, fill, messages } from '../dom.js';
import { promApi } from '../api.js';

// The lists of api/v1/status/tsdb worth showing, in the order shown; absent lists are skipped.
const LISTS = [
    ['seriesCountByMetricName', 'Metric names with the most series', 'Metric name', 'Series', 'metric'],
    ['seriesCountByLabelValuePair', 'Label pairs with the most series', 'Label pair', 'Series', 'pair'],
    ['labelValueCountByLabelName', 'Label names with the most values', 'Label name', 'Values', 'label'],
    ['seriesCountByLabelName', 'Label names on the most series', 'Label name', 'Series', 'label'],
];

/** Selector that opens the series browser for one row of a list. */
function browseSelector(kind, name) {
    if (kind === 'metric') {
        return name;
    }
    if (kind === 'pair') {
        const eq = name.indexOf('=');
        return `{${name.slice(0, eq)}=${JSON.stringify(name.slice(eq + 1))}}`;
    }
    return `{${name}!=""}`;
}

export function cardinalityView(root, params) {
    const topN = h('input', { id: 'topn', type: 'number', min: 1, max: 1000, value: params.get('topN') || 10 });
    const date = h('input', { id: 'date', type: 'date', value: params.get('date') || '' });
    const match = h('input', { id: 'card-match', type: 'text', size: 30, placeholder: '{job="node"}',
        value: params.get('match') || '' });
    const status = h('div', { class: 'messages', 'aria-live': 'polite' });
    const out = h('div', { id: 'cardinality' });
    let controller = null;

    root.append(
        h('h1', {}, 'Cardinality'),
        h('p', { class: 'hint' }, 'Where the series come from, per day, over all storage nodes.'),
        h('form', { class: 'controls', onsubmit: (e) => {
            e.preventDefault();
            load();
        } },
        h('label', {}, 'Top ', topN),
        h('label', {}, 'Day (UTC) ', date),
        h('label', {}, 'Only series matching ', match),
        h('button', { type: 'submit', class: 'primary' }, 'Show')),
        status, out);

    async function load() {
        controller?.abort();
        controller = new AbortController();
        fill(out, h('p', { class: 'hint' }, 'Loading…'));
        try {
            const answer = await promApi('status/tsdb', { topN: topN.value, date: date.value,
                'match[]': match.value.trim() || undefined }, { signal: controller.signal });
            fill(status, messages(answer));
            render(answer.data);
        } catch (e) {
            if (e.name === 'AbortError') {
                return;
            }
            out.replaceChildren();
            if (e.status === 404) {
                fill(status, h('div', { class: 'msg warning', role: 'status' },
                    'This select node does not offer cardinality statistics (api/v1/status/tsdb answered 404).'));
            } else {
                fill(status, messages({ error: e }));
            }
        }
    }

    function render(data) {
        const total = data.totalSeries ?? data.headStats?.numSeries;
        // an empty secondary list is one the storage nodes do not compute: not worth a box saying so
        const shown = LISTS.filter(([field], i) => Array.isArray(data[field]) && (i === 0 || data[field].length > 0));
        const sections = shown.map(([field, title, nameCol,
            valueCol, kind]) => {
            const rows = data[field];
            const max = Math.max(1, ...rows.map((r) => r.value));
            const share = valueCol === 'Series' && total > 0;
            return h('section', { class: 'card', id: `list-${field}`, 'aria-labelledby': `title-${field}` },
                h('h2', { id: `title-${field}` }, title),
                rows.length === 0 ? h('p', { class: 'empty' }, 'Nothing here.') : h('table', { class: 'data' },
                    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, nameCol), h('th', { scope: 'col' }, valueCol),
                        share ? h('th', { scope: 'col' }, '% of all') : null)),
                    h('tbody', {}, rows.map((r) => h('tr', {},
                        h('td', {}, h('a', { href: `#/series?${new URLSearchParams({
                            match: browseSelector(kind, r.name) })}` }, r.name)),
                        h('td', { class: 'num bar-cell' },
                            h('span', { class: 'bar', style: `width:${(100 * r.value) / max}%` }),
                            h('span', { class: 'bar-value' }, r.value.toLocaleString('en'))),
                        share ? h('td', { class: 'num' }, `${((100 * r.value) / total).toFixed(1)}%`) : null)))));
        });
        fill(out,
            total !== undefined ? h('p', { class: 'totals', id: 'totals' },
                h('strong', {}, Number(total).toLocaleString('en')), ' series',
                data.totalLabelValuePairs !== undefined
                    ? [', ', h('strong', {}, Number(data.totalLabelValuePairs).toLocaleString('en')),
                        ' label pairs'] : null) : null,
            sections.length ? h('div', { class: 'cards' }, sections)
                : h('p', { class: 'empty' }, 'The answer held none of the lists this page knows.'));
    }

    load();
    return { dispose: () => controller?.abort() };
}
