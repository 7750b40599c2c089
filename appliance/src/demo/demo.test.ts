import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemo, type Demo } from './index.js';
import { DEMO_PASSWORD } from './seed.js';

let demo: Demo | undefined;
let dir: string;
afterEach(async () => {
  await demo?.stop();
  demo = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function login(url: string, username: string) {
  const res = await fetch(`${url}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  });
  expect(res.status).toBe(200);
  return { cookie: res.headers.get('set-cookie')!.split(';')[0]!, info: (await res.json()) as { spaces: Array<{ id: string }> } };
}

describe('npm start demo', () => {
  it('starts a real server with French demo data, and keeps it across a restart', async () => {
    dir = mkdtempSync(join(tmpdir(), 'solidaire-demo-'));
    const lines: string[] = [];
    demo = await startDemo({ dataDir: dir, port: 0, host: '127.0.0.1', log: (l) => lines.push(l) });
    const url = demo.urls[0]!;
    expect(lines.join('\n')).toContain('awa');
    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    const awa = await login(url, 'awa');
    expect(awa.info.spaces.map((s) => s.id)).toEqual(expect.arrayContaining(['commons', 'givors-gavinane']));
    expect(awa.info.spaces.map((s) => s.id)).not.toContain('secours-populaire');
    const docs = await fetch(`${url}/api/v1/spaces/givors-gavinane/documents`, { headers: { cookie: awa.cookie } });
    expect(docs.status).toBe(200);
    const before = JSON.stringify(await docs.json());
    expect(before).toContain('Compte rendu du bureau');

    // Youri starts with no content of its own: the Comité's documents come by sync.
    const youri = demo.urls[1]!;
    await demo.appliances[1]!.services.network.syncNow();
    const awaY = await login(youri, 'awa');
    const docsY = await fetch(`${youri}/api/v1/spaces/givors-gavinane/documents`, { headers: { cookie: awaY.cookie } });
    expect(JSON.stringify(await docsY.json())).toContain('Compte rendu du bureau');
    const status = await fetch(`${youri}/api/v1/sync/status`, { headers: { cookie: awaY.cookie } });
    const st = (await status.json()) as { peers: Array<{ name: string; lastError: unknown }> };
    expect(st.peers[0]).toMatchObject({ name: 'Grigny', lastError: null });
    // Secours populaire's space is not granted to Youri: none of it is there.
    const y = demo.appliances[1]!.services.db;
    expect(y.prepare("SELECT count(*) AS n FROM ops WHERE space = 'secours-populaire'").get()).toEqual({ n: 0 });

    await demo.stop();
    const again: string[] = [];
    demo = await startDemo({ dataDir: dir, port: 0, host: '127.0.0.1', log: (l) => again.push(l) });
    expect(again.join('\n')).not.toContain('Données de démonstration créées');
    const awa2 = await login(demo.urls[0]!, 'awa');
    const docs2 = await fetch(`${demo.urls[0]}/api/v1/spaces/givors-gavinane/documents`, { headers: { cookie: awa2.cookie } });
    expect(JSON.stringify(await docs2.json())).toBe(before);
  }, 60_000);
});
