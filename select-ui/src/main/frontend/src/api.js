// Calls select-service's Prometheus API for the tenant the page was opened under. Paths are worked out from the
// page's own address, so the UI also works behind a proxy that adds a prefix.

export class ApiError extends Error {
    constructor(message, errorType, status) {
        super(message);
        this.errorType = errorType;
        this.status = status;
    }
}

/** `/select/{tenant}` (with any proxy prefix) of a page under `/select/{tenant}/ui/`. */
export function tenantBase(pathname) {
    const m = /^(.*\/select\/[^/]+)\/ui(\/|$)/.exec(pathname);
    return m ? m[1] : '/select/0';
}

export function tenantOf(pathname) {
    const m = /\/select\/([^/]+)\/ui(\/|$)/.exec(pathname);
    return m ? decodeURIComponent(m[1]) : '0';
}

const base = tenantBase(window.location.pathname);

export const promApiBase = `${base}/prometheus/api/v1`;

/**
 * GET (or POST as a form, for long queries) and unwrap Prometheus' envelope.
 * @returns {Promise<{data: any, warnings: string[], isPartial: boolean, raw: string}>}
 */
export async function promApi(path, params = {}, { signal, method } = {}) {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) {
        (Array.isArray(v) ? v : [v]).forEach((x) => x !== undefined && x !== '' && body.append(k, x));
    }
    const usePost = method === 'POST' || (method === undefined && body.toString().length > 1500);
    const url = `${promApiBase}/${path}` + (usePost || !body.toString() ? '' : `?${body}`);
    return envelope(await fetch(url, usePost ? { method: 'POST', body, signal } : { signal }));
}

/** The UI's own endpoints under `/select/{tenant}/ui/api/`. */
export async function uiApi(path, { signal } = {}) {
    return envelope(await fetch(`${base}/ui/api/${path}`, { signal }));
}

async function envelope(response) {
    const raw = await response.text();
    let json;
    try {
        json = JSON.parse(raw);
    } catch {
        const text = raw.trim().slice(0, 300);
        throw new ApiError(`${response.status} ${response.statusText}${text ? `: ${text}` : ''}`, 'http',
            response.status);
    }
    if (json.status !== 'success') {
        throw new ApiError(json.error || `${response.status} ${response.statusText}`, json.errorType || 'http',
            response.status);
    }
    return { data: json.data, warnings: json.warnings || [], isPartial: json.isPartial === true, raw };
}
