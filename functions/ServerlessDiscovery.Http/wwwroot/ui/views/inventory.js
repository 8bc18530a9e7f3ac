// Inventory: every asset of the tenant in one table over GET /api/v1/inventory. Filters (type, source, state,
// provenance, text) go to the API; pages stream in (a small first page, then 1,000 at a time) and sorting works on what
// has arrived. Only the rows in sight exist in the DOM, so 10,000+ assets scroll smoothly.
import { getJson, query, readPages } from '../api.js';
import { assetHref, h, num, when } from '../dom.js';

const ROW_HEIGHT = 32;
const OVERSCAN = 10;
const FIRST_PAGE = 200;
const MAX_ROWS = 200_000;
const TYPES = ['agent', 'model', 'generative_model', 'tool', 'mcp_server', 'mcp_tool', 'mcp_resource', 'endpoint', 'deployment',
  'downstream_system', 'catalog', 'schema', 'table', 'volume', 'function'];
const COLUMNS = [
  { key: 'name', label: 'Name', cell: a => h('a', { href: assetHref(a.type, a.id), title: a.id, text: a.name || a.id }) },
  { key: 'type', label: 'Type', cell: a => a.type },
  { key: 'instance', label: 'Source', cell: a => a.instance ?? '' },
  { key: 'state', label: 'State', cell: a => h('span', { class: `state-${a.state}`, text: a.state }) },
  { key: 'provenance', label: 'Provenance', cell: a => a.provenance ?? '' },
  { key: 'last_seen', label: 'Last seen', cell: a => when(a.last_seen) },
];

export default {
  id: 'inventory',
  title: 'Inventory',
  async render(main, { params, signal }) {
    const filters = {
      type: params.get('type') ?? '',
      instance: params.get('instance') ?? '',
      state: params.get('state') ?? '',
      provenance: params.get('provenance') ?? '',
      q: params.get('q') ?? '',
    };
    const sort = { key: params.get('sort') ?? 'name', dir: params.get('dir') === 'desc' ? -1 : 1 };
    let rows = [];
    let load = null; // AbortController of the listing being read

    const status = h('p', { id: 'inventory-status', role: 'status', 'aria-live': 'polite', class: 'muted' });
    const spacer = h('div', { class: 'vlist-body', role: 'rowgroup' });
    const headButtons = COLUMNS.map(c => h('button', { type: 'button', dataset: { key: c.key }, onclick: () => sortBy(c.key), text: c.label }));
    const heads = COLUMNS.map((c, i) => h('div', { role: 'columnheader' }, headButtons[i]));
    const list = h('div', { class: 'vlist', id: 'inventory-list', role: 'table', tabindex: '0', 'aria-label': 'Assets', 'aria-rowcount': '0' },
      h('div', { class: 'vlist-head', role: 'row', 'aria-rowindex': '1' }, heads), spacer);

    const select = (key, label, options) => h('label', { for: `inv-${key}` }, label, h('select', { id: `inv-${key}`, onchange: e => set(key, e.target.value) },
      options.map(([v, text]) => h('option', { value: v, selected: v === filters[key], text }))));
    const search = h('input', { id: 'inv-q', type: 'search', value: filters.q, placeholder: 'name or id', autocomplete: 'off', maxlength: '256' });
    let debounce = 0;
    search.addEventListener('input', () => { clearTimeout(debounce); debounce = setTimeout(() => set('q', search.value.trim()), 250); });
    const sourceSelect = select('instance', 'Source', [['', 'All sources']]);

    main.append(h('h1', { text: 'Inventory' }),
      h('form', { class: 'filters', role: 'search', onsubmit: e => { e.preventDefault(); clearTimeout(debounce); set('q', search.value.trim()); } },
        h('label', { for: 'inv-q' }, 'Search', search),
        select('type', 'Type', [['', 'All types'], ...TYPES.map(t => [t, t])]),
        sourceSelect,
        select('state', 'State', [['', 'Active and stale'], ['active', 'Active'], ['stale', 'Stale'], ['deleted', 'Deleted']]),
        select('provenance', 'Provenance', [['', 'Any'], ['declared', 'Declared'], ['observed', 'Observed'], ['both', 'Both']])),
      status, list);

    // The sources to filter by: the tenant's instances (a failure here leaves the filter at "All sources").
    getJson('/status', { signal }).then(s => {
      const options = sourceSelect.querySelector('select');
      for (const i of s.instances ?? []) options.append(h('option', { value: i.instance_id, selected: i.instance_id === filters.instance, text: i.instance_id }));
    }).catch(() => {});

    function set(key, value) {
      if (filters[key] === value) return;
      filters[key] = value;
      history.replaceState(null, '', `#/inventory${query({ ...filters, sort: sort.key === 'name' ? '' : sort.key, dir: sort.dir < 0 ? 'desc' : '' })}`);
      reload();
    }

    function sortBy(key) {
      sort.dir = sort.key === key ? -sort.dir : 1;
      sort.key = key;
      history.replaceState(null, '', `#/inventory${query({ ...filters, sort: key === 'name' ? '' : key, dir: sort.dir < 0 ? 'desc' : '' })}`);
      applySort();
      draw(true);
    }

    function applySort() {
      const k = sort.key;
      rows.sort((a, b) => sort.dir * String(a[k] ?? '').localeCompare(String(b[k] ?? ''), undefined, { numeric: true, sensitivity: 'base' }));
      headButtons.forEach((b, i) => heads[i].setAttribute('aria-sort', COLUMNS[i].key === k ? (sort.dir > 0 ? 'ascending' : 'descending') : 'none'));
    }

    let drawn = { from: -1, to: -1 };
    function draw(force = false) {
      const top = Math.max(0, list.scrollTop - ROW_HEIGHT);
      const from = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
      const to = Math.min(rows.length, Math.ceil((top + list.clientHeight) / ROW_HEIGHT) + OVERSCAN);
      if (!force && from === drawn.from && to === drawn.to) return;
      drawn = { from, to };
      spacer.style.height = `${rows.length * ROW_HEIGHT}px`;
      const fragment = document.createDocumentFragment();
      for (let i = from; i < to; i++) {
        const a = rows[i];
        const row = h('div', { class: 'vrow', role: 'row', 'aria-rowindex': String(i + 2), dataset: { type: a.type, id: a.id } },
          COLUMNS.map(c => h('div', { role: 'cell' }, c.cell(a))));
        row.style.top = `${i * ROW_HEIGHT}px`;
        fragment.append(row);
      }
      spacer.replaceChildren(fragment);
      list.setAttribute('aria-rowcount', String(rows.length + 1));
    }
    let frame = 0;
    list.addEventListener('scroll', () => { cancelAnimationFrame(frame); frame = requestAnimationFrame(() => draw()); });
    const resize = new ResizeObserver(() => draw(true));
    resize.observe(list);

    async function reload() {
      load?.abort();
      const mine = new AbortController();
      load = mine;
      signal.addEventListener('abort', () => mine.abort(), { once: true });
      rows = [];
      list.scrollTop = 0;
      list.dataset.loading = 'true';
      status.className = 'muted';
      delete status.dataset.count;
      status.textContent = 'Loading…';
      draw(true);
      const apiFilters = { ...filters };
      const onPage = items => {
        rows.push(...items);
        applySort();
        draw(true);
        status.textContent = `${num(rows.length)} assets loaded, loading more…`;
      };
      try {
        // A small first page shows something at once; the rest follows in large pages.
        const first = await getJson('/inventory' + query({ ...apiFilters, limit: FIRST_PAGE }), { signal: mine.signal });
        onPage(first.items);
        let complete = !first.continuationToken;
        if (!complete) {
          complete = await readPages('/inventory', { ...apiFilters }, 'items', onPage,
            { signal: mine.signal, maxItems: MAX_ROWS - rows.length, startToken: first.continuationToken });
        }
        if (load !== mine) return;
        status.textContent = complete
          ? `${num(rows.length)} asset${rows.length === 1 ? '' : 's'}`
          : `The first ${num(rows.length)} assets; narrow the filters to see the rest.`;
        status.dataset.count = String(rows.length);
        delete list.dataset.loading;
      } catch (e) {
        if (e.name === 'AbortError' || load !== mine) return;
        status.className = 'problem';
        status.textContent = e.describe ? e.describe() : e.message;
        delete list.dataset.loading;
      }
    }

    applySort();
    reload();
    return () => { load?.abort(); resize.disconnect(); cancelAnimationFrame(frame); clearTimeout(debounce); };
  },
};
