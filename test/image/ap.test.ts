/**
 * The box's Wi-Fi access point, with radios simulated by the kernel (mac80211_hwsim) in the
 * Debian arm64 image booted in qemu (issue 6): no radio at boot, then two appear (the
 * module loaded late, as a slow driver would), soft-blocked as Raspberry Pi OS starts every
 * radio (rfkill.default_state=0); hostapd must unblock and start on the first by itself,
 * with the provisioned name, channel and WPA2 key. A station on the second radio, in its
 * own network namespace, is refused with a wrong key, joins with the right one, gets an
 * address from the box's DHCP, finds solidaire.local by multicast DNS (avahi) and by the
 * box's DNS, is sent from a foreign name to the workspace (the captive page) and reaches
 * /healthz on port 80 — all through the simulated air, never the box's own loopback.
 *
 * Heavy and occasional: one boot under emulation and a build of its own image, so it runs
 * only when SOLIDAIRE_IMAGE_HEAVY names the images of `image-build/build-debian.sh
 * --test-hooks --wifi-station` (`npm run image:heavy` builds them and runs this file).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Guest } from './guest.js';

const IMAGES = process.env.SOLIDAIRE_IMAGE_HEAVY;
const PORT = Number(process.env.SOLIDAIRE_IMAGE_PORT ?? 18090);
const BOOT_MS = 15 * 60_000;
// image-build/test-hooks/solidaire-ap.toml
const SSID = 'Collège de Youri';
const KEY = 'cle-wifi-de-youri';
const BOX = '10.42.0.1';
/** The SSID as iw and wpa_cli print it (bytes outside ASCII as \xNN). */
const SSID_SHOWN = [...Buffer.from(SSID)].map((b) => (b < 0x20 || b > 0x7e ? `\\x${b.toString(16).padStart(2, '0')}` : String.fromCharCode(b))).join('');

const b64 = (text: string) => Buffer.from(text).toString('base64');
const supplicantConf = (psk: string) => `ctrl_interface=/run/wpa-sta\nnetwork={\n  ssid="${SSID}"\n  psk="${psk}"\n  key_mgmt=WPA-PSK\n  proto=RSN\n  scan_ssid=1\n}\n`;
/** udhcpc's script: configures the station's interface from the lease and writes it down. */
const DHCP_SCRIPT = `#!/bin/sh
exec >>/run/sta-dhcp.log 2>&1
echo "udhcpc: $1 ip=$ip subnet=$subnet router=$router dns=$dns"
case "$1" in
  bound|renew)
    ip addr flush dev "$interface"
    ip addr add "$ip/$subnet" dev "$interface"
    ip route replace default via "$router" dev "$interface"
    echo "ip=$ip router=$router dns=$dns" > /run/sta-lease ;;
esac
`;

describe.skipIf(!IMAGES)('the access point, on mac80211_hwsim radios in the booted image', () => {
  const run = mkdtempSync(join(tmpdir(), 'solidaire-ap-'));
  let guest: Guest | undefined;
  afterAll(() => {
    guest?.kill();
    rmSync(run, { recursive: true, force: true });
  });

  it('a radio that appears late gets the AP; a station joins with the key, gets an address, the names and the captive page', async () => {
    const g = (guest = new Guest(IMAGES!, run, PORT));
    const sh = async (command: string, ms?: number) => {
      const r = await g.sh(command, ms);
      if (r.status !== 0) throw new Error(`${command}: exit ${r.status}\n${r.out}`);
      return r.out;
    };
    const t0 = Date.now();
    const since = () => `${Math.round((Date.now() - t0) / 1000)} s`;
    try {
      expect(await g.health(BOOT_MS)).toMatchObject({ ok: true });
      console.log(`booted: /healthz answered after ${since()}`);

      // No radio at boot; the provisioned access point waits for one.
      expect(await sh('ls /sys/class/net')).not.toMatch(/wlan/);
      expect(await sh('readlink /etc/hostapd/wlan0.conf')).toContain('/var/lib/solidaire/system/hostapd.conf');
      expect(await sh('grep -c "^wpa_passphrase=" /var/lib/solidaire/system/hostapd.conf')).toBe('1\n');
      expect(await sh('systemctl show -P WantedBy hostapd@wlan0.service')).toContain('sys-subsystem-net-devices-wlan0.device');
      expect((await g.sh('systemctl is-active hostapd@wlan0.service')).out).not.toBe('active\n');
      // Nothing waits for the radio (a box without one boots the same).
      expect(await sh('systemctl list-jobs --no-legend')).not.toMatch(/wlan0|hostapd/);
      expect(await sh('modinfo -n mac80211_hwsim')).toMatch(/mac80211_hwsim\.ko/);

      // Two radios appear: wlan0 (the box's) and wlan1 (the station's), soft-blocked as
      // Raspberry Pi OS starts every radio (rfkill.default_state=0): the box unblocks its own.
      // (build-debian.sh --wifi-station puts rfkill.default_state=0 on the kernel's line.)
      await sh('modprobe mac80211_hwsim radios=2');
      expect(await sh('cat /sys/module/rfkill/parameters/default_state')).toBe('0\n');
      expect(await sh('cat /sys/class/net/wlan1/phy80211/rfkill*/soft')).toBe('1\n');
      const loaded = Date.now();
      await g.until('hostapd@wlan0 active', 3 * 60_000, async () => ((await g.sh('systemctl is-active hostapd@wlan0.service')).out === 'active\n' ? true : undefined));
      // hostapd first waits for the country's rules (COUNTRY_UPDATE), then beacons.
      const ap = await g.until('wlan0 beaconing', 2 * 60_000, async () => {
        const info = await sh('iw dev wlan0 info');
        return /type AP/.test(info) && /\tssid /.test(info) ? info : undefined;
      });
      console.log(`access point up ${Math.round((Date.now() - loaded) / 1000)} s after the radios appeared:\n${ap}`);
      expect(ap).toContain(`ssid ${SSID_SHOWN}`);
      expect(ap).toMatch(/channel 6 \(2437 MHz\)/);
      expect(await sh('ip -4 -o addr show dev wlan0')).toContain(`${BOX}/24`);
      expect(await sh('cat /sys/class/net/wlan0/phy80211/rfkill*/soft')).toBe('0\n');
      expect(await sh('journalctl -b -u hostapd@wlan0 --no-pager')).toContain('radio de wlan0 débloquée');

      // The station: the second radio in its own network namespace.
      const phy = (await sh('cat /sys/class/net/wlan1/phy80211/name')).trim();
      await sh('for soft in /sys/class/net/wlan1/phy80211/rfkill*/soft; do echo 0 > "$soft"; done');
      await sh(`ip netns add sta && iw phy ${phy} set netns name sta && ip netns exec sta ip link set lo up && ip netns exec sta ip link set wlan1 up`);
      expect(await sh('ls /sys/class/net')).not.toMatch(/wlan1/);
      const supplicant = (name: string, psk: string) =>
        sh(`echo ${b64(supplicantConf(psk))} | base64 -d > /run/sta-${name}.conf && ip netns exec sta wpa_supplicant -B -i wlan1 -c /run/sta-${name}.conf -f /run/sta-${name}.log -P /run/sta-${name}.pid`);
      const state = async () => (await g.sh('wpa_cli -p /run/wpa-sta -i wlan1 status')).out;

      // A wrong key: the four-way handshake fails, the station never gets in.
      await supplicant('wrong', 'pas-la-bonne-cle');
      const refused = await g.until('the wrong key refused', 2 * 60_000, async () => {
        const log = (await g.sh('cat /run/sta-wrong.log')).out;
        return /WRONG_KEY|pre-shared key may be incorrect/.test(log) ? log : undefined;
      });
      console.log(`wrong key, the station's log:\n${refused.split('\n').filter((l) => /WRONG_KEY|incorrect|Associated|CTRL-EVENT/.test(l)).join('\n')}`);
      expect(await state()).not.toMatch(/wpa_state=COMPLETED/);
      await sh('kill "$(cat /run/sta-wrong.pid)"; while [ -e /run/wpa-sta/wlan1 ]; do sleep 1; done');

      // The right key: joined with WPA2 (CCMP), and the box counts it as authorized.
      await supplicant('right', KEY);
      const joined = await g.until('the station joined', 2 * 60_000, async () => {
        const s = await state();
        return /wpa_state=COMPLETED/.test(s) ? s : undefined;
      });
      console.log(`station joined ${since()} after boot:\n${joined}`);
      expect(joined).toContain(`ssid=${SSID_SHOWN}`);
      expect(joined).toMatch(/key_mgmt=WPA2-PSK/);
      expect(joined).toMatch(/pairwise_cipher=CCMP/);
      expect(await sh('iw dev wlan0 station dump')).toMatch(/authorized:\s+yes/);

      // An address from the box's dnsmasq.
      await sh(`echo ${b64(DHCP_SCRIPT)} | base64 -d > /tmp/sta-dhcp.sh && chmod +x /tmp/sta-dhcp.sh`);
      // The script is in /tmp: /run is mounted noexec (udhcpc ran none from there).
      console.log(await sh('findmnt -no OPTIONS /run; ip netns exec sta udhcpc -i wlan1 -n -q -t 10 -T 3 -s /tmp/sta-dhcp.sh 2>&1; cat /run/sta-dhcp.log', 3 * 60_000));
      const lease = await sh('cat /run/sta-lease');
      console.log(`lease: ${lease}`);
      expect(lease).toMatch(/^ip=10\.42\.0\.(\d+) router=10\.42\.0\.1 dns=10\.42\.0\.1\n$/);
      const host = Number(/ip=10\.42\.0\.(\d+)/.exec(lease)![1]);
      expect(host).toBeGreaterThanOrEqual(10);
      expect(host).toBeLessThanOrEqual(250);
      expect(await sh('ip netns exec sta ip -4 -o addr show dev wlan1')).toContain(`10.42.0.${host}/24`);

      // What a device asks once joined, through the air (test/image/station.mjs).
      const script = readFileSync(join(import.meta.dirname, 'station.mjs'), 'utf8');
      await sh(`echo ${b64(script)} | base64 -d > /run/station.mjs`);
      const out = await sh(`ip netns exec sta node /run/station.mjs ${BOX}`, 5 * 60_000);
      const seen = JSON.parse(out.trim().split('\n').at(-1)!) as {
        mdns: { from?: string; a?: string[]; error?: string };
        dns: Record<string, string[] | { error: string }>;
        captive: { status?: number; location?: string | null; error?: string };
        health: { status?: number; error?: string };
      };
      console.log(`from the station: ${JSON.stringify(seen)}`);
      expect(seen.mdns).toEqual({ from: BOX, a: [BOX] });
      expect(seen.dns).toEqual({ 'example.com': [BOX], 'solidaire.local': [BOX] });
      expect(seen.captive).toEqual({ status: 302, location: 'http://solidaire.local/' });
      expect(seen.health).toEqual({ status: 200, location: null });
      console.log(`all shown ${since()} after the boot began`);
      await g.powerOff(5 * 60_000);
    } catch (e) {
      const journal = await g.sh('journalctl -b --no-pager -o short-monotonic -u hostapd@wlan0 -u dnsmasq -u avahi-daemon -u systemd-networkd -u solidaire-provision | tail -n 150', 30_000).catch(() => undefined);
      if (journal) console.error(`the guest's journal:\n${journal.out}`);
      const logs = await g.sh('tail -n 40 /run/sta-*.log 2>&1', 30_000).catch(() => undefined);
      if (logs) console.error(`the station's logs:\n${logs.out}`);
      throw e;
    } finally {
      g.kill();
      guest = undefined;
    }
  }, BOOT_MS + 20 * 60_000);
});
