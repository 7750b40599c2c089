/**
 * Test helpers: an appliance in a temporary folder with a fake clock and seeded
 * randomness, and a client that keeps its session cookie and CSRF token like a browser.
 * Requests go through app.request(): no network.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Appliance } from '../appliance.js';
import { FakeClock, seededRandom } from '../clock/index.js';
import { performSetup } from '../setup/index.js';
import type { Role } from '../auth/index.js';
import { LocalClient as TestClient } from '../http/local-client.js';
import type { HealthOptions } from '../health/index.js';

export interface TestBox {
  readonly appliance: Appliance;
  readonly clock: FakeClock;
  readonly dir: string;
  /** A client logged in as the box admin. */
  readonly admin: TestClient;
  /** Create an account with roles and return a client logged in as it. */
  user(username: string, roles?: Record<string, Role>, opts?: { boxAdmin?: boolean }): Promise<TestClient>;
  close(): Promise<void>;
}

export { LocalClient as TestClient, type LocalResponse as TestResponse } from '../http/local-client.js';

export { apiRoutes, fillPath, type ApiRoute } from './routes.js';
export { replicaFactory, type MemoryReplica } from './replica.js';

export const TEST_PASSWORD = 'correct-horse-battery';

/** A set-up appliance with the commons and two associations: "givors-gavinane" and "secours-populaire". */
export async function testBox(
  opts: { seed?: number; spaces?: Array<{ id: string; name: string }>; /** Off unless asked (health/). */ health?: boolean | HealthOptions } = {},
): Promise<TestBox> {
  const dir = mkdtempSync(join(tmpdir(), 'solidaire-test-'));
  const clock = new FakeClock();
  const appliance = new Appliance({
    dataDir: dir,
    clock,
    random: seededRandom(opts.seed ?? 1),
    logError: () => {},
    ...(opts.health ? { health: opts.health } : {}),
  });
  const s = appliance.services;
  await performSetup(s, { siteName: 'Test', admin: { username: 'admin', displayName: 'Admin', password: TEST_PASSWORD } });
  for (const sp of opts.spaces ?? [
    { id: 'givors-gavinane', name: 'Comité de jumelage Givors–Gavinané' },
    { id: 'secours-populaire', name: 'Secours populaire de Givors' },
  ]) {
    s.spaces.create(sp);
  }
  const admin = new TestClient(appliance);
  await admin.login('admin', TEST_PASSWORD);
  return {
    appliance,
    clock,
    dir,
    admin,
    async user(username, roles = {}, o = {}) {
      const account = await s.accounts.create({ username, displayName: username, password: TEST_PASSWORD, boxAdmin: o.boxAdmin ?? false });
      for (const [space, role] of Object.entries(roles)) s.spaces.setRole(account.id, space, role);
      const client = new TestClient(appliance);
      const res = await client.login(username, TEST_PASSWORD);
      if (res.status !== 200) throw new Error(`login failed: ${res.text}`);
      return client;
    },
    async close() {
      await appliance.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
export { scratch, freePort, type Scratch } from './scratch.js';
export { prng, randomOperation, type Prng } from './random-ops.js';
export { solidaire, testRelease, releaseKeyFile, REPO_ROOT, SOLIDAIRE_BIN } from './releases.js';
