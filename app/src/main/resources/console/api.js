// The console's only way to the server: same-origin calls to the REST control plane with the admin token.

const TOKEN = 'mandate.adminToken';
const APPROVER = 'mandate.approver';

export class Unauthorized extends Error {}

export class NotAvailable extends Error {}

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

export function token() {
  return sessionStorage.getItem(TOKEN);
}

export function approver() {
  return sessionStorage.getItem(APPROVER) || 'console-admin';
}

export function remember(adminToken, name) {
  sessionStorage.setItem(TOKEN, adminToken);
  sessionStorage.setItem(APPROVER, name);
}

export function forget() {
  sessionStorage.removeItem(TOKEN);
  sessionStorage.removeItem(APPROVER);
}

/** Headers for a control-plane call; the token never leaves them. */
export function authHeaders(accept) {
  return { Authorization: 'Bearer ' + token(), Accept: accept || 'application/json' };
}

/**
 * Calls the control plane. Throws Unauthorized on 401, NotAvailable on 404 when notFoundIsMissing (an endpoint
 * this server does not have), ApiError otherwise on a non-2xx answer.
 */
export async function api(method, path, body, { notFoundIsMissing = false } = {}) {
  if (!path.startsWith('/v1/')) throw new Error('the console calls only /v1/ on its own origin');
  const headers = authHeaders();
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'omit',
    cache: 'no-store',
    redirect: 'error',
    referrerPolicy: 'no-referrer',
  });
  let json = null;
  try {
    json = await response.json();
  } catch {
    json = null;
  }
  if (response.status === 401) throw new Unauthorized('the admin token was refused');
  if (response.status === 404 && notFoundIsMissing) throw new NotAvailable(path);
  if (!response.ok) throw new ApiError(response.status, json);
  return json;
}

export const get = (path, options) => api('GET', path, undefined, options);
export const post = (path, body) => api('POST', path, body === undefined ? {} : body);
export const seg = (text) => encodeURIComponent(String(text));
