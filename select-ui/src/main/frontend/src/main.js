import './style.css';
import { tenantOf } from './api.js';
import { queryView } from './views/query.js';
import { cardinalityView } from './views/cardinality.js';
import { seriesView } from './views/series.js';
import { targetsView } from './views/targets.js';

const views = { query: queryView, cardinality: cardinalityView, series: seriesView, targets: targetsView };
const main = document.getElementById('view');
let current = null; // {name, view}

document.getElementById('tenant').textContent = `tenant ${tenantOf(window.location.pathname)}`;

/**
 * Routes live in the hash (`#/series?match=up`) so the server only ever serves index.html. Views keep their own
 * state in the hash with replaceState, which fires no hashchange: a hashchange is a link or the user, so the view is
 * built anew from it.
 */
function route() {
    const [path, query = ''] = window.location.hash.replace(/^#\/?/, '').split('?');
    const name = views[path] ? path : 'query';
    const params = new URLSearchParams(query);
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
