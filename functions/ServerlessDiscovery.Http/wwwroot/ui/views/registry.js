// The one registry of the dashboard's views. To add a view: write views/<id>.js whose default export is
//   { id, title, nav?: false (hidden from the menu), navId?: '<id to highlight>', render(main, ctx) }
// where ctx = { segments, params, signal, navigate } (the route #/<id>/<segments…>?<params>; signal aborts when the
// person leaves the view; render may return a cleanup function), then import it below and add it to `views`.
// The menu follows the order of this array.
import overview from './overview.js';
import inventory from './inventory.js';
import asset from './asset.js';
import lineage from './lineage.js';
import findings from './findings.js';
import bom from './bom.js';
import sources from './sources.js';

export const views = [
  overview,
  inventory,
  asset,
  lineage,
  findings,
  bom,
  sources,
];
