import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CATALOGUES, LANGS, translate } from '../i18n/index.js';
import { ApiError, NETWORK, parseBody, syncErrorText, toApiError } from './errors.js';
import { createClient } from './client.js';

const body = (code: string, message: string) => ({ error: { code, message } });

describe('API errors as the user reads them', () => {
  it('shows the French message of the box as it is', () => {
    const e = toApiError('fr', 400, body('invalid_input', 'Donnée invalide (title) : le titre est vide.'));
    expect(e).toBeInstanceOf(ApiError);
    expect(e.code).toBe('invalid_input');
    expect(e.message).toBe('Donnée invalide (title) : le titre est vide.');
  });

  it('uses the catalogue for a known code in English, and for an unknown one the status, never the French text', () => {
    expect(toApiError('en', 413, body('quota_exceeded', 'Quota atteint.')).message).toMatch(/full/);
    const odd = toApiError('en', 400, body('odd_thing', 'Chose étrange.'));
    expect(odd.code).toBe('odd_thing');
    expect(odd.message).toBe('The box refused what was sent. Check the form and try again.');
    expect(toApiError('en', 409, body('odd_thing', 'Chose étrange.')).message).toBe('Someone else made a change at the same time. Reload the page.');
    expect(toApiError('en', 418, body('odd_thing', 'Chose étrange.')).message).toBe('That did not work. Try again.');
    expect(toApiError('fr', 400, body('odd_thing', 'Chose étrange.')).message).toBe('Chose étrange.');
    expect(toApiError('fr', 400, body('odd_thing', '')).message).toBe('La boîte a refusé ce qui a été envoyé. Vérifiez le formulaire et réessayez.');
  });

  it('has a message of its own in both catalogues for every code the box can answer', () => {
    const codes = apiCodes();
    // The scan finds what it must (a change to how the box writes its errors shows here).
    for (const c of ['invalid_input', 'member_deleted', 'bundle_gap', 'release_refused', 'misdirected_request', 'invalid_operation']) expect(codes).toContain(c);
    for (const code of codes.filter((c) => c !== 'internal')) {
      for (const lang of LANGS) {
        const e = toApiError(lang, 400, body(code, ''));
        expect(e.message, `${lang} ${code}`).toBe(CATALOGUES[lang][`error.${code}` as keyof (typeof CATALOGUES)['fr']]);
      }
      expect(toApiError('en', 400, body(code, 'Message français.')).message, code).not.toBe('Message français.');
    }
  });

  it('says in the user’s words why the last sync with a site failed, for every code of the sync', () => {
    const codes = syncCodes();
    for (const c of ['link_cut', 'busy', 'carry_quota', 'malformed_frame', 'not_authorised']) expect(codes).toContain(c);
    for (const code of codes.filter((c) => c !== 'internal')) {
      for (const lang of LANGS) expect(syncErrorText(lang, code), `${lang} ${code}`).not.toBe(translate(lang, 'syncError.unknown', { code }));
    }
    expect(syncErrorText('fr', 'link_cut')).toMatch(/^la liaison a été coupée/);
    expect(syncErrorText('en', 'something_new')).toBe('the sync stopped on an error (something_new). It will be tried again.');
  });

  it('never shows the inside of a server error', () => {
    const e = toApiError('fr', 500, body('internal', 'Une erreur inattendue est survenue.'));
    expect(e.message).toBe('La boîte a rencontré un problème. Réessayez dans un moment.');
    expect(toApiError('fr', 502, parseBody('<html>Bad gateway</html>')).message).toBe('La boîte a rencontré un problème. Réessayez dans un moment.');
  });

  it('explains a request that got no answer', () => {
    const e = toApiError('fr', NETWORK, undefined);
    expect(e.code).toBe('network');
    expect(e.message).toMatch(/Wi-Fi/);
  });

  it('knows a lost session when it sees one', () => {
    expect(toApiError('fr', 401, body('not_logged_in', 'Connectez-vous.')).sessionLost).toBe(true);
    expect(toApiError('fr', 403, body('csrf_token_invalid', 'Jeton.')).sessionLost).toBe(true);
    expect(toApiError('fr', 403, body('forbidden', 'Non.')).sessionLost).toBe(false);
    expect(toApiError('fr', 401, undefined).sessionLost).toBe(true);
  });
});

describe('API client', () => {
  function client(respond: (url: string, init: RequestInit) => Response | Promise<Response>) {
    const calls: Array<{ url: string; init: RequestInit }> = [];
    let lost = 0;
    const c = createClient({
      fetch: (async (url: string, init: RequestInit) => {
        calls.push({ url, init });
        return respond(url, init);
      }) as unknown as typeof fetch,
      lang: () => 'fr',
      csrf: () => 'tok',
      onSessionLost: () => lost++,
    });
    return { c, calls, lost: () => lost };
  }
  const json = (status: number, value: unknown) => new Response(JSON.stringify(value), { status, headers: { 'content-type': 'application/json' } });

  it('sends the CSRF token on a change, not on a read', async () => {
    const { c, calls } = client(() => json(200, { ok: true }));
    await c.get('/spaces');
    await c.send('POST', '/spaces/comite/threads', { subject: 'a', body: 'b' });
    const h0 = calls[0]!.init.headers as Record<string, string>;
    const h1 = calls[1]!.init.headers as Record<string, string>;
    expect(calls[0]!.url).toBe('/api/v1/spaces');
    expect(h0['X-CSRF-Token']).toBeUndefined();
    expect(h1['X-CSRF-Token']).toBe('tok');
    expect(h1['Content-Type']).toBe('application/json');
    expect(calls[1]!.init.body).toBe('{"subject":"a","body":"b"}');
  });

  it('reports a lost session, except for a wrong password at login', async () => {
    const { c, lost } = client(() => json(401, body('not_logged_in', "Nom d'utilisateur ou mot de passe incorrect.")));
    await expect(c.send('PUT', '/spaces/x/documents/y', {})).rejects.toMatchObject({ code: 'not_logged_in' });
    expect(lost()).toBe(1);
    await expect(c.login({ username: 'a', password: 'b' })).rejects.toThrow("Nom d'utilisateur ou mot de passe incorrect.");
    expect(lost()).toBe(1);
  });

  it('turns a cut link into a plain message', async () => {
    const { c } = client(() => {
      throw new TypeError('Failed to fetch');
    });
    await expect(c.get('/session')).rejects.toMatchObject({ code: 'network', status: NETWORK });
  });
});

/** The .ts files (not tests) under appliance/src, each with its path. */
function appliance(): Array<{ path: string; text: string }> {
  const root = fileURLToPath(new URL('../../../appliance/src', import.meta.url));
  const files: Array<{ path: string; text: string }> = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) files.push({ path, text: readFileSync(path, 'utf8') });
    }
  };
  walk(root);
  return files;
}

/** `'code'` → code; undefined for anything else (a message, a code built at run time). */
const literal = (a: string | undefined) => /^'([a-z][a-z0-9_]*)'$/.exec(a ?? '')?.[1];

/**
 * Every code the appliance's API can answer, read from its source: the codes of its named
 * errors (`readonly code = '…'`, a code given as an argument to `new …Error(…)`) and those
 * of the bodies it writes itself (`errorBody('…', …)`). A code built at run time
 * (`'http_' + status`) is not seen: it falls back on its status. The sync's errors
 * (sync/) never reach an HTTP answer: they are in syncCodes.
 */
function apiCodes(): string[] {
  const codes = new Set<string>();
  for (const { path, text } of appliance()) {
    if (path.includes('/sync/')) continue;
    for (const m of text.matchAll(/code(?:: string)? = '([a-z_]+)'/g)) codes.add(m[1]!);
    for (const m of text.matchAll(/(new \w+Error|errorBody)\(/g)) {
      const args = topLevelArgs(text, m.index + m[0].length);
      const found = m[1] === 'errorBody' ? [literal(args[0])] : args.slice(1).map(literal);
      for (const c of found) if (c) codes.add(c);
    }
  }
  return [...codes].sort();
}

/** The codes of the sync's errors (`new Sync…Error('code', …)`, `super('code', …)`), shown in GET /sync/status. */
function syncCodes(): string[] {
  const codes = new Set<string>();
  for (const { path, text } of appliance()) {
    if (!path.includes('/sync/')) continue;
    for (const m of text.matchAll(/(new Sync\w*Error|super)\(/g)) {
      const code = literal(topLevelArgs(text, m.index + m[0].length)[0]);
      if (code) codes.add(code);
    }
  }
  return [...codes].sort();
}

/** The arguments of a call, from just after its "(", as source text; strings skipped whole. */
function topLevelArgs(text: string, from: number): string[] {
  const args: string[] = [];
  let depth = 0;
  let start = from;
  for (let i = from; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === "'" || ch === '"' || ch === '`') {
      for (i++; i < text.length && text[i] !== ch; i++) if (text[i] === '\\') i++;
    } else if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') {
      if (depth === 0) {
        args.push(text.slice(start, i).trim());
        return args.filter((a) => a !== '');
      }
      depth--;
    } else if (ch === ',' && depth === 0) {
      args.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  return args;
}
