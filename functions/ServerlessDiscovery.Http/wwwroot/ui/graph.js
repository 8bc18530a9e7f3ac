// The lineage graph, shared by the Lineage view and an asset's neighbourhood: cytoscape (shipped in vendor/, no CDN).
import cytoscape from './vendor/cytoscape.esm.min.js';

/** A colour per asset type, readable on light and dark backgrounds. */
export const TYPE_COLORS = {
  agent: '#2f6fd6', model: '#2aa198', generative_model: '#2aa198', tool: '#d33682', mcp_server: '#b58900',
  mcp_tool: '#cb4b16', mcp_resource: '#cb4b16', downstream_system: '#6c71c4', endpoint: '#859900', deployment: '#859900',
};
const OTHER = '#8a8f98';

/** The node id of an asset in the graph. */
export function nodeId(type, id) {
  return `${type}|${id}`;
}

/** Nodes and edges for cytoscape from the API's relationships ({source_type, source_id, relationship, target_type, target_id}). */
export function elements(relationships, names = new Map()) {
  const nodes = new Map();
  const edges = [];
  const node = (type, id) => {
    const key = nodeId(type, id);
    if (!nodes.has(key)) nodes.set(key, { data: { id: key, type, assetId: id, label: names.get(key) ?? shorten(id) } });
    return key;
  };
  for (const r of relationships) {
    const source = node(r.source_type, r.source_id);
    const target = node(r.target_type, r.target_id);
    edges.push({ data: { id: `${source}>${r.relationship}>${target}`, source, target, relationship: r.relationship } });
  }
  return [...nodes.values(), ...dedupe(edges)];
}

function dedupe(edges) {
  const seen = new Map();
  for (const e of edges) seen.set(e.data.id, e);
  return [...seen.values()];
}

function shorten(id) {
  return id.length > 40 ? `${id.slice(0, 18)}…${id.slice(-18)}` : id;
}

/** Lays out the elements: force-directed while that stays quick and readable, in rings by degree beyond. */
function arrange(cy) {
  const all = cy.elements();
  const nodes = all.nodes().length;
  const options = nodes <= 300
    ? { name: 'cose', animate: false, randomize: false, nodeRepulsion: () => 9000, idealEdgeLength: () => 70 }
    : { name: 'concentric', animate: false, concentric: n => n.degree(), levelWidth: () => 2, minNodeSpacing: 6 };
  all.layout(options).run();
  cy.fit(all, 20);
}

/**
 * Draws the graph in container (which keeps the instance as container.cy, for tests and the view) and calls
 * onOpen(type, id) when a node is tapped. Answers the cytoscape instance.
 */
export function draw(container, els, { onOpen, highlight } = {}) {
  const text = getComputedStyle(document.documentElement).getPropertyValue('--text').trim() || '#222';
  const muted = getComputedStyle(document.documentElement).getPropertyValue('--muted').trim() || '#888';
  const cy = cytoscape({
    container,
    elements: els,
    style: [
      { selector: 'node', style: { 'background-color': n => TYPE_COLORS[n.data('type')] ?? OTHER, label: 'data(label)', color: text, 'font-size': 11, 'min-zoomed-font-size': 8, 'text-valign': 'bottom', 'text-margin-y': 4, width: 22, height: 22 } },
      { selector: 'node[type = "agent"]', style: { shape: 'round-rectangle', width: 30 } },
      { selector: 'node[type = "tool"], node[type = "mcp_tool"]', style: { shape: 'diamond' } },
      { selector: 'node.focus', style: { 'border-width': 4, 'border-color': text } },
      { selector: 'edge', style: { width: 1.5, 'line-color': muted, 'target-arrow-color': muted, 'target-arrow-shape': 'triangle', 'curve-style': 'bezier', label: 'data(relationship)', 'font-size': 9, 'min-zoomed-font-size': 8, color: muted, 'text-rotation': 'autorotate' } },
    ],
    layout: { name: 'preset' },
  });
  if (highlight) cy.getElementById(highlight).addClass('focus');
  arrange(cy);
  if (onOpen) cy.on('tap', 'node', e => onOpen(e.target.data('type'), e.target.data('assetId')));
  container.cy = cy;
  return cy;
}
