// A tiny element builder: enough for these pages without a framework.

export function h(tag, attrs = {}, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
        if (v === undefined || v === null || v === false) {
            continue;
        }
        if (k.startsWith('on')) {
            el.addEventListener(k.slice(2).toLowerCase(), v);
        } else if (k === 'class') {
            el.className = v;
        } else {
            el.setAttribute(k, v === true ? '' : v);
        }
    }
    append(el, children);
    return el;
}

function append(el, children) {
    for (const c of children) {
        if (c === undefined || c === null || c === false) {
            continue;
        }
        if (Array.isArray(c)) {
            append(el, c);
        } else {
            el.append(c instanceof Node ? c : String(c));
        }
    }
}

/** Replaces the children of `el`. */
export function fill(el, ...children) {
    el.replaceChildren();
    append(el, children);
    return el;
}

/** Warnings, partial answers and errors, shown the same way on every page. */
export function messages({ warnings = [], isPartial = false, error = null } = {}) {
    const out = [];
    if (error) {
        out.push(h('div', { class: 'msg error', role: 'alert' },
            error.errorType ? h('strong', {}, `${error.errorType}: `) : null, error.message));
    }
    if (isPartial) {
        out.push(h('div', { class: 'msg partial', role: 'status' }, h('strong', {}, 'Partial response: '),
            'some storage nodes did not answer, so the result may be incomplete.'));
    }
    for (const w of warnings) {
        out.push(h('div', { class: 'msg warning', role: 'status' }, h('strong', {}, 'Warning: '), w));
    }
    return out;
}

export function download(filename, type, text) {
    const url = URL.createObjectURL(new Blob([text], { type }));
    const a = h('a', { href: url, download: filename });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function relativeTime(iso, now = Date.now()) {
    const t = Date.parse(iso);
    if (!Number.isFinite(t) || t <= 0) {
        return 'never';
    }
    const s = (now - t) / 1000;
    if (s < 0) {
        return 'just now';
    }
    if (s < 60) {
        return `${s.toFixed(1)}s ago`;
    }
    if (s < 3600) {
        return `${Math.floor(s / 60)}m ${Math.floor(s % 60)}s ago`;
    }
    return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m ago`;
}
