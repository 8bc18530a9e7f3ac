// BOM download: the tenant, one source or one agent as a CycloneDX AI-BOM, fetched with the key and saved as a file.
import { ApiError, query, request } from '../api.js';
import { h } from '../dom.js';

export default {
  id: 'bom',
  title: 'BOM',
  render(main, { params, signal }) {
    const scope = h('select', { id: 'bom-scope' },
      h('option', { value: 'tenant', text: 'The whole tenant' }),
      h('option', { value: 'instance', text: 'One source (instance id)' }),
      h('option', { value: 'agent', text: 'One agent and what it depends on (agent id)' }));
    const target = h('input', { id: 'bom-target', type: 'text', autocomplete: 'off', disabled: true, value: params.get('agent') ?? params.get('instance') ?? '' });
    const version = h('select', { id: 'bom-version' }, h('option', { value: '1.7', text: 'CycloneDX 1.7' }), h('option', { value: '1.6', text: 'CycloneDX 1.6' }));
    const status = h('p', { id: 'bom-status', role: 'status', class: 'muted' });
    if (params.get('agent')) scope.value = 'agent';
    else if (params.get('instance')) scope.value = 'instance';
    target.disabled = scope.value === 'tenant';
    scope.addEventListener('change', () => { target.disabled = scope.value === 'tenant'; });

    const form = h('form', { class: 'card', onsubmit: async e => {
      e.preventDefault();
      const which = scope.value;
      const id = target.value.trim();
      if (which !== 'tenant' && !id) {
        status.className = 'problem';
        status.textContent = `Enter the ${which} id.`;
        return;
      }
      status.className = 'muted';
      status.textContent = 'Preparing…';
      try {
        const response = await request('/bom' + query({ specVersion: version.value, [which]: which === 'tenant' ? '' : id }), { signal, accept: 'application/vnd.cyclonedx+json' });
        const blob = await response.blob();
        const name = `bom-${which === 'tenant' ? 'tenant' : `${which}-${id.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80)}`}.cdx.json`;
        const url = URL.createObjectURL(blob);
        const link = h('a', { href: url, download: name, text: name });
        link.click();
        status.className = '';
        status.replaceChildren(`Saved ${name} (${blob.size.toLocaleString()} bytes). `, h('a', { href: url, download: name, text: 'Save again' }));
      } catch (err) {
        if (err.name === 'AbortError') return;
        status.className = 'problem';
        status.textContent = err instanceof ApiError ? err.describe() : err.message;
      }
    } },
    h('h2', { text: 'CycloneDX AI-BOM' }),
    h('div', { class: 'filters' },
      h('label', { for: 'bom-scope' }, 'Scope', scope),
      h('label', { for: 'bom-target' }, 'Instance or agent id', target),
      h('label', { for: 'bom-version' }, 'Specification', version),
      h('button', { type: 'submit', id: 'bom-download', text: 'Download' })),
    status);
    main.append(h('h1', { text: 'Bill of materials' }), form);
  },
};
