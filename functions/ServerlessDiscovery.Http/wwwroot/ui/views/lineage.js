// Lineage: the tenant's agents, models, tools, MCP servers, knowledge bases and downstream systems as a graph, filtered
// by type; tapping a node opens the asset. A table lists the same relationships for the keyboard and screen readers.
import { getJson } from '../api.js';
import { assetHref, h, table } from '../dom.js';
import { TYPE_COLORS, draw, elements } from '../graph.js';

const MAX_TABLE_ROWS = 500;
/** Beyond this many nodes the graph starts with its most numerous types hidden (the filter shows them). */
const MAX_DRAWN_NODES = 1500;

export default {
  id: 'lineage',
  title: 'Lineage',
  async render(main, { params, signal, navigate }) {
    const container = h('div', { class: 'graph', id: 'lineage-graph', role: 'img', 'aria-label': 'Lineage graph; the relationships are listed in the table below.' });
    const legend = h('fieldset', { class: 'legend', id: 'lineage-filter' }, h('legend', { text: 'Show types' }));
    const status = h('p', { class: 'muted', role: 'status', id: 'lineage-status', text: 'Loading…' });
    const listing = h('div', { id: 'lineage-table' });
    main.append(h('h1', { text: 'Lineage' }), status, legend, container, h('h2', { text: 'Relationships' }), listing);
    container.dataset.loading = 'true';

    const { relationships } = await getJson('/lineage', { signal });
    const hidden = new Set((params.get('hide') ?? '').split(',').filter(Boolean));
    const types = [...new Set(relationships.flatMap(r => [r.source_type, r.target_type]))].sort();
    if (relationships.length === 0) {
      status.textContent = 'No relationships yet: scans and traces add them as they find agents, models and tools.';
      delete container.dataset.loading;
      return null;
    }

    // Only the shown types go into cytoscape: a hidden type of 10,000 deployments then costs nothing to draw.
    const all = elements(relationships);
    if (!params.has('hide')) hideLargest(all, hidden);
    let cy = null;
    const apply = () => {
      cy?.destroy();
      const shown = new Set(all.filter(e => !e.data.source && !hidden.has(e.data.type)).map(e => e.data.id));
      cy = draw(container, all.filter(e => (e.data.source ? shown.has(e.data.source) && shown.has(e.data.target) : shown.has(e.data.id))),
        { onOpen: (type, id) => navigate(assetHref(type, id)) });
      const visible = relationships.filter(r => !hidden.has(r.source_type) && !hidden.has(r.target_type));
      status.textContent = `${shown.size} assets, ${visible.length} relationships shown.${hidden.size ? ` Hidden: ${[...hidden].join(', ')}.` : ''}`;
      listing.replaceChildren(h('details', {}, h('summary', { text: `${visible.length} relationships` }), table([
        { label: 'From', value: r => h('a', { href: assetHref(r.source_type, r.source_id), text: `${r.source_type}/${r.source_id}` }) },
        { label: 'Relationship', value: r => r.relationship },
        { label: 'To', value: r => h('a', { href: assetHref(r.target_type, r.target_id), text: `${r.target_type}/${r.target_id}` }) },
        { label: 'Source', value: r => r.instance ?? '' },
      ], visible.slice(0, MAX_TABLE_ROWS), 'No relationships among the types shown.',
      visible.length > MAX_TABLE_ROWS ? `The first ${MAX_TABLE_ROWS} of ${visible.length}` : null)));
    };
    for (const type of types) {
      const box = h('input', { type: 'checkbox', id: `show-${type}`, checked: !hidden.has(type), onchange: e => {
        if (e.target.checked) hidden.delete(type); else hidden.add(type);
        history.replaceState(null, '', `#/lineage${hidden.size ? `?hide=${[...hidden].join(',')}` : ''}`);
        apply();
      } });
      const swatch = h('span', { class: 'swatch', 'aria-hidden': 'true' });
      swatch.style.background = TYPE_COLORS[type] ?? '#8a8f98';
      legend.append(h('label', { for: `show-${type}` }, box, swatch, type));
    }
    apply();
    delete container.dataset.loading;
    return () => cy?.destroy();
  },
};

/** Hides the most numerous node types until what is left can be drawn. */
function hideLargest(els, hidden) {
  const byType = new Map();
  for (const e of els) if (!e.data.source) byType.set(e.data.type, (byType.get(e.data.type) ?? 0) + 1);
  let shown = [...byType.values()].reduce((a, b) => a + b, 0);
  for (const [type, n] of [...byType.entries()].sort((a, b) => b[1] - a[1])) {
    if (shown <= MAX_DRAWN_NODES) break;
    hidden.add(type);
    shown -= n;
  }
}
