import { h, fill } from './dom.js';
import { completionContext, rankCompletions, quoteLabelValue } from './promql-context.js';

// PromQL functions and aggregations offered next to metric names.
const FUNCTIONS = ['abs', 'absent', 'absent_over_time', 'avg', 'avg_over_time', 'bottomk', 'ceil', 'changes',
    'clamp', 'clamp_max', 'clamp_min', 'count', 'count_over_time', 'count_values', 'day_of_month', 'day_of_week',
    'days_in_month', 'delta', 'deriv', 'exp', 'floor', 'group', 'histogram_quantile', 'holt_winters', 'hour',
    'idelta', 'increase', 'irate', 'label_join', 'label_replace', 'last_over_time', 'ln', 'log10', 'log2', 'max',
    'max_over_time', 'min', 'min_over_time', 'minute', 'month', 'predict_linear', 'present_over_time', 'quantile',
    'quantile_over_time', 'rate', 'resets', 'round', 'scalar', 'sgn', 'sort', 'sort_desc', 'sqrt', 'stddev',
    'stddev_over_time', 'stdvar', 'stdvar_over_time', 'sum', 'sum_over_time', 'time', 'timestamp', 'topk',
    'vector', 'year'];

/**
 * A PromQL text box with completion from the API and a marker at the position of a parse error.
 * Enter or Ctrl+Enter runs the query, Shift+Enter adds a line, Ctrl+Space asks for completions, Escape closes them.
 *
 * @param {{value: string, onRun: () => void, source: {metricNames: () => Promise<string[]>,
 *          labelNames: (metric?: string) => Promise<string[]>,
 *          labelValues: (name: string, metric?: string) => Promise<string[]>}}} options
 */
export function queryEditor({ value = '', onRun, source }) {
    const mirror = h('div', { class: 'mirror', 'aria-hidden': 'true' });
    const list = h('ul', { id: 'query-suggestions', class: 'suggestions', role: 'listbox', hidden: true,
        'aria-label': 'Completions' });
    const input = h('textarea', {
        id: 'query', class: 'query-input', rows: 3, spellcheck: 'false', autocomplete: 'off',
        autocapitalize: 'off', role: 'combobox', 'aria-autocomplete': 'list', 'aria-expanded': 'false',
        'aria-controls': 'query-suggestions', 'aria-describedby': 'query-help',
        placeholder: 'e.g. rate(http_requests_total[5m])',
    });
    input.value = value;
    const help = h('p', { id: 'query-help', class: 'hint' },
        'Enter runs the query, Shift+Enter starts a new line, Ctrl+Space suggests names, Tab or Enter picks one.');
    const element = h('div', { class: 'editor' },
        h('label', { for: 'query' }, 'PromQL expression'),
        h('div', { class: 'editor-box' }, mirror, input, list),
        help);

    let items = [];
    let active = -1;
    let context = null;
    let pending = 0;
    let timer = null;

    function close() {
        items = [];
        active = -1;
        list.hidden = true;
        input.setAttribute('aria-expanded', 'false');
        input.removeAttribute('aria-activedescendant');
    }

    function render() {
        fill(list, items.map((text, i) => h('li', {
            id: `suggestion-${i}`, role: 'option', 'aria-selected': String(i === active),
            class: i === active ? 'active' : '',
            onmousedown: (e) => {
                e.preventDefault();
                accept(i);
            },
        }, text)));
        list.hidden = items.length === 0;
        input.setAttribute('aria-expanded', String(items.length > 0));
        if (active >= 0) {
            input.setAttribute('aria-activedescendant', `suggestion-${active}`);
            list.children[active]?.scrollIntoView({ block: 'nearest' });
        } else {
            input.removeAttribute('aria-activedescendant');
        }
    }

    async function suggest(explicit) {
        const ctx = completionContext(input.value, input.selectionStart);
        const ticket = ++pending;
        if (ctx.kind === 'none' || (ctx.kind === 'metric' && ctx.prefix === '' && !explicit)) {
            close();
            return;
        }
        let candidates;
        try {
            if (ctx.kind === 'metric') {
                candidates = (await source.metricNames()).concat(FUNCTIONS);
            } else if (ctx.kind === 'labelName') {
                candidates = (await source.labelNames(ctx.metric)).filter((n) => n !== '__name__');
            } else {
                candidates = await source.labelValues(ctx.labelName, ctx.metric);
            }
        } catch {
            candidates = [];
        }
        if (ticket !== pending) {
            return; // a newer keystroke asked again
        }
        context = ctx;
        items = rankCompletions(candidates, ctx.prefix);
        active = items.length > 0 ? 0 : -1;
        render();
    }

    function accept(i) {
        const text = items[i];
        if (text === undefined || !context) {
            return;
        }
        const insert = context.kind === 'labelValue' ? quoteLabelValue(text) : text;
        const end = input.selectionStart;
        input.setRangeText(insert, context.start, end, 'end');
        close();
        clearError();
        input.focus();
    }

    input.addEventListener('keydown', (e) => {
        const open = !list.hidden && items.length > 0;
        if (e.key === ' ' && e.ctrlKey) {
            e.preventDefault();
            suggest(true);
        } else if (open && e.key === 'ArrowDown') {
            e.preventDefault();
            active = (active + 1) % items.length;
            render();
        } else if (open && e.key === 'ArrowUp') {
            e.preventDefault();
            active = (active - 1 + items.length) % items.length;
            render();
        } else if (open && e.key === 'Escape') {
            e.preventDefault();
            close();
        } else if (open && active >= 0 && (e.key === 'Tab' || (e.key === 'Enter' && !e.ctrlKey && !e.shiftKey))) {
            e.preventDefault();
            accept(active);
        } else if (e.key === 'Enter' && !e.shiftKey) {
            e.preventDefault();
            // a completion still on its way would pop up over the result
            clearTimeout(timer);
            pending++;
            close();
            onRun();
        }
    });
    input.addEventListener('input', () => {
        clearError();
        clearTimeout(timer);
        timer = setTimeout(() => suggest(false), 120);
    });
    input.addEventListener('blur', () => setTimeout(close, 150));
    input.addEventListener('scroll', () => {
        mirror.scrollTop = input.scrollTop;
    });

    /** Marks the character at `offset` (the parse error's position) in the box and puts the cursor there. */
    function showError(offset) {
        const text = input.value;
        const at = Math.min(offset, text.length);
        const culprit = text.slice(at, at + 1);
        fill(mirror, text.slice(0, at), h('mark', { class: 'error-mark' }, culprit && culprit !== '\n' ? culprit : ' '),
            culprit === '\n' ? '\n' : '', text.slice(at + 1));
        input.classList.add('invalid');
        input.setAttribute('aria-invalid', 'true');
        input.setSelectionRange(at, at);
    }

    function clearError() {
        mirror.replaceChildren();
        input.classList.remove('invalid');
        input.removeAttribute('aria-invalid');
    }

    return {
        element,
        input,
        get value() {
            return input.value;
        },
        set value(v) {
            input.value = v;
            clearError();
        },
        showError,
        clearError,
        dispose: () => clearTimeout(timer),
    };
}
