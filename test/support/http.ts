/**
 * A box's workspace API over real HTTP, as a browser uses it: log in, keep the session
 * cookie, send the CSRF token with every request.
 */
export interface HttpSession {
  readonly base: string;
  readonly accountId: string;
  readonly headers: Readonly<Record<string, string>>;
}

export interface HttpResult {
  readonly status: number;
  // The tests read the answers' fields directly; the API's schemas are checked elsewhere.
  readonly json: any;
}

/** Log in at `base` (http://host:port); throws unless the box says 200. */
export async function login(base: string, username: string, password: string): Promise<HttpSession> {
  const res = await fetch(`${base}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login at ${base}: ${res.status} ${await res.text()}`);
  const { csrfToken, account } = (await res.json()) as { csrfToken: string; account: { id: string } };
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  return { base, accountId: account.id, headers: { cookie, 'x-csrf-token': csrfToken } };
}

/**
 * A request under /api/v1: a JSON body, or raw bytes (a file upload). The answer's JSON is
 * parsed when there is some; `json` is `{}` otherwise.
 */
export async function request(s: HttpSession, method: string, path: string, body?: unknown): Promise<HttpResult> {
  const raw = body instanceof Uint8Array;
  const res = await fetch(`${s.base}/api/v1${path}`, {
    method,
    headers: { ...s.headers, ...(body === undefined ? {} : { 'content-type': raw ? 'application/octet-stream' : 'application/json' }) },
    ...(body === undefined ? {} : { body: raw ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  let json: unknown = {};
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    json = { text };
  }
  return { status: res.status, json };
}

/** The bytes of a GET under /api/v1 (a file's content). */
export async function download(s: HttpSession, path: string): Promise<{ status: number; bytes: Buffer }> {
  const res = await fetch(`${s.base}/api/v1${path}`, { headers: s.headers });
  return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()) };
}
