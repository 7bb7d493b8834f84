import { h, fill, messages, relativeTime } from '../dom.js';
import { uiApi } from '../api.js';

function labelChips(labels) {
    return h('ul', { class: 'chips' }, Object.keys(labels || {}).sort().map((k) => h('li', {}, `${k}="${labels[k]}"`)));
}

function seconds(v) {
    return typeof v === 'number' ? `${(v * 1000).toFixed(1)} ms` : '—';
}

export function targetsView(root) {
    const onlyUnhealthy = h('input', { id: 'only-unhealthy', type: 'checkbox' });
    const filter = h('input', { id: 'target-filter', type: 'search', size: 30, placeholder: 'job, instance, URL…' });
    const status = h('div', { class: 'messages', 'aria-live': 'polite' });
    const agents = h('div', { id: 'agents' });
    const out = h('div', { id: 'targets' });
    let answer = null;
    let controller = null;

    root.append(
        h('h1', {}, 'Targets'),
        h('div', { class: 'controls' },
            h('label', {}, onlyUnhealthy, ' Only unhealthy'),
            h('label', {}, 'Filter ', filter),
            h('button', { type: 'button', class: 'primary', onclick: load }, 'Refresh')),
        status, agents, out);
    onlyUnhealthy.addEventListener('change', render);
    filter.addEventListener('input', render);

    async function load() {
        controller?.abort();
        controller = new AbortController();
        try {
            answer = await uiApi('targets', { signal: controller.signal });
            fill(status, messages(answer));
            render();
        } catch (e) {
            if (e.name !== 'AbortError') {
                fill(status, messages({ error: e }));
            }
        }
    }

    function render() {
        if (!answer) {
            return;
        }
        const list = answer.data.agents || [];
        // Under a tenant other than 0 select asks no agent and says why in a warning (shown above); the hint about
        // configuring agents would then be wrong.
        fill(agents, list.length === 0 && answer.warnings.length > 0 ? null : list.length === 0
            ? h('p', { class: 'msg warning', role: 'status' },
                'No agents are configured: list their base URLs in basalt.select.ui.agents.')
            : h('ul', { class: 'agents' }, list.map((a) => h('li', { class: a.up ? 'up' : 'down' },
                h('span', { class: `health ${a.up ? 'up' : 'down'}` }, a.up ? 'reachable' : 'unreachable'), ' ',
                h('code', {}, a.url), a.error ? ` — ${a.error}` : ''))));
        const text = filter.value.trim().toLowerCase();
        const targets = (answer.data.activeTargets || []).filter((t) => (!onlyUnhealthy.checked || t.health !== 'up')
            && (!text || JSON.stringify([t.labels, t.scrapeUrl, t.scrapePool]).toLowerCase().includes(text)));
        const pools = new Map();
        for (const t of targets) {
            const key = t.scrapePool || '(no pool)';
            if (!pools.has(key)) {
                pools.set(key, []);
            }
            pools.get(key).push(t);
        }
        if (targets.length === 0) {
            fill(out, h('p', { class: 'empty' }, list.length ? 'No targets to show.' : ''));
            return;
        }
        fill(out, Array.from(pools.entries()).sort(([a], [b]) => (a < b ? -1 : 1)).map(([pool, ts]) => {
            const up = ts.filter((t) => t.health === 'up').length;
            return h('section', { class: 'pool' },
                h('h2', {}, pool, h('span', { class: 'count' }, ` (${up}/${ts.length} up)`)),
                h('table', { class: 'data targets' },
                    h('thead', {}, h('tr', {}, ['Endpoint', 'State', 'Labels', 'Last scrape', 'Duration', 'Error',
                        'Agent'].map((c) => h('th', { scope: 'col' }, c)))),
                    h('tbody', {}, ts.map((t) => h('tr', {},
                        h('td', {}, h('code', {}, t.scrapeUrl)),
                        h('td', {}, h('span', { class: `health ${t.health}` }, t.health)),
                        h('td', {}, labelChips(t.labels)),
                        h('td', { title: t.lastScrape }, relativeTime(t.lastScrape)),
                        h('td', { class: 'num' }, seconds(t.lastScrapeDuration)),
                        h('td', { class: 'target-error' }, t.lastError || ''),
                        h('td', {}, h('code', {}, t.agent || '')))))));
        }));
    }

    load();
    return { dispose: () => controller?.abort() };
}
