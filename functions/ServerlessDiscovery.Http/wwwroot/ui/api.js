// The one way the dashboard calls the API: the signed-in key (sessionStorage, never localStorage) as x-api-key, the
// chosen tenant as X-Tenant-Id, and every non-2xx answer turned into an ApiError carrying its problem details.

const KEY = 'sd.apiKey';
const TENANT = 'sd.tenant';
export const API_BASE = '/api/v1';

/** The signed-in credentials of this browser tab. */
export const session = {
  get key() { return sessionStorage.getItem(KEY) ?? ''; },
  get tenant() { return sessionStorage.getItem(TENANT) ?? ''; },
  set(key, tenant) {
    if (key) sessionStorage.setItem(KEY, key); else sessionStorage.removeItem(KEY);
    if (tenant) sessionStorage.setItem(TENANT, tenant); else sessionStorage.removeItem(TENANT);
  },
  clear() { sessionStorage.removeItem(KEY); sessionStorage.removeItem(TENANT); },
};

/** A failed call: HTTP status and the RFC 7807 problem the API answered (or what went wrong on the way). */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.title = problem.title || (status ? `HTTP ${status}` : 'Network error');
    this.detail = problem.detail || '';
    this.errors = problem.errors || null;
  }

  /** One line for a person: the problem's title and detail, and any field errors. */
  describe() {
    const fields = this.errors ? Object.entries(this.errors).map(([k, v]) => `${k}: ${[].concat(v).join(' ')}`) : [];
    return [this.title, this.detail, ...fields].filter(Boolean).join(' — ');
  }
}

/** The query string of the non-empty values of params ('' when none). */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params ?? {})) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

/**
 * Calls the API (path relative to /api/v1) and answers the Response when it is 2xx, else throws ApiError.
 * A 401 also tells the app (event 'sd:unauthorized'), which asks for a key again.
 */
export async function request(path, { method = 'GET', body, signal, accept = 'application/json' } = {}) {
  const headers = { Accept: accept };
  if (session.key) headers['x-api-key'] = session.key;
  if (session.tenant) headers['X-Tenant-Id'] = session.tenant;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(API_BASE + path, { method, headers, signal, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'omit' });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, { title: 'The service did not answer', detail: e.message });
  }
  if (response.ok) return response;
  const problem = await readProblem(response);
  const error = new ApiError(response.status, problem);
  if (response.status === 401) dispatchEvent(new CustomEvent('sd:unauthorized', { detail: error }));
  throw error;
}

/** GET a JSON document. */
export async function getJson(path, options) {
  return (await request(path, options)).json();
}

/**
 * Reads every page of a listing that answers { [key]: [...], continuationToken }, calling onPage(items) as each page
 * arrives, from startToken if given; stops after maxItems. Answers whether the listing was read to its end.
 */
export async function readPages(path, params, key, onPage, { signal, limit = 1000, maxItems = Infinity, startToken = null } = {}) {
  let token = startToken;
  let read = 0;
  do {
    const page = await getJson(path + query({ ...params, limit, continuationToken: token }), { signal });
    const items = page[key] ?? [];
    read += items.length;
    onPage(items);
    token = page.continuationToken ?? null;
  } while (token && read < maxItems);
  return token === null;
}

async function readProblem(response) {
  try {
    const type = response.headers.get('Content-Type') ?? '';
    if (type.includes('json')) return await response.json();
  } catch {
    // A body that is not JSON: the status says enough.
  }
  return { title: `HTTP ${response.status}`, detail: response.statusText };
}
