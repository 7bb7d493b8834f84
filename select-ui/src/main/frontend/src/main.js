import './style.css';
import { tenantOf } from './api.js';
import { queryView } from './views/query.js';
import { cardinalityView } from './views/cardinality.js';
import { seriesView } from './views/series.js';
import { targetsView } from './views/targets.js';

const views = { query: queryView, cardinality: cardinalityView, series: seriesView, targets: targetsView };
const main = document.getElementById('view');
let current = null;

document.getElementById('tenant').textContent = `tenant ${tenantOf(window.location.pathname)}`;

/** Routes live in the hash (`#/series?match=up`) so the server only ever serves index.html. */
function route() {
    const [path, query = ''] = window.location.hash.replace(/^#\/?/, '').split('?');
    const name = views[path] ? path : 'query';
    const params = new URLSearchParams(query);
    if (current && current.name === name && current.view.update) {
        current.view.update(params);
        return;
    }
    current?.view.dispose?.();
    main.replaceChildren();
    current = { name, view: views[name](main, params) };
    document.querySelectorAll('nav a').forEach((a) => {
        if (a.dataset.view === name) {
            a.setAttribute('aria-current', 'page');
        } else {
            a.removeAttribute('aria-current');
        }
    });
    document.title = `${name[0].toUpperCase()}${name.slice(1)} · Basalt`;
}

window.addEventListener('hashchange', route);
route();
