// Sources: the plugin instances that feed the inventory. #/sources lists them; #/sources/new adds one from its plugin
// type's declared fields; #/sources/<id> shows one (status, schedule, runs, webhooks) with verify, run now (live
// progress), enable/disable; #/sources/<id>/edit changes it. Secrets are write-only: never shown, blank keeps them.
import { ApiError, getJson, request } from '../api.js';
import { facts, h, section, table, when } from '../dom.js';
import { messageLine } from './sources-message.js';
import { instanceForm } from './sources-form.js';
import { scanHistory } from './sources-scans.js';
import { webhooksCard } from './sources-webhooks.js';

export default {
  id: 'sources',
  title: 'Sources',
  async render(main, ctx) {
    const [id, action] = ctx.segments;
    if (!id) return list(main, ctx);
    if (id === 'new') return create(main, ctx);
    if (action === 'edit') return edit(main, id, ctx);
    return detail(main, id, ctx);
  },
};

const path = id => `/instances/${encodeURIComponent(id)}`;

/** A status badge: disabled, running, or the last run's outcome. */
function statusOf(instance) {
  const running = instance.last_scan_status === 'running';
  const status = !instance.enabled && !running ? 'disabled' : (instance.last_scan_status ?? 'never run');
  return h('span', { class: `badge status-${status.replace(/\s+/g, '-')}`, text: status });
}

async function list(main, { signal }) {
  const body = h('div', { id: 'sources-list', dataset: { loading: 'true' } }, h('p', { class: 'muted', text: 'Loading…' }));
  main.append(
    h('h1', { text: 'Sources' }),
    h('p', {}, h('a', { href: '#/sources/new', class: 'button-link', id: 'add-source', text: 'Add a source' })),
    body);
  const { instances } = await getJson('/instances', { signal });
  body.replaceChildren(table([
    { label: 'Instance', value: i => h('a', { href: `#/sources/${encodeURIComponent(i.instance_id)}`, text: i.display_name || i.instance_id }) },
    { label: 'Type', value: i => i.plugin_type },
    { label: 'Status', value: statusOf },
    { label: 'Schedule', value: i => i.schedule ?? '' },
    { label: 'Last run', value: i => when(i.last_scan_at) },
    { label: 'Next run', value: i => (i.enabled ? when(i.next_run) : 'disabled') },
  ], instances, 'No sources yet: add one to start discovering.', `${instances.length} source${instances.length === 1 ? '' : 's'}`));
  delete body.dataset.loading;
}

async function create(main, { params, signal, navigate }) {
  main.append(h('h1', { text: 'Add a source' }));
  const types = Object.values((await getJson('/plugin-types', { signal })).plugin_types);
  main.append(instanceForm({
    types,
    typeId: params.get('type') ?? '',
    onTypeChange: typeId => navigate(`#/sources/new?type=${encodeURIComponent(typeId)}`),
    submitLabel: 'Create source',
    async submit(body) {
      const created = await (await request('/instances', { method: 'POST', body })).json();
      navigate(`#/sources/${encodeURIComponent(created.instance.instance_id)}`);
    },
  }));
}

async function edit(main, id, { signal, navigate }) {
  main.append(h('h1', { text: `Edit ${id}` }));
  const [{ plugin_types: typeMap }, { instance }] = await Promise.all([getJson('/plugin-types', { signal }), getJson(path(id), { signal })]);
  const types = Object.values(typeMap);
  if (instance.configuration_owned) {
    main.append(h('p', { class: 'problem', role: 'alert', text: `This source is declared in app settings (Plugins__${id}__*); change it there.` }));
    return;
  }
  main.append(instanceForm({
    types,
    typeId: instance.plugin_type,
    instance,
    submitLabel: 'Save changes',
    async submit(body) {
      await request(path(id), { method: 'PUT', body });
      navigate(`#/sources/${encodeURIComponent(id)}`);
    },
  }));
}

async function detail(main, id, { signal }) {
  const heading = h('h1', { text: id });
  const about = section('Source', h('p', { class: 'muted', text: 'Loading…' }));
  const message = h('p', { id: 'source-message', role: 'status', class: 'muted' });
  const verifyButton = h('button', { type: 'button', id: 'verify', text: 'Verify connection' });
  const runButton = h('button', { type: 'button', id: 'run-now', class: 'primary', text: 'Run now' });
  const toggleButton = h('button', { type: 'button', id: 'toggle-enabled', text: 'Disable' });
  const editLink = h('a', { href: `#/sources/${encodeURIComponent(id)}/edit`, id: 'edit-source', text: 'Edit' });
  const actions = h('div', { class: 'filters', role: 'group', 'aria-label': 'Actions' }, runButton, verifyButton, toggleButton, editLink);
  main.append(heading, actions, message, about);

  const { show, failed } = messageLine(message);

  let { instance } = await getJson(path(id), { signal });
  const drawAbout = () => {
    heading.textContent = instance.display_name ? `${instance.display_name} (${id})` : id;
    toggleButton.textContent = instance.enabled ? 'Disable' : 'Enable';
    toggleButton.disabled = instance.configuration_owned;
    editLink.hidden = instance.configuration_owned;
    const configPairs = Object.entries(instance.config ?? {}).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]);
    about.replaceChildren(h('h2', { text: 'Source' }), facts([
      ['Type', instance.plugin_type],
      ['Status', statusOf(instance)],
      ['Enabled', instance.enabled ? 'yes' : 'no'],
      ['Schedule', instance.schedule],
      ['Last run', when(instance.last_scan_at)],
      ['Next run', instance.enabled ? when(instance.next_run) : 'disabled'],
      ['Declared in', instance.configuration_owned ? 'app settings' : 'the API'],
      ...configPairs,
    ]));
  };
  const reload = async () => { ({ instance } = await getJson(path(id), { signal })); drawAbout(); };
  drawAbout();

  const scans = scanHistory({ id, signal, onFinished: run => { show(`Scan ${run.scan_run_id} ended: ${run.status}.`, run.status !== 'succeeded'); reload().catch(failed); runButton.disabled = false; } });
  main.append(scans.element, webhooksCard({ id, signal }).element);

  verifyButton.addEventListener('click', async () => {
    verifyButton.disabled = true;
    show('Verifying…');
    try {
      const result = await (await request(`${path(id)}/verify`, { method: 'POST', signal })).json();
      show(result.success ? 'The connection works.' : `The connection failed: ${result.error ?? 'no reason given'}`, !result.success);
    } catch (e) { failed(e); } finally { verifyButton.disabled = false; }
  });
  runButton.addEventListener('click', async () => {
    runButton.disabled = true;
    show('Starting a scan…');
    try {
      const started = await (await request(`${path(id)}/refresh`, { method: 'POST', signal })).json();
      show(`Scan ${started.scan_run_id} started.`);
      scans.follow(started.scan_run_id);
      reload().catch(failed);
    } catch (e) {
      failed(e);
      runButton.disabled = false;
      // Already running (started by its schedule or someone else): show that run's progress instead.
      if (e instanceof ApiError && e.status === 409) {
        await reload().catch(failed);
        if (instance.last_scan_status === 'running' && instance.last_scan_run_id) {
          runButton.disabled = true;
          scans.follow(instance.last_scan_run_id);
        }
      }
    }
  });
  toggleButton.addEventListener('click', async () => {
    toggleButton.disabled = true;
    try {
      ({ instance } = await (await request(`${path(id)}/${instance.enabled ? 'stop' : 'start'}`, { method: 'POST', signal })).json());
      drawAbout();
      show(instance.enabled ? 'Enabled: it runs on its schedule.' : 'Disabled: it no longer runs on its schedule.');
    } catch (e) { failed(e); } finally { toggleButton.disabled = instance.configuration_owned; }
  });

  await scans.load();
  if (instance.last_scan_status === 'running' && instance.last_scan_run_id) {
    runButton.disabled = true;
    scans.follow(instance.last_scan_run_id);
  }
  return () => scans.stop();
}
