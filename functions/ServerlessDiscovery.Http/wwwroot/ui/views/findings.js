// Findings: shadow AI (observed in traces, declared by no scan) and unused AI (declared, never observed), with evidence.
import { getJson, query } from '../api.js';
import { assetHref, h, table, when } from '../dom.js';

export default {
  id: 'findings',
  title: 'Findings',
  async render(main, { params, signal, navigate }) {
    const kind = params.get('kind') ?? '';
    const state = params.get('state') ?? 'open';
    const select = (id, label, value, options) => h('label', { for: id }, label,
      h('select', { id, onchange: () => navigate(`#/findings${query({ kind: kindSelect.querySelector('select').value, state: stateSelect.querySelector('select').value })}`) },
        options.map(([v, text]) => h('option', { value: v, selected: v === value, text }))));
    const kindSelect = select('findings-kind', 'Kind', kind, [['', 'All'], ['shadow', 'Shadow (observed, not declared)'], ['unused', 'Unused (declared, not observed)']]);
    const stateSelect = select('findings-state', 'State', state, [['open', 'Open'], ['resolved', 'Resolved'], ['', 'All']]);
    const body = h('div', { id: 'findings-list', dataset: { loading: 'true' } }, h('p', { class: 'muted', text: 'Loading…' }));
    main.append(h('h1', { text: 'Findings' }), h('div', { class: 'filters' }, kindSelect, stateSelect), body);

    const { findings } = await getJson('/findings' + query({ kind, state }), { signal });
    body.replaceChildren(table([
      { label: 'Kind', value: f => h('span', { class: 'badge', text: f.kind }) },
      { label: 'Asset', value: f => h('a', { href: assetHref(f.subject.type, f.subject.id), text: `${f.subject.type}/${f.subject.id}` }) },
      { label: 'Source', value: f => f.subject.instance ?? '' },
      { label: 'Reason', value: f => f.reason ?? '' },
      { label: 'State', value: f => f.state },
      { label: 'Opened', value: f => when(f.opened_at) },
      { label: 'Evidence', value: f => evidence(f.evidence) },
    ], findings, 'No findings match.', `${findings.length} finding${findings.length === 1 ? '' : 's'}`));
    delete body.dataset.loading;
  },
};

function evidence(value) {
  if (!value || typeof value !== 'object' || Object.keys(value).length === 0) return '';
  return h('details', {}, h('summary', { text: 'Evidence' }), h('pre', { class: 'json', text: JSON.stringify(value, null, 2) }));
}
