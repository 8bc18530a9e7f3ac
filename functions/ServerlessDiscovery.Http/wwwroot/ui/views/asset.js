// Asset: one asset merged over the sources that saw it: its attributes and where each value came from, the sources,
// its observed use, its version history (the change log for this asset) and its lineage neighbourhood.
import { ApiError, getJson, query } from '../api.js';
import { assetHref, facts, h, num, section, table, when } from '../dom.js';
import { draw, elements, nodeId } from '../graph.js';

/** An asset's history is read from the start of the change log; this bounds one visit's reads. */
const MAX_HISTORY_PAGES = 10;

export default {
  id: 'asset',
  title: 'Asset',
  nav: false,
  navId: 'inventory',
  async render(main, { segments, signal, navigate }) {
    const [type, ...rest] = segments;
    const id = rest.join('/');
    if (!type || !id) {
      main.append(h('h1', { text: 'Asset' }), h('p', { class: 'problem', text: 'No asset named: open one from the inventory.' }));
      return null;
    }

    let asset;
    try {
      asset = await getJson(`/assets/${encodeURIComponent(type)}/${id.split('/').map(encodeURIComponent).join('/')}`, { signal });
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) {
        main.append(h('h1', { text: 'Asset not found' }), h('p', { class: 'problem', role: 'alert', text: e.describe() }), h('p', {}, h('a', { href: '#/inventory', text: 'Back to the inventory' })));
        return null;
      }
      throw e;
    }

    document.title = `${asset.name || asset.id} · ServerlessDiscovery`;
    const history = h('div', { id: 'asset-history', dataset: { loading: 'true' } }, h('p', { class: 'muted', text: 'Loading…' }));
    const lineage = h('div', { id: 'asset-lineage', dataset: { loading: 'true' } }, h('p', { class: 'muted', text: 'Loading…' }));
    main.append(
      h('h1', { text: asset.name || asset.id }),
      h('p', { class: 'muted' }, `${asset.type} · ${asset.id} `, h('span', { class: `badge state-${asset.state}`, text: asset.state }), ' ', h('span', { class: 'badge', text: asset.provenance })),
      h('div', { class: 'cards' },
        section('Summary', facts([
          ['Type', asset.type], ['Id', asset.id], ['State', asset.state], ['Provenance', asset.provenance],
          ['Version', asset.version], ['First seen', when(asset.first_seen)], ['Last seen', when(asset.last_seen)],
          ['Last changed', when(asset.last_changed)], ['Scope', asset.scope], ['Reason', asset.reason],
        ])),
        section('Observed use', observed(asset))),
      section('Attributes', attributes(asset)),
      section('Sources that saw it', table([
        { label: 'Source', value: s => h('a', { href: `#/inventory${query({ instance: s.instance })}`, text: s.instance }) },
        { label: 'Version', value: s => String(s.version ?? '') },
        { label: 'State', value: s => h('span', { class: `state-${s.state}`, text: s.state }) },
        { label: 'First seen', value: s => when(s.first_seen) },
        { label: 'Last seen', value: s => when(s.last_seen) },
      ], asset.sources ?? [], 'No source rows.')),
      section('Version history', history),
      section('Lineage neighbourhood', lineage),
      h('p', {}, h('a', { href: `#/bom?${asset.type === 'agent' ? 'agent' : 'instance'}=${encodeURIComponent(asset.type === 'agent' ? asset.id : (asset.sources?.[0]?.instance ?? ''))}`, text: asset.type === 'agent' ? 'Download this agent\u2019s BOM' : 'Download a BOM of its source' })));

    let cy = null;
    await Promise.all([
      loadHistory(history, type, id, signal).catch(e => fail(history, e)),
      loadLineage(lineage, type, id, signal, navigate).then(c => { cy = c; }).catch(e => fail(lineage, e)),
    ]);
    return () => cy?.destroy();
  },
};

function fail(target, e) {
  if (e.name === 'AbortError') throw e;
  target.replaceChildren(h('p', { class: 'problem', role: 'alert', text: e.describe ? e.describe() : e.message }));
  delete target.dataset.loading;
}

function attributes(asset) {
  const attrs = asset.attributes ?? {};
  const sources = asset.attribute_sources ?? {};
  const keys = Object.keys(attrs).sort();
  return table([
    { label: 'Attribute', value: k => k },
    { label: 'Value', value: k => format(attrs[k]) },
    { label: 'From', value: k => h('span', { class: 'badge', title: describeSource(sources[k]), text: sources[k] ?? 'unknown' }) },
  ], keys, 'No attributes.');
}

function describeSource(source) {
  return { scan: 'Reported by a scan of the source', trace: 'Read from a trace span', inferred: 'Worked out from traces, not read from a span' }[source] ?? '';
}

function format(value) {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return h('pre', { class: 'json', text: JSON.stringify(value, null, 2) });
  return String(value);
}

function observed(asset) {
  const o = asset.observed;
  if (!o) return h('p', { class: 'muted', id: 'asset-observed', text: 'Not observed in traces.' });
  return h('div', { id: 'asset-observed' }, facts([
    ['Invocations', num(o.invocations)], ['Input tokens', num(o.input_tokens)], ['Output tokens', num(o.output_tokens)],
    ['First invocation', when(o.first_invocation)], ['Last invocation', when(o.last_invocation)],
    ['Services', (o.services ?? []).join(', ')], ['Agents', (o.agents ?? []).join(', ')],
    ['Resolved via', (o.via ?? []).join(', ')], ['Rule', o.rule],
  ]));
}

async function loadHistory(target, type, id, signal) {
  const events = [];
  let cursor = null;
  let more = true;
  let pages = 0;
  while (more && pages < MAX_HISTORY_PAGES) {
    const page = await getJson('/changes' + query({ asset: `${type}/${id}`, cursor, limit: 1000 }), { signal });
    events.push(...page.events);
    cursor = page.cursor;
    more = page.more;
    pages++;
  }
  events.reverse();
  target.replaceChildren(table([
    { label: 'When', value: e => when(e.time) },
    { label: 'Change', value: e => e.type.replace(/^ServerlessDiscovery\.Asset\./, '') },
    { label: 'Version', value: e => String(e.data?.version ?? '') },
    { label: 'What changed', value: e => (e.data?.changes ?? []).join(', ') },
    { label: 'Source', value: e => e.data?.instance ?? '' },
    { label: 'Scan', value: e => e.data?.scan_run_id ?? '' },
  ], events, 'No recorded changes (the change log keeps a limited time).'));
  if (more) target.append(h('p', { class: 'muted', text: 'Only the older part of the log was read; more changes may follow.' }));
  delete target.dataset.loading;
}

async function loadLineage(target, type, id, signal, navigate) {
  const [out, inc] = await Promise.all([
    getJson('/lineage' + query({ source_id: id }), { signal }),
    getJson('/lineage' + query({ target_id: id }), { signal }),
  ]);
  const uses = out.relationships.filter(r => r.source_type === type);
  const usedBy = inc.relationships.filter(r => r.target_type === type);
  const link = (t, i) => h('a', { href: assetHref(t, i), text: `${t}/${i}` });
  const lists = h('div', { class: 'cards' },
    h('div', { id: 'asset-uses' }, h('h3', { text: 'Uses' }), table([
      { label: 'Relationship', value: r => r.relationship }, { label: 'Asset', value: r => link(r.target_type, r.target_id) },
    ], uses, 'Nothing.')),
    h('div', { id: 'asset-used-by' }, h('h3', { text: 'Used by' }), table([
      { label: 'Asset', value: r => link(r.source_type, r.source_id) }, { label: 'Relationship', value: r => r.relationship },
    ], usedBy, 'Nothing.')));
  const all = [...uses, ...usedBy];
  if (all.length === 0) {
    target.replaceChildren(lists);
    delete target.dataset.loading;
    return null;
  }
  const container = h('div', { class: 'graph small', id: 'asset-graph', role: 'img', 'aria-label': 'Lineage neighbourhood; listed above.' });
  target.replaceChildren(lists, container);
  const cy = draw(container, elements(all), { highlight: nodeId(type, id), onOpen: (t, i) => navigate(assetHref(t, i)) });
  delete target.dataset.loading;
  return cy;
}
