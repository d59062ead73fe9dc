// The session and every request to the gridmap server that served this page. The bearer token
// lives in this tab's sessionStorage: gone when the tab closes, never in a cookie another site
// could make the browser send.
import { t } from './i18n';

const TOKEN_KEY = 'gridmap-token';
let token = sessionStorage.getItem(TOKEN_KEY) ?? '';

export interface Me { user: string; role: string; scope: string | null; sees_households: boolean }
let me: Me | null = null;
export const account = () => me;
export const setAccount = (m: Me) => { me = m; };
export const bearer = () => `Bearer ${token}`;
export const hasToken = () => token !== '';

/** A refused request: the HTTP status, the server's machine word and message, and its details. */
export class ApiError extends Error {
  constructor(message: string, readonly status = 0, readonly code = '', readonly details: unknown = null) {
    super(message);
  }
}

export interface Answer<R> { body: R; headers: Headers }

/** A request with the session's token; the body and headers of a 2xx, an ApiError otherwise. */
export async function request<R>(path: string, init: RequestInit = {}): Promise<Answer<R>> {
  let res: Response;
  try {
    res = await fetch(path, { ...init, headers: { ...(init.headers ?? {}), Authorization: bearer() } });
  } catch {
    throw new ApiError(t('network'));
  }
  const body = await res.json().catch(() => null);
  if (res.status === 401 && me) {
    // The session ended (expired, revoked or logged out elsewhere): back to the login.
    signOut();
  }
  if (!res.ok) {
    const err = body?.error;
    throw new ApiError(err?.message ?? `HTTP ${res.status}`, res.status, err?.code ?? '', err?.details ?? null);
  }
  return { body: body as R, headers: res.headers };
}

export async function api<R>(path: string, init: RequestInit = {}): Promise<R> {
  return (await request<R>(path, init)).body;
}

/** A JSON request body (POST, PUT) with optional extra headers. */
export function json(method: string, body: unknown, headers: Record<string, string> = {}): RequestInit {
  return { method, headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

export function signOut() {
  sessionStorage.removeItem(TOKEN_KEY);
  // A fresh page drops every answer shown and the map's cached tiles.
  location.reload();
}

export function forgetToken() {
  sessionStorage.removeItem(TOKEN_KEY);
  token = '';
}

export async function logIn(username: string, password: string) {
  const res = await fetch('api/v1/auth/token', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password }),
  }).catch(() => null);
  const body = await res?.json().catch(() => null);
  // A refused login is said in the page's language; other refusals (too many tries) as the server words them.
  if (res?.status === 401) throw new ApiError(t('badLogin'), 401);
  if (!res?.ok) throw new ApiError(body?.error?.message ?? t('network'), res?.status ?? 0);
  token = body.token;
  sessionStorage.setItem(TOKEN_KEY, token);
}
