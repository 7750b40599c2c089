/**
 * The pi-gen stage (image-build/pi-gen/) is wired to the payload the Debian build installs
 * (issue 6: what CI tests is what ships). pi-gen itself cannot run here (no Raspberry Pi
 * archive), so the stage's scripts run under pi-gen's conventions: in their own folder,
 * with ROOTFS_DIR and an on_chroot that records the script it is given (pi-gen's runs it
 * in the system with capsh --chroot) and what the system holds at that moment.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { scratch } from '@solidaire/appliance/testing';

const IMAGE = join(import.meta.dirname, '../../image-build');
const PIGEN = join(IMAGE, 'pi-gen');
const STAGE = join(PIGEN, 'stage-solidaire');

const s = scratch();
afterEach(() => s.clean());

const read = (p: string) => readFileSync(p, 'utf8');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
}

/** Every file of a tree, by its path inside it, with its bytes. */
function tree(dir: string): Record<string, string> {
  return Object.fromEntries(files(dir).map((f) => [relative(dir, f), readFileSync(f).toString('base64')]));
}

/** The packages of payload/packages.txt, as the Debian build reads them. */
const packages = () =>
  read(join(IMAGE, 'payload/packages.txt'))
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter(Boolean);

interface Run {
  status: number | null;
  stderr: string;
  /** The scripts given to on_chroot, in order. */
  chroot: string[];
  root: string;
  /** /var/tmp/solidaire-install as it was when install.sh was run, if it was. */
  seen: string;
}

/** Runs one of the stage's NN-run.sh as pi-gen does (in its folder, ROOTFS_DIR, on_chroot). */
function runStep(step: string, prepare: (stepDir: string, root: string) => void): Run {
  const dir = s.dir('solidaire-pigen-');
  const stage = join(dir, 'stage');
  cpSync(STAGE, stage, { recursive: true });
  const root = join(dir, 'rootfs');
  mkdirSync(root);
  prepare(join(stage, step), root);
  const log = join(dir, 'chroot.log');
  const seen = join(dir, 'seen');
  const onChroot = `on_chroot() {
    local script; script=$(cat)
    printf '%s\\n\\0' "$script" >> "$LOG"
    case $script in *payload/install.sh*) cp -a "$ROOTFS_DIR/var/tmp/solidaire-install" "$SEEN" ;; esac
  }
  export -f on_chroot
  exec ./00-run.sh`;
  const r = spawnSync('bash', ['-c', onChroot], {
    cwd: join(stage, step),
    encoding: 'utf8',
    env: { ...process.env, ROOTFS_DIR: root, LOG: log, SEEN: seen, FIRST_USER_NAME: 'entretien' },
  });
  let chroot: string[] = [];
  try {
    chroot = read(log).split('\n\0').filter(Boolean);
  } catch {
    /* on_chroot never called */
  }
  return { status: r.status, stderr: r.stderr, chroot, root, seen };
}

/** What build-pi.sh puts in files/ (stage-install.sh), with a stand-in for the application. */
function stagePayload(stepDir: string, withKey: boolean): void {
  const f = join(stepDir, 'files');
  cpSync(join(IMAGE, 'payload'), join(f, 'payload'), { recursive: true });
  cpSync(join(IMAGE, 'overlay'), join(f, 'overlay'), { recursive: true });
  mkdirSync(join(f, 'app/bin'), { recursive: true });
  writeFileSync(join(f, 'app/bin/solidaire.js'), '// the application\n');
  if (withKey) writeFileSync(join(f, 'release-key.pub'), 'a public key\n');
}

/** The variables pi-gen's build.sh gets from our config. */
function config(): Record<string, string> {
  const names = ['IMG_NAME', 'RELEASE', 'STAGE_LIST', 'EXPORT_CONFIG_DIR', 'FIRST_USER_NAME', 'DISABLE_FIRST_BOOT_USER_RENAME', 'ENABLE_SSH', 'ENABLE_CLOUD_INIT'];
  const r = spawnSync('bash', ['-c', `source "$1"; ${names.map((n) => `printf '%s\\n' "$${n}"`).join('; ')}`, 'config', join(PIGEN, 'config')], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  const values = r.stdout.split('\n');
  return Object.fromEntries(names.map((n, i) => [n, values[i]!]));
}

describe('the pi-gen stage installs what the Debian build installs', () => {
  it('installs payload/packages.txt, the one list, then runs install.sh with the overlay and the key', () => {
    const run = runStep('00-solidaire', (step) => stagePayload(step, true));
    expect(run.status, run.stderr).toBe(0);
    expect(run.chroot).toHaveLength(2);
    const apt = /^apt-get -o Acquire::Retries=3 install --no-install-recommends -y (.*)$/.exec(run.chroot[0]!.trim());
    expect(apt, run.chroot[0]).not.toBeNull();
    expect(apt![1]!.trim().split(/\s+/)).toEqual(packages());
    expect(run.chroot[1]!.trim()).toBe(
      'SOLIDAIRE_RELEASE_KEY=/var/tmp/solidaire-install/release-key.pub /bin/sh /var/tmp/solidaire-install/payload/install.sh /var/tmp/solidaire-install/app /var/tmp/solidaire-install/overlay',
    );
    // What install.sh found in the system: the repository's payload and overlay, byte for byte.
    expect(tree(join(run.seen, 'payload'))).toEqual(tree(join(IMAGE, 'payload')));
    expect(tree(join(run.seen, 'overlay'))).toEqual(tree(join(IMAGE, 'overlay')));
    // Nothing is left behind in the image.
    expect(readdirSync(join(run.root, 'var/tmp'))).toEqual([]);
    // No pi-gen package list of its own: a second list could drift from packages.txt.
    expect(files(STAGE).filter((f) => /\/\d\d-packages(-nr)?$/.test(f))).toEqual([]);
  });

  it('without a release key, install.sh is told none', () => {
    const run = runStep('00-solidaire', (step) => stagePayload(step, false));
    expect(run.status, run.stderr).toBe(0);
    expect(run.chroot[1]!.trim()).toMatch(/^SOLIDAIRE_RELEASE_KEY= \/bin\/sh /);
  });

  it('refuses to run without the payload build-pi.sh stages', () => {
    const run = runStep('00-solidaire', () => {});
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/holds no payload: build with image-build\/build-pi.sh/);
    expect(run.chroot).toEqual([]);
  });

  it('both builds stage the payload with stage-install.sh and run install.sh in the system', () => {
    for (const build of ['build-debian.sh', 'build-pi.sh']) expect(read(join(IMAGE, build)), build).toMatch(/"\$here\/stage-install\.sh" "\$repo" /);
    expect(read(join(IMAGE, 'build-debian.sh'))).toMatch(/chroot "\$root" \/bin\/sh \/tmp\/solidaire-install\/payload\/install\.sh/);
    expect(read(join(IMAGE, 'build-pi.sh'))).toContain('"$pigen/stage-solidaire/00-solidaire/files"');
  });

  it('the Raspberry Pi step mounts the root read-only, drops the resize, and shuts out NetworkManager and the first user', () => {
    const run = runStep('01-pi-system', (_step, root) => {
      mkdirSync(join(root, 'boot/firmware'), { recursive: true });
      // stage1's cmdline.txt at the pinned commit.
      writeFileSync(join(root, 'boot/firmware/cmdline.txt'), 'console=serial0,115200 console=tty1 root=ROOTDEV rootfstype=ext4 fsck.repair=yes rootwait resize\n');
    });
    expect(run.status, run.stderr).toBe(0);
    const cmdline = join(run.root, 'boot/firmware/cmdline.txt');
    const want = 'console=serial0,115200 console=tty1 root=ROOTDEV rootfstype=ext4 fsck.repair=yes rootwait ro panic=10\n';
    expect(read(cmdline)).toBe(want);
    expect(run.chroot.join('\n')).toMatch(/systemctl mask "\$\{unit\}"/);
    expect(run.chroot.join('\n')).toContain('NetworkManager.service');
    expect(run.chroot.join('\n')).toContain('systemctl disable rpi-resize.service');
    expect(run.chroot.join('\n')).toContain('usermod -L "entretien"');
    // Again (pi-gen's CONTINUE=1): the same line.
    const again = spawnSync('bash', ['-c', 'on_chroot() { cat >/dev/null; }; export -f on_chroot; exec ./00-run.sh'], {
      cwd: join(STAGE, '01-pi-system'),
      env: { ...process.env, ROOTFS_DIR: run.root, FIRST_USER_NAME: 'entretien' },
      encoding: 'utf8',
    });
    expect(again.status, again.stderr).toBe(0);
    expect(read(cmdline)).toBe(want);
  });
});

describe('pi-gen is driven as its README says', () => {
  it('the stage follows Lite, is exported, and starts from stage2’s system', () => {
    const c = config();
    expect(c.STAGE_LIST!.split(' ')).toEqual(['stage0', 'stage1', 'stage2', 'stage-solidaire']);
    expect(c.RELEASE).toBe('trixie');
    expect(c.EXPORT_CONFIG_DIR).toBe('export-solidaire');
    expect(c.FIRST_USER_NAME).not.toBe('solidaire'); // install.sh's system user
    expect([c.DISABLE_FIRST_BOOT_USER_RENAME, c.ENABLE_SSH, c.ENABLE_CLOUD_INIT]).toEqual(['1', '0', '0']);
    expect(read(join(STAGE, 'prerun.sh'))).toMatch(/copy_previous/);
    expect(read(join(STAGE, 'EXPORT_IMAGE'))).toMatch(/^IMG_SUFFIX=""$/m);
    for (const f of ['prerun.sh', '00-solidaire/00-run.sh', '01-pi-system/00-run.sh']) {
      expect(read(join(STAGE, f)).startsWith('#!/bin/bash -e\n'), f).toBe(true);
      expect(statSync(join(STAGE, f)).mode & 0o111, `${f} is executable (pi-gen skips it otherwise)`).not.toBe(0);
    }
  });

  it('pi-gen is pinned to a full commit id, on its arm64 branch', () => {
    const text = read(join(IMAGE, 'build-pi.sh'));
    expect(text).toMatch(/^PI_GEN_COMMIT=[0-9a-f]{40}$/m);
    expect(text).toMatch(/^PI_GEN_REPO=https:\/\/github\.com\/RPi-Distro\/pi-gen\.git$/m);
    expect(text).toMatch(/fetch -q --depth 1 origin "\$PI_GEN_COMMIT"/);
    expect(text).toMatch(/archive\.raspberrypi\.com/);
  });

  it('the card’s partitions carry the labels the shared fstab mounts, the root second', () => {
    const fstab = read(join(IMAGE, 'overlay/etc/fstab'));
    const labels = Object.fromEntries([...fstab.matchAll(/^LABEL=(\S+)\s+(\S+)\s+(\S+)/gm)].map((m) => [m[1]!, { at: m[2], fs: m[3] }]));
    expect(labels).toEqual({ SOLIDAIRE: { at: '/', fs: 'ext4' }, BOOT: { at: '/boot/firmware', fs: 'vfat' }, DONNEES: { at: '/var/lib/solidaire', fs: 'ext4' } });
    const prerun = read(join(PIGEN, 'export/prerun.sh'));
    expect(prerun).toMatch(/mkdosfs -n BOOT .*"\$\{loop\}p1"/);
    expect(prerun).toMatch(/mkfs\.ext4 -q -L SOLIDAIRE "\$\{loop\}p2"/);
    expect(prerun).toMatch(/mkfs\.ext4 -q -L DONNEES "\$\{loop\}p3"/);
    expect(prerun).toMatch(/mount -t ext4 "\$\{loop\}p3" "\$\{ROOTFS_DIR\}\/var\/lib\/solidaire"/);
    expect(prerun).toMatch(/mount --bind "\$\{ROOTFS_DIR\}\/var\/lib\/solidaire\/systemd" "\$\{ROOTFS_DIR\}\/var\/lib\/systemd"/);
  });

  it('the config passes shellcheck as the bash pi-gen sources', () => {
    if (spawnSync('sh', ['-c', 'command -v shellcheck']).status !== 0) {
      if (process.env.SOLIDAIRE_REQUIRE_TOOLS) throw new Error('shellcheck is missing: install it (see .ci/run)');
      return;
    }
    const r = spawnSync('shellcheck', ['--severity=style', join(PIGEN, 'config')], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
