// The Sources view's one-line messages: progress and outcomes as a polite status, failures (the API's problem
// details) as an alert.
import { ApiError } from '../api.js';

/** Returns { show(text, problem?), failed(error) } writing into the element `el`. */
export function messageLine(el) {
  const show = (text, problem = false) => {
    el.className = problem ? 'problem' : 'muted';
    el.setAttribute('role', problem ? 'alert' : 'status');
    el.textContent = text;
  };
  const failed = e => { if (e.name !== 'AbortError') show(e instanceof ApiError ? e.describe() : e.message, true); };
  return { show, failed };
}
