/**
 * image-build/ checked by the tools of what it configures (issue 6, static proof): every
 * shell script by shellcheck; the systemd units by `systemd-analyze verify` on a staged
 * tree (it exits 0 on warnings, so any word on stderr fails) and their exposure by
 * `systemd-analyze security`; dnsmasq's file by dnsmasq; the avahi service by its DTD; the
 * access point's configuration, as the first boot writes it, by hostapd's own parser.
 *
 * The tools are Debian packages that .ci/run installs (shellcheck, dnsmasq-base, hostapd,
 * avahi-daemon, libxml2-utils; systemd is there). Where one is missing the check is
 * skipped with a warning, unless SOLIDAIRE_REQUIRE_TOOLS is set (CI), where it fails.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hostapdConf } from '@solidaire/appliance/provision';
import { scratch } from '@solidaire/appliance/testing';

const IMAGE = join(import.meta.dirname, '../../image-build');
const OVERLAY = join(IMAGE, 'overlay');
const UNITS = ['solidaire.service', 'solidaire-provision.service', 'solidaire-grow-data.service', 'solidaire-poweroff.path', 'solidaire-poweroff.service', 'solidaire-update.path', 'solidaire-update.service', 'solidaire-update-recover.service'];
/** `systemd-analyze security` exposure allowed (0 safest, 10 unsafe; 2.0 is "OK"), for the long-running services. */
const EXPOSURE_MAX: Record<string, number> = { 'solidaire.service': 2.5, 'solidaire-provision.service': 3.0 };

const s = scratch();
afterEach(() => s.clean());

/** Whether `what` is here; if not, a warning (or, in CI, a failure). */
function available(what: string, found: boolean): boolean {
  if (!found) {
    if (process.env.SOLIDAIRE_REQUIRE_TOOLS) throw new Error(`${what} is missing: install it (see .ci/run)`);
    console.warn(`image-build static check skipped: ${what} is not installed`);
  }
  return found;
}

const has = (tool: string) => available(tool, spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0);

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
}

const scripts = () => files(IMAGE).filter((f) => readFileSync(f, 'utf8').startsWith('#!/bin/sh') || readFileSync(f, 'utf8').startsWith('#!/usr/bin/env bash') || f.endsWith('.sh'));

/** A root with the overlay, the host's systemd units and what the units run. */
function stagedRoot(): string {
  const root = s.dir('solidaire-root-');
  cpSync(OVERLAY, root, { recursive: true });
  mkdirSync(join(root, 'usr/lib/systemd'), { recursive: true });
  cpSync('/usr/lib/systemd/system', join(root, 'usr/lib/systemd/system'), { recursive: true });
  for (const bin of ['usr/bin/node', 'bin/chown', 'bin/rm', 'bin/systemctl', 'bin/sh']) {
    mkdirSync(join(root, bin, '..'), { recursive: true });
    writeFileSync(join(root, bin), '#!/bin/sh\n');
    chmodSync(join(root, bin), 0o755);
  }
  return root;
}

describe('image-build, checked by the tools of what it configures', () => {
  it('every shell script passes shellcheck', () => {
    if (!has('shellcheck')) return;
    const all = scripts();
    expect(all.map((f) => relative(IMAGE, f))).toEqual(expect.arrayContaining(['payload/install.sh', 'overlay/usr/lib/solidaire/run', 'overlay/usr/lib/solidaire/apply-updates']));
    for (const f of all) expect(statSync(f).mode & 0o111, `${f} is executable`).not.toBe(0);
    const r = spawnSync('shellcheck', ['--severity=style', ...all], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('systemd finds nothing to say about the units, and their exposure is gated', () => {
    if (!has('systemd-analyze')) return;
    const root = stagedRoot();
    const paths = UNITS.map((u) => join(root, 'etc/systemd/system', u));
    const verify = spawnSync('systemd-analyze', ['verify', `--root=${root}`, ...paths], { encoding: 'utf8' });
    expect(verify.stderr).toBe('');
    expect(verify.status).toBe(0);
    expect(readdirSync(join(OVERLAY, 'etc/systemd/system')).filter((f) => /\.(service|path|timer)$/.test(f)).sort()).toEqual([...UNITS].sort());
    for (const [unit, path] of UNITS.map((u, i) => [u, paths[i]!] as const).filter(([u]) => u in EXPOSURE_MAX)) {
      const out = spawnSync('systemd-analyze', ['security', '--offline=true', `--root=${root}`, path], { encoding: 'utf8' });
      const m = /Overall exposure level for \S+: (\d+\.\d+)/.exec(out.stdout);
      expect(m, out.stdout + out.stderr).not.toBeNull();
      expect(Number(m![1]), unit).toBeLessThanOrEqual(EXPOSURE_MAX[unit]!);
    }
  });

  it('the test image’s own units (build-debian.sh --test-hooks) pass the same check', () => {
    if (!has('systemd-analyze')) return;
    const root = stagedRoot();
    cpSync(join(IMAGE, 'test-hooks/etc'), join(root, 'etc'), { recursive: true });
    const units = ['solidaire-test-shell.service', 'solidaire.service'].map((u) => join(root, 'etc/systemd/system', u));
    const verify = spawnSync('systemd-analyze', ['verify', `--root=${root}`, ...units], { encoding: 'utf8' });
    expect(verify.stderr).toBe('');
    expect(verify.status).toBe(0);
  });

  it('the access point is Debian’s hostapd@wlan0, bound to the radio, and systemd finds nothing to say about it with the box’s drop-in', () => {
    if (!has('systemd-analyze')) return;
    const root = stagedRoot();
    const unit = join(root, 'usr/lib/systemd/system/hostapd@.service');
    if (!available('hostapd@.service', existsSync(unit))) return;
    // Started by wlan0's appearance (install.sh links it into the device's wants), bound to it.
    expect(readFileSync(unit, 'utf8')).toMatch(/^BindsTo=sys-subsystem-net-devices-%i\.device$/m);
    mkdirSync(join(root, 'usr/sbin'), { recursive: true });
    writeFileSync(join(root, 'usr/sbin/hostapd'), '#!/bin/sh\n');
    chmodSync(join(root, 'usr/sbin/hostapd'), 0o755);
    const verify = spawnSync('systemd-analyze', ['verify', `--root=${root}`, join(root, 'etc/systemd/system/hostapd@wlan0.service')], { encoding: 'utf8' });
    expect(verify.stderr).toBe('');
    expect(verify.status).toBe(0);
  });

  it('a broken unit is caught (the check can fail)', () => {
    if (!has('systemd-analyze')) return;
    const root = stagedRoot();
    const path = join(root, 'etc/systemd/system/solidaire.service');
    writeFileSync(path, readFileSync(path, 'utf8').replace('ProtectSystem=strict', 'ProtectSystem=strictement'));
    const verify = spawnSync('systemd-analyze', ['verify', `--root=${root}`, path], { encoding: 'utf8' });
    expect(verify.stderr).toMatch(/protect system value.*strictement/i);
  });

  it('systemd-tmpfiles makes the data partition’s folders, owned as they must be', () => {
    if (!has('systemd-tmpfiles')) return;
    const root = stagedRoot();
    mkdirSync(join(root, 'etc'), { recursive: true });
    writeFileSync(join(root, 'etc/passwd'), 'root:x:0:0::/root:/bin/sh\nsolidaire:x:990:990::/var/lib/solidaire:/usr/sbin/nologin\n');
    writeFileSync(join(root, 'etc/group'), 'root:x:0:\nsolidaire:x:990:\n');
    const r = spawnSync('systemd-tmpfiles', [`--root=${root}`, '--create', join(root, 'etc/tmpfiles.d/solidaire.conf')], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const mode = (p: string) => (statSync(join(root, 'var/lib/solidaire', p)).mode & 0o777).toString(8);
    expect([mode('data'), mode('updates'), mode('releases'), mode('snapshots')]).toEqual(['750', '750', '755', '700']);
    if (process.getuid?.() === 0) expect(statSync(join(root, 'var/lib/solidaire/updates')).uid).toBe(990);
  });

  it('dnsmasq accepts its configuration', () => {
    if (!has('dnsmasq')) return;
    const out = execFileSync('dnsmasq', ['--test', `--conf-file=${join(OVERLAY, 'etc/dnsmasq.d/solidaire.conf')}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(out + '').toBe('');
  });

  it('the avahi service is valid against avahi’s DTD', () => {
    if (!has('xmllint')) return;
    const dtd = '/usr/share/avahi/avahi-service.dtd';
    if (!available(dtd, existsSync(dtd))) return;
    const r = spawnSync('xmllint', ['--noout', '--nonet', '--dtdvalid', dtd, join(OVERLAY, 'etc/avahi/services/solidaire.service')], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
  });

  it('hostapd parses the access point the first boot writes, and refuses a broken one', () => {
    if (!has('hostapd')) return;
    const dir = s.dir('solidaire-hostapd-');
    const parse = (text: string) => {
      const file = join(dir, 'hostapd.conf');
      writeFileSync(file, text);
      // No radio here: hostapd reads the whole file, then fails to open the interface.
      const r = spawnSync('hostapd', ['-dd', file], { encoding: 'utf8', timeout: 10_000 });
      return r.stdout + r.stderr;
    };
    const good = parse(hostapdConf({ ssid: 'Solidaire "Nioro" école', key: 'cle-wifi-de-l-ecole', country: 'ML' }, 'solidaire-test0'));
    expect(good).toMatch(/Configuration file:/);
    expect(good).not.toMatch(/errors? found in configuration file|Line \d+:/);
    const bad = parse(hostapdConf({ ssid: 'x', key: 'cle-wifi-de-l-ecole', country: 'ML' }, 'solidaire-test0').replace(/wpa_passphrase=.*/, 'wpa_passphrase=court'));
    expect(bad).toMatch(/errors? found in configuration file/);
  });
});
