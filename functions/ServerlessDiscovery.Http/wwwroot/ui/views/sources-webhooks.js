// A source's webhooks (GET/POST/DELETE /instances/{id}/webhooks): the list (header values come masked), subscribe
// (the signing secret is shown once, in the reply) and unsubscribe by URL.
import { getJson, request } from '../api.js';
import { h, table, when } from '../dom.js';
import { messageLine } from './sources-message.js';

export function webhooksCard({ id, signal }) {
  const base = `/instances/${encodeURIComponent(id)}/webhooks`;
  const list = h('div', { id: 'webhook-list', dataset: { loading: 'true' } }, h('p', { class: 'muted', text: 'Loading…' }));
  const message = h('p', { id: 'webhook-message', role: 'status', class: 'muted' });
  const url = h('input', { id: 'webhook-url', name: 'url', type: 'url', required: true, autocomplete: 'off', spellcheck: false, placeholder: 'https://receiver.example.com/hook' });
  const events = h('input', { id: 'webhook-events', name: 'events', type: 'text', autocomplete: 'off', spellcheck: false, placeholder: 'e.g. ServerlessDiscovery.Asset.*' });
  const headers = h('textarea', { id: 'webhook-headers', name: 'headers', rows: 2, spellcheck: false, placeholder: 'Authorization: Bearer …' });
  const form = h('form', { class: 'form', id: 'webhook-form', 'aria-labelledby': 'webhook-form-title' },
    h('h3', { id: 'webhook-form-title', text: 'Subscribe' }),
    h('div', { class: 'field' }, h('label', { for: url.id, text: 'URL' }), url),
    h('div', { class: 'field' }, h('label', { for: events.id, text: 'Events (comma-separated; blank: forwarded OTLP only)' }), events),
    h('div', { class: 'field' }, h('label', { for: headers.id, text: 'Headers (one "Name: value" a line; stored, shown masked)' }), headers),
    h('div', { class: 'filters' }, h('button', { type: 'submit', id: 'webhook-subscribe', text: 'Subscribe' })));
  const element = h('section', { class: 'card', 'aria-labelledby': 'webhooks-title' }, h('h2', { id: 'webhooks-title', text: 'Webhooks' }), message, list, form);

  const { show, failed } = messageLine(message);

  async function load() {
    const { subscriptions: webhooks } = await getJson(base, { signal });
    list.replaceChildren(table([
      { label: 'URL', value: w => h('code', { text: w.url }) },
      { label: 'Events', value: w => (w.events?.length ? w.events.join(', ') : 'forwarded OTLP') },
      { label: 'Headers', value: w => Object.keys(w.headers ?? {}).join(', ') },
      { label: 'Since', value: w => when(w.created_at) },
      { label: 'Unsubscribe', value: w => h('button', { type: 'button', class: 'unsubscribe', 'aria-label': `Unsubscribe ${w.url}`, text: 'Unsubscribe', onclick: () => unsubscribe(w.url) }) },
    ], webhooks, 'No webhooks.', `${webhooks.length} webhook${webhooks.length === 1 ? '' : 's'}`));
    delete list.dataset.loading;
  }

  async function unsubscribe(target) {
    try {
      await request(base, { method: 'DELETE', body: { url: target }, signal });
      show(`Unsubscribed ${target}.`);
      await load();
    } catch (e) { failed(e); }
  }

  form.addEventListener('submit', async e => {
    e.preventDefault();
    const body = { url: url.value.trim() };
    const eventList = events.value.split(',').map(s => s.trim()).filter(Boolean);
    if (eventList.length) body.events = eventList;
    const headerLines = headers.value.split('\n').map(s => s.trim()).filter(Boolean);
    if (headerLines.length) {
      body.headers = {};
      for (const line of headerLines) {
        const colon = line.indexOf(':');
        if (colon <= 0) { show(`Header line "${line.slice(0, 40)}" needs a "Name: value" form.`, true); headers.focus(); return; }
        body.headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
      }
    }
    try {
      const created = await (await request(base, { method: 'POST', body, signal })).json();
      form.reset();
      show(created.secret ? `Subscribed ${created.subscription.url}. Its signing secret, shown this once: ${created.secret}` : `Subscription to ${created.subscription.url} updated; its signing secret is unchanged.`);
      await load();
    } catch (err) { failed(err); }
  });

  load().catch(failed);
  return { element };
}
