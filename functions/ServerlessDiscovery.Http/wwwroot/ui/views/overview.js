// Overview: counts by type, source and provenance (GET /inventory/summary), open findings, each source's last
// scan, and the most recent changes from the change log.
import { getJson, query } from '../api.js';
import { assetHref, clear, h, num, section, table, when } from '../dom.js';

/** The change log is read from its start (it has no newest-first order); this bounds how much of it one visit reads. */
const MAX_CHANGE_PAGES = 5;
const RECENT_CHANGES = 12;

export default {
  id: 'overview',
  title: 'Overview',
  async render(main, { signal }) {
    const total = h('p', { class: 'big', id: 'total-assets', text: '…' });
    const byType = h('ul', { class: 'counts', id: 'by-type' });
    const bySource = h('ul', { class: 'counts', id: 'by-source' });
    const byProvenance = h('ul', { class: 'counts', id: 'by-provenance' });
    const assets = section('Assets', total, h('h3', { class: 'muted', text: 'By type' }), byType);
    assets.dataset.loading = 'true';
    const sources = section('By source', bySource);
    const provenance = section('By provenance', byProvenance);
    const findings = section('Open findings', h('p', { class: 'muted', text: 'Loading…' }));
    const scans = section('Last scans', h('p', { class: 'muted', text: 'Loading…' }));
    const changes = section('Recent changes', h('p', { class: 'muted', text: 'Loading…' }));
    for (const card of [findings, scans, changes]) card.dataset.loading = 'true';
    main.append(h('h1', { text: 'Overview' }), h('div', { class: 'cards' }, assets, sources, provenance, findings), scans, changes);

    await Promise.all([
      loadCounts(signal, { total, byType, bySource, byProvenance }).finally(() => { delete assets.dataset.loading; }),
      guard(findings, () => loadFindings(findings, signal)),
      guard(scans, () => loadScans(scans, signal)),
      guard(changes, () => loadChanges(changes, signal)),
    ]);
  },
};

/** Runs a card's loader; a failure shows in that card only. */
async function guard(card, load) {
  try {
    await load();
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    replaceBody(card, h('p', { class: 'problem', role: 'alert', text: e.describe ? e.describe() : e.message }));
  } finally {
    delete card.dataset.loading;
  }
}

function replaceBody(card, ...content) {
  const heading = card.querySelector('h2');
  clear(card).append(heading, ...content.filter(Boolean));
}

async function loadCounts(signal, { total, byType, bySource, byProvenance }) {
  const summary = await getJson('/inventory/summary', { signal });
  total.textContent = num(summary.total) + (summary.partial ? '+' : '');
  total.dataset.count = String(summary.total);
  const entries = o => new Map(Object.entries(o));
  drawCounts(byType, entries(summary.by_type), 'type', k => `#/inventory?type=${encodeURIComponent(k)}`);
  drawCounts(bySource, entries(summary.by_instance), 'instance', k => `#/inventory?instance=${encodeURIComponent(k)}`);
  drawCounts(byProvenance, entries(summary.by_provenance), 'provenance', k => `#/inventory?provenance=${encodeURIComponent(k)}`);
}

function bump(map, key) {
  const k = key ?? '(none)';
  map.set(k, (map.get(k) ?? 0) + 1);
}

function drawCounts(list, map, kind, href) {
  const entries = [...map.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  clear(list).append(...(entries.length === 0
    ? [h('li', { class: 'muted', text: 'None yet.' })]
    : entries.map(([k, v]) => h('li', { dataset: { [kind]: k, count: String(v) } }, h('a', { href: href(k), text: k }), h('span', { class: 'n', text: num(v) })))));
}

async function loadFindings(card, signal) {
  const { findings } = await getJson('/findings' + query({ state: 'open' }), { signal });
  const byKind = new Map();
  for (const f of findings) bump(byKind, f.kind);
  const list = h('ul', { class: 'counts', id: 'open-findings' });
  drawCounts(list, byKind, 'kind', k => `#/findings?kind=${encodeURIComponent(k)}&state=open`);
  replaceBody(card, h('p', { class: 'big', id: 'open-findings-total', dataset: { count: String(findings.length) }, text: num(findings.length) }), list);
}

async function loadScans(card, signal) {
  const status = await getJson('/status', { signal });
  replaceBody(card, table([
    { label: 'Source', value: i => h('a', { href: `#/inventory?instance=${encodeURIComponent(i.instance_id)}`, text: i.instance_id }) },
    { label: 'Type', value: i => i.plugin_type },
    { label: 'Last scan', value: i => i.running ? h('span', { class: 'badge', text: 'running' }) : h('span', { class: `status-${i.last_scan_status ?? 'none'}`, text: i.last_scan_status ?? 'never' }) },
    { label: 'When', value: i => when(i.last_scan_at) },
    { label: 'Next', value: i => i.enabled ? when(i.next_run) : 'disabled' },
  ], status.instances ?? [], 'No sources are configured yet.'));
}

async function loadChanges(card, signal) {
  const recent = [];
  let cursor = null;
  let pages = 0;
  let more = true;
  while (more && pages < MAX_CHANGE_PAGES) {
    const page = await getJson('/changes' + query({ cursor, limit: 1000 }), { signal });
    recent.push(...page.events);
    recent.splice(0, Math.max(0, recent.length - RECENT_CHANGES));
    cursor = page.cursor;
    more = page.more;
    pages++;
  }
  recent.reverse();
  replaceBody(card,
    table([
      { label: 'When', value: e => when(e.time) },
      { label: 'Change', value: e => e.type.replace(/^ServerlessDiscovery\./, '') },
      { label: 'Subject', value: e => subjectLink(e.subject) },
      { label: 'Source', value: e => e.source },
    ], recent, 'No changes recorded yet.'),
    more ? h('p', { class: 'muted', text: `The log holds more than ${num(pages * 1000)} events; these are the latest of those read.` }) : null);
}

function subjectLink(subject) {
  const m = /^assets\/([^/]+)\/(.+)$/.exec(subject ?? '');
  return m ? h('a', { href: assetHref(m[1], m[2]), text: `${m[1]}/${m[2]}` }) : (subject ?? '');
}
