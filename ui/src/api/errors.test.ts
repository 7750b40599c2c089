import { describe, expect, it } from 'vitest';
import { ApiError, NETWORK, parseBody, toApiError } from './errors.js';
import { createClient } from './client.js';

const body = (code: string, message: string) => ({ error: { code, message } });

describe('API errors as the user reads them', () => {
  it('shows the French message of the box as it is', () => {
    const e = toApiError('fr', 400, body('invalid_input', 'Donnée invalide (title) : le titre est vide.'));
    expect(e).toBeInstanceOf(ApiError);
    expect(e.code).toBe('invalid_input');
    expect(e.message).toBe('Donnée invalide (title) : le titre est vide.');
  });

  it('uses the catalogue for a known code in English, the box message for an unknown one', () => {
    expect(toApiError('en', 413, body('quota_exceeded', 'Quota atteint.')).message).toMatch(/full/);
    expect(toApiError('en', 400, body('odd_thing', 'Chose étrange.')).message).toBe('Chose étrange.');
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
