// The form that creates or edits a source from its plugin type's declared config fields (GET /plugin-types: label,
// type, required, default, secret). Secret fields are write-only: the form never fills them in; left blank on an
// edit they keep the stored value (the API's mask sent back means "unchanged").
import { ApiError } from '../api.js';
import { h } from '../dom.js';

/** What the API answers for a stored secret; sent back, it keeps the stored value. */
const KEEP_SECRET = '********';

/**
 * types: the plugin types; typeId: the chosen one ('' to choose); instance: the instance being edited (none to create);
 * onTypeChange(typeId) when creating; submit(body) sends it and throws ApiError to show.
 */
export function instanceForm({ types, typeId, instance = null, onTypeChange = null, submitLabel, submit }) {
  const type = types.find(t => t.plugin_type === typeId) ?? null;
  const message = h('p', { id: 'form-message', role: 'alert', class: 'problem', hidden: true });
  const form = h('form', { class: 'card form', id: 'source-form', novalidate: true });

  const typeSelect = instance ? null : h('select', { id: 'field-plugin_type', name: 'plugin_type', required: true, onchange: e => onTypeChange?.(e.target.value) },
    h('option', { value: '', text: 'Choose a plugin type…', selected: !type }),
    types.map(t => h('option', { value: t.plugin_type, selected: t.plugin_type === typeId, text: `${t.display_name} (${t.plugin_type})` })));
  form.append(instance
    ? row('Plugin type', h('output', { id: 'field-plugin_type', text: instance.plugin_type }))
    : row('Plugin type', typeSelect, { required: true }));
  if (!type) {
    form.append(message);
    return form;
  }
  if (type.description) form.append(h('p', { class: 'muted', text: type.description }));

  const general = [];
  if (!instance) {
    general.push(input('instance_id', 'Instance id', 'text', '', { required: false, hint: 'Lower-case letters, digits, - or _; left blank, one is made up.', pattern: '[a-z0-9][a-z0-9_\\-]{0,62}' }));
  }
  general.push(input('display_name', 'Display name', 'text', instance?.display_name ?? ''));
  general.push(input('schedule', 'Schedule', 'text', instance?.schedule ?? '', { hint: 'NCRONTAB, 6 fields (second minute hour day month weekday), e.g. 0 0 * * * *; blank: the default.' }));
  general.push(checkbox('enabled', 'Enabled (runs on its schedule)', instance ? instance.enabled : true));
  const generalSet = h('fieldset', {}, h('legend', { text: 'Source' }), general.map(f => f.row));

  const fields = type.config_fields.map(field => configInput(field, instance?.config?.[field.name]));
  const configSet = h('fieldset', {}, h('legend', { text: `${type.display_name} settings` }),
    fields.length ? fields.map(f => f.row) : h('p', { class: 'muted', text: 'This plugin type has no settings.' }));

  const submitButton = h('button', { type: 'submit', id: 'form-submit', text: submitLabel });
  const cancel = h('a', { href: instance ? `#/sources/${encodeURIComponent(instance.instance_id)}` : '#/sources', text: 'Cancel' });
  form.append(generalSet, configSet, message, h('div', { class: 'filters' }, submitButton, cancel));

  form.addEventListener('submit', async e => {
    e.preventDefault();
    for (const f of [...general, ...fields]) f.setError('');
    message.hidden = true;
    const body = instance ? {} : { plugin_type: type.plugin_type };
    for (const f of general) {
      const value = f.value();
      if (value !== undefined) body[f.name] = value;
    }
    body.config = {};
    for (const f of fields) {
      const value = f.value(Boolean(instance));
      if (value !== undefined) body.config[f.name] = value;
    }
    submitButton.disabled = true;
    try {
      await submit(body);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      message.textContent = error.describe();
      message.hidden = false;
      for (const [key, messages] of Object.entries(error.errors ?? {})) {
        const name = key.startsWith('config.') ? key.slice('config.'.length) : key;
        [...general, ...fields].find(f => f.name === name)?.setError([].concat(messages).join(' '));
      }
      (form.querySelector('[aria-invalid="true"]') ?? message).focus?.();
    } finally {
      submitButton.disabled = false;
    }
  });
  return form;
}

/** A labelled row: label, control, hint and error, the control described by both. */
function row(label, control, { hint = '', required = false } = {}) {
  const id = control.id;
  const hintEl = hint ? h('small', { id: `${id}-hint`, class: 'muted', text: hint }) : null;
  const errorEl = h('small', { id: `${id}-error`, class: 'problem', hidden: true });
  control.setAttribute('aria-describedby', [hintEl?.id, errorEl.id].filter(Boolean).join(' '));
  const labelEl = h('label', { for: id }, label, required ? h('span', { class: 'muted', text: ' (required)' }) : null);
  const el = h('div', { class: 'field' }, labelEl, control, hintEl, errorEl);
  el.setError = text => {
    errorEl.textContent = text;
    errorEl.hidden = !text;
    if (text) control.setAttribute('aria-invalid', 'true'); else control.removeAttribute('aria-invalid');
  };
  return el;
}

function input(name, label, type, value, { required = false, hint = '', pattern = null } = {}) {
  const control = h('input', { id: `field-${name}`, name, type, value, required, pattern, autocomplete: 'off', spellcheck: false });
  const el = row(label, control, { hint, required });
  return { name, row: el, setError: el.setError, value: () => (control.value.trim() === '' ? undefined : control.value.trim()) };
}

function checkbox(name, label, checked) {
  const control = h('input', { id: `field-${name}`, name, type: 'checkbox', checked });
  const el = h('div', { class: 'field check' }, control, h('label', { for: control.id, text: label }));
  el.setError = () => {};
  return { name, row: el, setError: el.setError, value: () => control.checked };
}

/** One declared config field; `current` is the stored value (secrets come masked and are never filled in). */
function configInput(field, current) {
  const id = `config-${field.name}`;
  const hintParts = [field.description, field.default != null && field.default !== '' ? `Default: ${field.default}.` : null];
  if (field.type === 'boolean') {
    const checked = current !== undefined ? current === true || current === 'true' : field.default === 'true';
    const control = h('input', { id, name: field.name, type: 'checkbox', checked });
    const el = h('div', { class: 'field check' }, control, h('label', { for: id, text: field.label }),
      field.description ? h('small', { class: 'muted', text: field.description }) : null);
    el.setError = () => {};
    return { name: field.name, row: el, setError: el.setError, value: () => control.checked };
  }
  if (field.secret) {
    hintParts.push(current !== undefined
      ? 'Write-only: the stored value is never shown. Leave blank to keep it.'
      : 'Write-only: it is stored encrypted and never shown again.');
  }
  const text = field.secret || current === undefined || current === null ? ''
    : typeof current === 'string' ? current
    : Array.isArray(current) ? current.join(', ')
    : typeof current === 'object' ? JSON.stringify(current) : String(current);
  const control = field.type === 'map'
    ? h('textarea', { id, name: field.name, rows: 3, spellcheck: false, text })
    : h('input', {
      id,
      name: field.name,
      type: field.secret ? 'password' : field.type === 'url' ? 'url' : field.type === 'integer' ? 'number' : 'text',
      value: text,
      required: field.required && !(field.secret && current !== undefined),
      autocomplete: field.secret ? 'new-password' : 'off',
      spellcheck: false,
      placeholder: field.type === 'list' ? 'comma-separated' : field.type === 'map' ? '{"key": "value"}' : null,
    });
  const el = row(field.label, control, { hint: hintParts.filter(Boolean).join(' '), required: field.required });
  return {
    name: field.name,
    row: el,
    setError: el.setError,
    value(editing) {
      const v = control.value.trim();
      if (v !== '') return v;
      return field.secret && editing && current !== undefined ? KEEP_SECRET : undefined;
    },
  };
}
