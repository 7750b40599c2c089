import { afterEach, describe, expect, it } from 'vitest';
import { testBox, TestClient, TEST_PASSWORD, type TestBox } from '../testing/index.js';

let box: TestBox;
afterEach(async () => box?.close());

describe('sessions', () => {
  it('logs in, says who I am, logs out', async () => {
    box = await testBox();
    const me = await box.admin.get('/api/v1/session');
    expect(me.status).toBe(200);
    expect(me.body.account.username).toBe('admin');
    expect(me.headers.get('content-type')).toContain('json');
    const out = await box.admin.delete('/api/v1/session');
    expect(out.status).toBe(200);
    expect((await box.admin.get('/api/v1/session')).status).toBe(401);
  });

  it('says which spaces the account may write and administer', async () => {
    box = await testBox();
    const rights = async (c: TestClient) =>
      Object.fromEntries(((await c.get('/api/v1/session')).body.spaces as Array<{ id: string; canWrite: boolean; canAdmin: boolean }>).map((s) => [s.id, [s.canWrite, s.canAdmin]]));
    expect(await rights(box.admin)).toEqual({ commons: [true, true] });
    expect(await rights(await box.user('awa', { 'givors-gavinane': 'admin' }))).toEqual({ commons: [true, false], 'givors-gavinane': [true, true] });
    expect(await rights(await box.user('claire', { 'secours-populaire': 'admin', commons: 'admin' }))).toEqual({ commons: [true, true], 'secours-populaire': [true, true] });
    expect(await rights(await box.user('invite', { 'givors-gavinane': 'guest' }))).toEqual({ commons: [false, false], 'givors-gavinane': [false, false] });
  });

  it('refuses a wrong password with a plain message and no cookie', async () => {
    box = await testBox();
    const c = new TestClient(box.appliance);
    const res = await c.login('admin', 'wrong-password');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('not_logged_in');
    expect(res.body.error.message).toMatch(/incorrect/);
    expect(c.cookie).toBeUndefined();
  });

  it('rate-limits repeated failures, then lets the right password in after the window', async () => {
    box = await testBox();
    const c = new TestClient(box.appliance);
    for (let i = 0; i < 5; i++) expect((await c.login('admin', 'nope-nope')).status).toBe(401);
    const limited = await c.login('admin', TEST_PASSWORD);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    box.clock.advance(16 * 60_000);
    expect((await c.login('admin', TEST_PASSWORD)).status).toBe(200);
  });

  it('requires the CSRF token on every state-changing request', async () => {
    box = await testBox();
    const csrf = box.admin.csrf;
    box.admin.csrf = undefined;
    const res = await box.admin.post('/api/v1/spaces', { id: 'koupela', name: 'Koupéla' });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('csrf_token_invalid');
    box.admin.csrf = 'forged';
    expect((await box.admin.post('/api/v1/spaces', { id: 'koupela', name: 'Koupéla' })).status).toBe(403);
    box.admin.csrf = csrf;
    expect((await box.admin.post('/api/v1/spaces', { id: 'koupela', name: 'Koupéla' })).status).toBe(201);
  });

  it('expires an idle session', async () => {
    box = await testBox();
    box.clock.advance(8 * 24 * 3600_000);
    const res = await box.admin.get('/api/v1/session');
    expect(res.status).toBe(401);
    expect(res.body.error.message).toMatch(/connecter/);
  });

  it('sets an httpOnly, SameSite cookie', async () => {
    box = await testBox();
    const c = new TestClient(box.appliance);
    const res = await c.post('/api/v1/session', { username: 'admin', password: TEST_PASSWORD });
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
  });
});
