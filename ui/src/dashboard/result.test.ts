import { describe, expect, it } from 'vitest';
import { readResult } from './result.js';

const done = (action: string, output: unknown) => ({ action, result: { ok: true, output } });

describe('a command result', () => {
  it('is nothing while the site has not answered', () => {
    expect(readResult({ action: 'sync-now', result: null })).toBeNull();
  });

  it('reads each known kind as the box gives it (relay-link/commands.ts)', () => {
    expect(readResult(done('sync-now', [{ peer: 'Youri', sent: 3, received: 12 }, { error: 'injoignable' }]))).toEqual({
      kind: 'sync',
      sessions: [{ peer: 'Youri', sent: 3, received: 12 }, { error: 'injoignable' }],
    });
    expect(readResult(done('collect-logs', ['2026-12-03T10:00:00.000Z démarrage', 'sync avec Youri']))).toEqual({
      kind: 'logs',
      lines: ['2026-12-03T10:00:00.000Z démarrage', 'sync avec Youri'],
    });
    expect(readResult(done('set-config', { link: '3g', metered: true, budgetBytes: 500_000_000, resetDay: 1 }))).toEqual({
      kind: 'config',
      entries: [['link', '3g'], ['metered', true], ['budgetBytes', 500_000_000], ['resetDay', 1]],
    });
    expect(readResult(done('restart', 'redémarrage dans un instant'))).toEqual({ kind: 'restart' });
  });

  it('says a failure in the box’s words', () => {
    expect(readResult({ action: 'set-config', result: { ok: false, error: 'réglage refusé : link Required' } })).toEqual({ kind: 'failed', error: 'réglage refusé : link Required' });
  });

  it('keeps raw JSON for an unknown command or an unexpected shape', () => {
    expect(readResult(done('reboot-modem', { a: 1 }))).toEqual({ kind: 'raw', json: '{\n  "a": 1\n}' });
    expect(readResult(done('collect-logs', [1, 2]))).toMatchObject({ kind: 'raw' });
    expect(readResult(done('sync-now', [{ peer: 'Youri' }]))).toMatchObject({ kind: 'raw' });
    expect(readResult(done('set-config', 'oui'))).toMatchObject({ kind: 'raw', json: '"oui"' });
  });
});
