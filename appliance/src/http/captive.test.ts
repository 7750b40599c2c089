/**
 * The captive page (captive.ts): on the box's Wi-Fi every name leads to the box; what is
 * asked under a name that is not the box's is sent to the workspace (a page view) or
 * refused (anything else); the box's own names pass untouched.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { testBox, type TestBox } from '../testing/index.js';
import { SECURITY_HEADERS } from './security-headers.js';
import { captivePortal, hostName } from './captive.js';

const boxes: TestBox[] = [];
afterEach(async () => {
  await Promise.all(boxes.splice(0).map((b) => b.close()));
});

describe('captive page', () => {
  it('sends a phone’s Internet check, and any page of another name, to the workspace', async () => {
    const b = await testBox({ seed: 1 });
    boxes.push(b);
    const app = b.appliance.app;
    for (const [host, path] of [
      ['connectivitycheck.gstatic.com', '/generate_204'],
      ['captive.apple.com', '/hotspot-detect.html'],
      ['www.msftconnecttest.com', '/connecttest.txt'],
      ['wikipedia.org:80', '/wiki/Mali'],
    ]) {
      const res = await app.request(`http://${host}${path}`, { headers: { host: host! } });
      expect(res.status, host).toBe(302);
      expect(res.headers.get('location')).toBe('http://solidaire.local/');
      expect(res.headers.get('x-content-type-options')).toBe(SECURITY_HEADERS['x-content-type-options']);
      expect(await res.text()).toContain('http://solidaire.local/');
    }
    const head = await app.request('http://example.org/', { method: 'HEAD', headers: { host: 'example.org' } });
    expect(head.status).toBe(302);
  });

  it('refuses anything but a page view under another name (no DNS rebinding either)', async () => {
    const b = await testBox({ seed: 1 });
    boxes.push(b);
    const res = await b.appliance.app.request('http://evil.example/api/v1/session', {
      method: 'POST',
      headers: { host: 'evil.example', 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'x' }),
    });
    expect(res.status).toBe(421);
    expect(await res.json()).toEqual({ error: { code: 'misdirected_request', message: 'Cette boîte répond sous le nom solidaire.local.' } });
  });

  it('lets the box’s own names through', async () => {
    const b = await testBox({ seed: 1 });
    boxes.push(b);
    for (const host of ['10.42.0.1', '10.42.0.1:80', '[::1]:8080', 'localhost:8080', 'solidaire.local', 'NIORO.local:80']) {
      const res = await b.appliance.app.request(`http://${host}/healthz`, { headers: { host } });
      expect(res.status, host).toBe(200);
    }
  });

  it('knows names it is given, and sends to the first', () => {
    const portal = captivePortal(['solidaire.ecole-youri.ml', 'boite.lan']);
    expect(portal.check('boite.lan:8080', 'GET')).toBeUndefined();
    expect(portal.check('SOLIDAIRE.ecole-youri.ml', 'POST')).toBeUndefined();
    expect(portal.check(undefined, 'GET')).toBeUndefined();
    expect(portal.check('autre.ml', 'GET')!.headers.get('location')).toBe('http://solidaire.ecole-youri.ml/');
  });

  it('reads a Host header’s name', () => {
    expect(hostName('Solidaire.Local:80')).toBe('solidaire.local');
    expect(hostName('[fe80::1]:8080')).toBe('fe80::1');
    expect(hostName('10.42.0.1')).toBe('10.42.0.1');
  });
});
