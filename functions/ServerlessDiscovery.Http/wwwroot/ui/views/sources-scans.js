// A source's scan history (GET /instances/{id}/scans) and the live progress of one run, polled from
// GET /instances/{id}/scans/{scanRunId} until it is no longer running: scopes done of the total, assets so far.
import { getJson } from '../api.js';
import { h, num, table, when } from '../dom.js';

const POLL_MS = 500;

/** Describes where a run stands, e.g. "running: 2 of 7 scopes, 4 assets" ("~7" when the total is an estimate). */
export function describeProgress(run) {
  return `${run.status}: ${scopesDone(run.progress)} scopes, ${num(run.progress?.assets ?? 0)} assets`;
}

function scopesDone(p = {}) {
  return p.scopes_total != null
    ? `${num(p.scopes_done ?? 0)} of ${p.scopes_total_estimated ? '~' : ''}${num(p.scopes_total)}`
    : num(p.scopes_done ?? 0);
}

function changes(c = {}) {
  const parts = [['created', c.created], ['updated', c.updated], ['deleted', c.deleted], ['stale', c.stale], ['restored', c.restored]]
    .filter(([, n]) => n > 0).map(([what, n]) => `${num(n)} ${what}`);
  return parts.length ? parts.join(', ') : 'none';
}

export function scanHistory({ id, signal, onFinished }) {
  const base = `/instances/${encodeURIComponent(id)}/scans`;
  const bar = h('progress', { id: 'scan-progress-bar', 'aria-labelledby': 'scan-progress-text' });
  const text = h('span', { id: 'scan-progress-text' });
  const progress = h('div', { id: 'scan-progress', class: 'card', role: 'status', 'aria-live': 'polite', hidden: true }, text, ' ', bar);
  const history = h('div', { id: 'scan-history', class: 'scroll-x', dataset: { loading: 'true' } }, h('p', { class: 'muted', text: 'Loading…' }));
  const element = h('section', { class: 'card', 'aria-labelledby': 'scans-title' }, h('h2', { id: 'scans-title', text: 'Scans' }), progress, history);
  let following = null;

  async function load() {
    history.dataset.loading = 'true';
    const { scans } = await getJson(`${base}?limit=25`, { signal });
    history.replaceChildren(table([
      { label: 'Run', value: r => h('code', { text: r.scan_run_id }) },
      { label: 'Status', value: r => h('span', { class: `badge status-${r.status}`, text: r.status }) },
      { label: 'Trigger', value: r => r.trigger },
      { label: 'Started', value: r => when(r.started_at) },
      { label: 'Duration', value: r => (r.duration_ms == null ? '' : `${(r.duration_ms / 1000).toFixed(1)} s`) },
      { label: 'Scopes', value: r => scopesDone(r.progress) },
      { label: 'Found', value: r => num(r.counts?.discovered) },
      { label: 'Changes', value: r => changes(r.counts) },
      { label: 'Warnings', value: r => num(r.warnings?.length ?? 0) },
      { label: 'Error', value: r => (r.error ? h('span', { class: 'problem', text: r.error }) : '') },
      { label: 'Details', value: details },
    ], scans, 'No scans yet: run one now.', `Last ${scans.length} scan${scans.length === 1 ? '' : 's'}, newest first`));
    delete history.dataset.loading;
  }

  /** Polls one run until it ends; a second call follows the newer run instead. */
  async function follow(runId) {
    const mine = { stopped: false };
    if (following) following.stopped = true;
    following = mine;
    progress.hidden = false;
    progress.dataset.status = 'running';
    text.textContent = `Scan ${runId} starting…`;
    bar.removeAttribute('value');
    try {
      for (;;) {
        const run = await getJson(`${base}/${encodeURIComponent(runId)}`, { signal });
        if (mine.stopped) return;
        draw(runId, run);
        if (run.status !== 'running') {
          await load();
          onFinished?.(run);
          return;
        }
        await delay(POLL_MS, signal);
        if (mine.stopped) return;
      }
    } catch (e) {
      if (e.name === 'AbortError' || mine.stopped) return;
      progress.dataset.status = 'error';
      text.textContent = `Could not follow scan ${runId}: ${e.describe ? e.describe() : e.message}`;
      text.className = 'problem';
    }
  }

  function draw(runId, run) {
    const p = run.progress ?? {};
    progress.dataset.status = run.status;
    text.className = run.status === 'running' || run.status === 'succeeded' ? '' : 'problem';
    text.textContent = `Scan ${runId} ${describeProgress(run)}`;
    if (p.scopes_total) {
      bar.max = p.scopes_total;
      bar.value = Math.min(p.scopes_done ?? 0, p.scopes_total);
    } else if (run.status === 'running') {
      bar.removeAttribute('value');
    } else {
      bar.max = 1;
      bar.value = 1;
    }
  }

  return { element, load, follow, stop: () => { if (following) following.stopped = true; } };
}

function details(run) {
  const scopes = Object.entries(run.scopes ?? {});
  const warnings = run.warnings ?? [];
  if (scopes.length === 0 && warnings.length === 0) return '';
  return h('details', {},
    h('summary', { text: `${scopes.length} scope${scopes.length === 1 ? '' : 's'}${warnings.length ? `, ${warnings.length} warning${warnings.length === 1 ? '' : 's'}` : ''}` }),
    scopes.length ? h('ul', { class: 'counts' }, scopes.map(([scope, outcome]) => h('li', {}, h('span', { text: scope }), h('span', { class: `status-${String(outcome).split(':')[0]}`, text: outcome })))) : null,
    warnings.length ? h('ul', {}, warnings.map(w => h('li', { class: 'problem', text: w }))) : null);
}

function delay(ms, signal) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => { clearTimeout(timer); reject(new DOMException('Aborted', 'AbortError')); }, { once: true });
  });
}
