import { describe, expect, it } from 'vitest';
import { fr } from './fr.js';
import { en } from './en.js';
import { diskUsedPct, fleetSummary, statusOf } from './status.js';
import { fileName, parseSpaces } from './enrollment.js';
import type { Site } from './types.js';

const site = (over: Partial<Site> = {}): Site => ({
  id: 's1', name: 'Youri', spaces: {}, siteKey: 'k', createdAt: 0, enrolledAt: 1, revokedAt: null, tokenExpires: null, online: true, lastSeen: 1, version: '0.1.0', update: null, ...over,
});
const placeholders = (text: string) => (text.match(/\{\w+\}/g) ?? []).sort();

describe('dashboard catalogue', () => {
  it('has the same keys and placeholders in both languages', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(fr).sort());
    for (const key of Object.keys(fr) as Array<keyof typeof fr>) expect(placeholders(en[key]), key).toEqual(placeholders(fr[key]));
  });

  it('writes French with its typography: no straight apostrophe, a space before « : »', () => {
    for (const [key, text] of Object.entries(fr)) {
      expect(text, key).not.toMatch(/'/);
      expect(text.replace(/\{"\w+": \d+\}/g, ''), key).not.toMatch(/\S[:;?!]( |$)/);
    }
  });
});

describe('site status', () => {
  it('shows an active alert first, then online or silent', () => {
    const alert = { id: 'a', site: 's1', rule: 'battery_low', message: 'Batterie à 12 %.', value: 12, raisedAt: 0, clearedAt: null };
    expect(statusOf(site(), [alert])).toBe('alert');
    expect(statusOf(site(), [{ ...alert, clearedAt: 5 }])).toBe('online');
    expect(statusOf(site(), [{ ...alert, site: 'other' }])).toBe('online');
    expect(statusOf(site({ online: false }), [])).toBe('silent');
  });

  it('says when a site is not enrolled yet or revoked', () => {
    expect(statusOf(site({ enrolledAt: null, online: false }), [])).toBe('pending');
    expect(statusOf(site({ revokedAt: 9 }), [])).toBe('revoked');
  });

  it('computes the disk used from free and total, or nothing', () => {
    expect(diskUsedPct({ diskTotalMiB: 1000, diskFreeMiB: 250 })).toBe(75);
    expect(diskUsedPct({ diskFreeMiB: 250 })).toBeUndefined();
    expect(diskUsedPct({ diskTotalMiB: 0, diskFreeMiB: 0 })).toBeUndefined();
  });
});

describe('enrollment form', () => {
  it('reads one space a line, hosted unless "carry"', () => {
    expect(parseSpaces('comite-gavinane\n  nioro carry \n\n')).toEqual({ 'comite-gavinane': 'host', nioro: 'carry' });
  });

  it('names the file after the site, without accents', () => {
    expect(fileName('Gavinané (école)')).toBe('inscription-gavinane-ecole.json');
    expect(fileName('***')).toBe('inscription-site.json');
  });
});

describe('fleet summary', () => {
  it('names each state with its sites, worst first, and says no time', () => {
    const alert = { id: 'a', site: 's3', rule: 'hot', message: 'Chaud.', value: 80, raisedAt: 0, clearedAt: null };
    const sites = [site({ id: 's1', name: 'Grigny' }), site({ id: 's2', name: 'Youri', online: false }), site({ id: 's3', name: 'Nioro' }), site({ id: 's4', name: 'Koupéla' })];
    expect(fleetSummary(sites, [alert])).toEqual([
      ['alert', ['Nioro']],
      ['silent', ['Youri']],
      ['online', ['Grigny', 'Koupéla']],
    ]);
    expect(fleetSummary([], [])).toEqual([]);
  });
});
