/**
 * Sessions and accounts are held in memory (db/memo.ts): every way a session ends must
 * still take effect on the very next request, with the session already in the memo.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { testBox, TestClient, TEST_PASSWORD, type TestBox } from '../testing/index.js';
import { IDLE_MS } from './sessions.js';
import { REVALIDATE_MS } from '../http/app.js';

let box: TestBox;
afterEach(async () => box?.close());

/** A user whose session has been used, so it sits in the memo. */
async function warmUser(name: string): Promise<TestClient> {
  const c = await box.user(name, { 'givors-gavinane': 'member' });
  expect((await c.get('/api/v1/session')).status).toBe(200);
  expect((await c.get('/api/v1/spaces/givors-gavinane/documents')).status).toBe(200);
  return c;
}

const idOf = async (c: TestClient): Promise<string> => (await c.get('/api/v1/session')).body.account.id;

describe('session memo', () => {
  it('logout ends the session at once', async () => {
    box = await testBox();
    const awa = await warmUser('awa');
    const cookie = awa.cookie!;
    expect((await awa.delete('/api/v1/session')).status).toBe(200);
    // The same cookie, replayed by whoever kept it.
    const replay = new TestClient(box.appliance);
    replay.cookie = cookie;
    expect((await replay.get('/api/v1/session')).status).toBe(401);
    expect((await replay.get('/api/v1/spaces/givors-gavinane/documents')).status).toBe(401);
  });

  it('a password change ends every session of the account at once', async () => {
    box = await testBox();
    const awa = await warmUser('awa');
    const other = new TestClient(box.appliance);
    expect((await other.login('awa', TEST_PASSWORD)).status).toBe(200);
    expect((await other.get('/api/v1/session')).status).toBe(200);
    const id = await idOf(awa);
    expect((await awa.patch(`/api/v1/accounts/${id}`, { password: 'un-nouveau-mot-de-passe' })).status).toBe(200);
    expect((await other.get('/api/v1/session')).status).toBe(401);
    expect((await awa.get('/api/v1/spaces/givors-gavinane/documents')).status).toBe(401);
    expect((await new TestClient(box.appliance).login('awa', 'un-nouveau-mot-de-passe')).status).toBe(200);
  });

  it('disabling an account ends its sessions at once', async () => {
    box = await testBox();
    const awa = await warmUser('awa');
    const id = await idOf(awa);
    expect((await box.admin.patch(`/api/v1/accounts/${id}`, { disabled: true })).status).toBe(200);
    expect((await awa.get('/api/v1/session')).status).toBe(401);
    expect((await awa.get('/api/v1/spaces/givors-gavinane/documents')).status).toBe(401);
  });

  it('a renamed account is seen under its new name at once', async () => {
    box = await testBox();
    const awa = await warmUser('awa');
    const id = await idOf(awa);
    expect((await awa.patch(`/api/v1/accounts/${id}`, { displayName: 'Awa Traoré' })).status).toBe(200);
    expect((await awa.get('/api/v1/session')).body.account.displayName).toBe('Awa Traoré');
  });

  it('an idle session expires on time, memo or not', async () => {
    box = await testBox();
    const awa = await warmUser('awa');
    box.clock.advance(IDLE_MS - 60_000);
    // Used just before its end: it slides (the new expiry is written, the memo forgets it).
    expect((await awa.get('/api/v1/session')).status).toBe(200);
    box.clock.advance(IDLE_MS - 60_000);
    expect((await awa.get('/api/v1/session')).status).toBe(200);
    box.clock.advance(IDLE_MS + 1);
    expect((await awa.get('/api/v1/session')).status).toBe(401);
  });

  it('sees a session ended by another process (another connection to the file)', async () => {
    box = await testBox();
    const awa = await warmUser('awa');
    const other = new Database(join(box.dir, 'solidaire.db'));
    try {
      other.prepare('DELETE FROM sessions WHERE account_id = (SELECT id FROM accounts WHERE username = ?)').run('awa');
    } finally {
      other.close();
    }
    // Seen within REVALIDATE_MS of the box's clock (under load the file is not looked at on every request).
    box.clock.advance(REVALIDATE_MS);
    expect((await awa.get('/api/v1/session')).status).toBe(401);
  });
});
