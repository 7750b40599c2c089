/**
 * The plain Debian trixie arm64 box, booted in qemu-system-aarch64 -M virt and checked from
 * the host (issue 6): /healthz answers; the provisioning file on the boot partition was
 * applied and its secrets removed from the card (read with mtools once the box is off);
 * / is read-only; a SIGSTOPped appliance is killed by systemd's watchdog and started again;
 * what was written survives a reboot, and the data partition grows with its file system to
 * the end of a bigger disk (as on a bigger card); then, in that second boot, updates sent as
 * the box admin does (the releases of image-build/test-releases.sh): one signed with another
 * key is refused, a good one is installed and serves, a broken one is undone by itself, and
 * the data stays.
 *
 * Slow (qemu emulates the CPU here: minutes per boot), so it runs only when SOLIDAIRE_IMAGE
 * names the images of `image-build/build-debian.sh --test-hooks` (`npm run image:boot`
 * builds them and runs this file). Needs qemu-system-arm and mtools.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Guest } from './guest.js';

const IMAGES = process.env.SOLIDAIRE_IMAGE;
const PORT = Number(process.env.SOLIDAIRE_IMAGE_PORT ?? 18080);
const BOOT_MS = 15 * 60_000;
/** Without the updates (SOLIDAIRE_IMAGE_SKIP_UPDATES=1): two boots, a few minutes less. */
const SKIP_UPDATES = process.env.SOLIDAIRE_IMAGE_SKIP_UPDATES === '1';
const PASSWORD = 'secret-de-test-youri'; // image-build/test-hooks/solidaire.toml
const SITE = 'Collège de Youri';

const mtools = (cmd: string, img: string, ...args: string[]) => execFileSync(cmd, ['-i', img, ...args], { encoding: 'utf8', env: { ...process.env, MTOOLS_SKIP_CHECK: '1' } });

/** Logs in as the provisioned administrator; the session cookie and CSRF token. */
async function login(base: string): Promise<{ status: number; headers: Record<string, string> }> {
  const res = await fetch(`${base}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: PASSWORD }) });
  if (res.status !== 200) return { status: res.status, headers: {} };
  const cookie = /solidaire_session=[^;]*/.exec(res.headers.get('set-cookie') ?? '')![0];
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return { status: 200, headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' } };
}

describe.skipIf(!IMAGES)('the Debian arm64 image, booted in qemu', () => {
  const run = mkdtempSync(join(tmpdir(), 'solidaire-boot-'));
  let guest: Guest | undefined;
  afterAll(() => {
    guest?.kill();
    rmSync(run, { recursive: true, force: true });
  });
  let articleId = '';
  const dataSizes = { before: 0 };
  const GROWN = 512 * 1024 * 1024;

  /**
   * A test on a booted guest: a new boot, or (`on: 'running'`) the one an earlier test left
   * running. The guest is killed if the test fails, and after it unless it is to stay
   * running for the next test.
   */
  async function booted<T>(body: (g: Guest) => Promise<T>, opts: { on?: 'running'; stay?: boolean } = {}): Promise<T> {
    if (opts.on !== 'running' || !guest) guest = new Guest(IMAGES!, run, PORT);
    const g = guest;
    try {
      return await body(g);
    } catch (e) {
      // What the box's services said, to read beside the failure.
      const journal = await g.sh('journalctl -b --no-pager -o short-monotonic -u solidaire -u solidaire-update -u solidaire-provision -u solidaire-grow-data -u var-lib-solidaire.mount -u systemd-growfs@var-lib-solidaire | tail -n 150', 30_000).catch(() => undefined);
      if (journal) console.error(`the guest's journal:\n${journal.out}`);
      g.kill();
      guest = undefined;
      throw e;
    } finally {
      if (!opts.stay && guest) {
        guest.kill();
        guest = undefined;
      }
    }
  }

  it('first boot: provisioned, serving, read-only, and the watchdog restarts a frozen box', () => booted(async (guest) => {
    const t0 = Date.now();
    const health = await guest.health(BOOT_MS);
    console.log(`first boot: /healthz answered after ${Math.round((Date.now() - t0) / 1000)} s`);
    expect(health).toMatchObject({ ok: true, setUp: true, siteName: SITE });

    // What the provisioning wrote is in the database: the administrator logs in, and writes.
    const session = await login(guest.base);
    expect(session.status).toBe(200);
    const created = await fetch(`${guest.base}/api/v1/commons/articles`, { method: 'POST', headers: session.headers, body: JSON.stringify({ title: 'Écrit avant le redémarrage', body: 'Il doit survivre.' }) });
    expect(created.status).toBe(201);
    articleId = ((await created.json()) as { id: string }).id;

    // The system is read-only, even for root; the data partition is not.
    expect((await guest.sh("awk '$2 == \"/\" { print $4 }' /proc/mounts")).out).toMatch(/^ro[,\n]/);
    expect((await guest.sh('touch /etc/solidaire-essai')).status).not.toBe(0);
    expect((await guest.sh('touch /var/lib/solidaire/essai && rm /var/lib/solidaire/essai')).status).toBe(0);
    expect((await guest.sh('readlink /etc/localtime')).out).toContain('/var/lib/solidaire/system/localtime');
    expect((await guest.sh('readlink /var/lib/solidaire/system/localtime')).out).toContain('Africa/Bamako');
    expect((await guest.sh('systemctl is-active solidaire-provision.service')).out).toBe('active\n');
    // /healthz answers a little before the box tells systemd it is ready.
    await guest.until('solidaire.service active', 5 * 60_000, async () => ((await guest.sh('systemctl is-active solidaire.service')).out === 'active\n' ? true : undefined));

    // Frozen: the watchdog (WatchdogSec=30) kills it and systemd starts it again.
    const pid = (await guest.sh('systemctl show -P MainPID solidaire.service')).out.trim();
    expect(Number(pid)).toBeGreaterThan(1);
    // It runs with its release's Node.js settings (appliance/node.env, put in its environment by /usr/lib/solidaire/run).
    const environ = (await guest.sh(`tr '\\0' '\\n' < /proc/${pid}/environ`)).out;
    expect(environ).toMatch(/^MALLOC_ARENA_MAX=2$/m);
    expect(environ).toMatch(/^NODE_OPTIONS=.*--max-old-space-size=512/m);
    const frozenAt = Date.now();
    expect((await guest.sh(`kill -STOP ${pid}`)).status).toBe(0);
    const next = await guest.until('a new appliance process', 5 * 60_000, async () => {
      const p = (await guest.sh('systemctl show -P MainPID solidaire.service')).out.trim();
      return p !== pid && p !== '0' && (await guest.sh('systemctl is-active solidaire.service')).out.trim() === 'active' ? p : undefined;
    });
    console.log(`watchdog: pid ${pid} frozen, pid ${next} serving ${Math.round((Date.now() - frozenAt) / 1000)} s later`);
    expect((await guest.sh('journalctl -b -u solidaire.service --no-pager | grep -ci watchdog')).out.trim()).not.toBe('0');
    expect((await guest.health(2 * 60_000)).ok).toBe(true);

    await guest.powerOff(5 * 60_000);
  }), BOOT_MS + 15 * 60_000);

  it('the card: the provisioning file renamed without its secrets, a report beside it', () => {
    const boot = join(run, 'boot.img');
    const files = mtools('mdir', boot, '-b', '::/');
    expect(files).not.toMatch(/solidaire\.toml/i);
    expect(files).toMatch(/solidaire-applique\.toml/i);
    const applied = mtools('mtype', boot, '::/solidaire-applique.toml');
    expect(applied).toContain(SITE);
    expect(applied).not.toContain(PASSWORD);
    expect(mtools('mtype', boot, '::/solidaire-rapport.txt')).toContain('appliqué');
  });

  it('a bigger card: the data disk made 512 MiB longer while the box is off', () => {
    dataSizes.before = statSync(join(run, 'data.img')).size;
    truncateSync(join(run, 'data.img'), dataSizes.before + GROWN);
  });

  it('second boot: the data written before survives', () => booted(async (guest) => {
    expect(articleId).not.toBe('');
    const t0 = Date.now();
    expect(await guest.health(BOOT_MS)).toMatchObject({ ok: true, siteName: SITE });
    console.log(`second boot: /healthz answered after ${Math.round((Date.now() - t0) / 1000)} s`);
    const session = await login(guest.base);
    expect(session.status).toBe(200);
    const article = await fetch(`${guest.base}/api/v1/commons/articles/${articleId}`, { headers: session.headers });
    expect(article.status).toBe(200);
    expect(((await article.json()) as { title: string }).title).toBe('Écrit avant le redémarrage');

    // The data partition, then its file system, grown to the disk's new end (its data kept, above).
    const mib = async (cmd: string) => Number((await guest.sh(cmd)).out.trim()) / 1024 / 1024;
    const partition = await mib('lsblk -bdno SIZE "$(findmnt -no SOURCE /var/lib/solidaire)"');
    const fs = await mib("df -B1 --output=size /var/lib/solidaire | tail -n 1");
    console.log(`data partition ${partition} MiB, its file system ${Math.round(fs)} MiB, on a disk of ${(dataSizes.before + GROWN) / 1024 / 1024} MiB`);
    expect(partition).toBe((dataSizes.before + GROWN) / 1024 / 1024 - 1);
    expect(fs).toBeGreaterThan(1024 + 400);
    expect((await guest.sh('journalctl -b -u solidaire-grow-data --no-pager')).out).toContain('agrandie');
    if (SKIP_UPDATES) await guest.powerOff(5 * 60_000);
  }, { stay: !SKIP_UPDATES }), BOOT_MS + 10 * 60_000);

  // On the second boot, still running (a boot of its own if that test failed).
  it.skipIf(SKIP_UPDATES)('updates: another key refused, a good release installed, a broken one undone, the data kept', () => booted(async (guest) => {
    await guest.health(BOOT_MS);
    let session = await login(guest.base);
    expect(session.status).toBe(200);
    const written = await fetch(`${guest.base}/api/v1/commons/articles`, { method: 'POST', headers: session.headers, body: JSON.stringify({ title: 'Écrit avant les mises à jour', body: 'Il doit rester.' }) });
    expect(written.status).toBe(201);
    const kept = ((await written.json()) as { id: string }).id;
    const release = (name: string) => readFileSync(join(IMAGES!, 'test-releases', `${name}.release`));
    const send = (name: string) => fetch(`${guest.base}/api/v1/updates`, { method: 'POST', headers: { ...session.headers, 'content-type': 'application/octet-stream' }, body: release(name) });
    const status = async () => (await (await fetch(`${guest.base}/api/v1/updates`, { headers: session.headers })).json()) as { version: string; waiting: string[]; last: { result: string; version: string; previous: string; reason?: string } | null; accepts: boolean };
    expect((await status()).accepts).toBe(true);

    // Signed with a key the box does not have: refused at once, nothing waits.
    const stranger = await send('stranger');
    expect(stranger.status).toBe(400);
    expect(((await stranger.json()) as { error: { code: string } }).error.code).toBe('release_refused');
    expect((await status()).waiting).toEqual([]);

    // A good release: root installs it (the path unit), the box comes back with it.
    const t0 = Date.now();
    expect((await send('good')).status).toBe(202);
    await guest.until('the box serving 0.1.1-essai', 15 * 60_000, async () => {
      const res = await fetch(`${guest.base}/healthz`, { signal: AbortSignal.timeout(5000) });
      return res.status === 200 && ((await res.json()) as { version: string }).version === '0.1.1-essai' ? true : undefined;
    });
    console.log(`good release: serving ${Math.round((Date.now() - t0) / 1000)} s after it was sent`);
    session = await login(guest.base);
    // `update apply` writes what it did once it has seen the new release answer.
    const applied = await guest.until('the update recorded', 5 * 60_000, async () => {
      const s = await status();
      return s.last ? s : undefined;
    });
    expect(applied).toMatchObject({ version: '0.1.1-essai', last: { result: 'applied', version: '0.1.1-essai', previous: 'factory' } });

    // A broken release (its command exits at once): undone by itself, database included.
    const t1 = Date.now();
    expect((await send('broken')).status).toBe(202);
    const last = await guest.until('the broken release undone', 15 * 60_000, async () => {
      const res = await fetch(`${guest.base}/api/v1/updates`, { headers: session.headers, signal: AbortSignal.timeout(5000) }).catch(() => undefined);
      if (res?.status === 401) session = await login(guest.base);
      if (res?.status !== 200) return undefined;
      const s = (await res.json()) as Awaited<ReturnType<typeof status>>;
      return s.last?.version === '0.1.2-cassee' ? s : undefined;
    });
    console.log(`broken release: undone ${Math.round((Date.now() - t1) / 1000)} s after it was sent (${last.last?.reason})`);
    expect(last).toMatchObject({ version: '0.1.1-essai', last: { result: 'rolled-back', version: '0.1.2-cassee', previous: '0.1.1-essai' } });
    expect((await guest.health(5 * 60_000)).ok).toBe(true);
    const article = await fetch(`${guest.base}/api/v1/commons/articles/${kept}`, { headers: session.headers });
    expect(article.status).toBe(200);
    await guest.powerOff(5 * 60_000);
  }, { on: 'running' }), BOOT_MS + 40 * 60_000);
});
