// Prometheus reports where a query stopped parsing as "line:column: parse error: ...", sometimes after a prefix
// such as `invalid parameter "query": `. The editor uses the position to point at the culprit.

const POSITION = /(\d+):(\d+): parse error: (.*)$/s;

/** @returns {{line: number, column: number, offset: number, detail: string} | null} */
export function parseErrorPosition(message, query) {
    const m = POSITION.exec(message || '');
    if (!m) {
        return null;
    }
    const line = Number(m[1]);
    const column = Number(m[2]);
    let offset = 0;
    for (let l = 1; l < line; l++) {
        const eol = query.indexOf('\n', offset);
        if (eol < 0) {
            return null;
        }
        offset = eol + 1;
    }
    offset = Math.min(offset + column - 1, query.length);
    return { line, column, offset, detail: m[3] };
}
