// DOM building without innerHTML: every value from the API becomes text, never markup.

/**
 * Creates an element. props: attributes and properties; `class`, `text`, `dataset`, and `on<event>` handlers are
 * understood; null/false values are skipped. children: nodes, strings, numbers, arrays of them; null is skipped.
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'class') el.className = value;
    else if (name === 'text') el.textContent = String(value);
    else if (name === 'dataset') Object.assign(el.dataset, value);
    else if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (name in el && typeof value !== 'string') el[name] = value;
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

/** Removes every child of a node. */
export function clear(node) {
  node.replaceChildren();
  return node;
}

/** A date-time as the person's locale shows it; empty for none. */
export function when(value) {
  if (!value) return '';
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? String(value) : d.toLocaleString();
}

/** A number with the locale's grouping. */
export function num(value) {
  return typeof value === 'number' ? value.toLocaleString() : String(value ?? '');
}

/** The hash link to an asset's view. */
export function assetHref(type, id) {
  return `#/asset/${encodeURIComponent(type)}/${encodeURIComponent(id)}`;
}

/** A section with a heading and content. */
export function section(title, ...content) {
  return h('section', { class: 'card' }, h('h2', { text: title }), ...content);
}

/** A two-column definition list from [label, value] pairs; values may be nodes. */
export function facts(pairs) {
  return h('dl', { class: 'facts' }, pairs.filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => [h('dt', { text: k }), h('dd', {}, v)]));
}

/** A simple table: columns [{ label, value(row) → node|string }]; an empty list shows `empty`. */
export function table(columns, rows, empty = 'Nothing to show.', caption = null) {
  if (rows.length === 0) return h('p', { class: 'muted', text: empty });
  return h('table', { class: 'grid' },
    caption ? h('caption', { text: caption }) : null,
    h('thead', {}, h('tr', {}, columns.map(c => h('th', { scope: 'col', text: c.label })))),
    h('tbody', {}, rows.map(r => h('tr', {}, columns.map(c => h('td', {}, c.value(r)))))));
}
