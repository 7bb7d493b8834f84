// Works out what the word at the cursor of a PromQL expression is, so the editor can offer metric names,
// label names or label values. A small hand scan rather than a parser: half-typed queries are the normal case here.

const WORD = /[a-zA-Z0-9_:]/;
const LABEL_LIST_KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);

/**
 * @returns {{kind: 'metric'|'labelName'|'labelValue'|'none', prefix: string, start: number,
 *            metric?: string, labelName?: string}}
 *   start is where the text to replace begins; the replaced span is [start, cursor).
 */
export function completionContext(text, cursor) {
    const scopes = []; // open '{', '(' and '[' with where they are
    let quote = null;
    let quoteStart = -1;
    for (let i = 0; i < cursor; i++) {
        const c = text[i];
        if (quote) {
            if (c === '\\' && quote !== '`') {
                i++;
            } else if (c === quote) {
                quote = null;
            }
            continue;
        }
        if (c === '"' || c === "'" || c === '`') {
            quote = c;
            quoteStart = i;
        } else if (c === '#') {
            const eol = text.indexOf('\n', i);
            if (eol < 0 || eol >= cursor) {
                return none(cursor);
            }
            i = eol;
        } else if (c === '{' || c === '(' || c === '[') {
            scopes.push({ open: c, at: i });
        } else if (c === '}' || c === ')' || c === ']') {
            scopes.pop();
        }
    }
    const scope = scopes[scopes.length - 1];
    if (quote) {
        if (!scope || scope.open !== '{') {
            return none(cursor);
        }
        const before = text.slice(scope.at + 1, quoteStart);
        const m = /([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*$/.exec(before);
        if (!m) {
            return none(cursor);
        }
        return {
            kind: 'labelValue',
            prefix: text.slice(quoteStart + 1, cursor),
            start: quoteStart + 1,
            labelName: m[1],
            metric: metricBefore(text, scope.at),
        };
    }
    let start = cursor;
    while (start > 0 && WORD.test(text[start - 1])) {
        start--;
    }
    const prefix = text.slice(start, cursor);
    if (/^[0-9]/.test(prefix)) {
        return none(cursor);
    }
    if (scope && scope.open === '[') {
        return none(cursor);
    }
    if (scope && scope.open === '{') {
        const lead = text.slice(scope.at + 1, start).trimEnd();
        if (lead === '' || lead.endsWith(',')) {
            return { kind: 'labelName', prefix, start, metric: metricBefore(text, scope.at) };
        }
        return none(cursor);
    }
    if (scope && scope.open === '(') {
        const keyword = /([a-z_]+)\s*$/.exec(text.slice(0, scope.at));
        if (keyword && LABEL_LIST_KEYWORDS.has(keyword[1])) {
            return { kind: 'labelName', prefix, start };
        }
    }
    return { kind: 'metric', prefix, start };
}

function metricBefore(text, braceAt) {
    const m = /([a-zA-Z_:][a-zA-Z0-9_:]*)\s*$/.exec(text.slice(0, braceAt));
    return m ? m[1] : undefined;
}

function none(cursor) {
    return { kind: 'none', prefix: '', start: cursor };
}

/** Candidates that start with the prefix first, then those that merely contain it; at most `limit`. */
export function rankCompletions(candidates, prefix, limit = 50) {
    const p = prefix.toLowerCase();
    const starts = [];
    const contains = [];
    for (const c of candidates) {
        const lc = c.toLowerCase();
        if (lc === p) {
            continue;
        }
        if (lc.startsWith(p)) {
            starts.push(c);
        } else if (p.length > 0 && lc.includes(p)) {
            contains.push(c);
        }
        if (starts.length >= limit) {
            break;
        }
    }
    return starts.concat(contains).slice(0, limit);
}

/** Escapes a label value for a double-quoted PromQL string. */
export function quoteLabelValue(value) {
    return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
