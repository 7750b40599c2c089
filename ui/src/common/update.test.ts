import { describe, expect, it } from 'vitest';
import { deliverySentence, lastUpdateSentence, pendingDelivery, readUpdateReport, updateTrouble, type UpdateWords } from './update.js';

/** The keys and their words, so a test reads which sentence was chosen. */
const words = (french = true): UpdateWords => ({
  say: (key, params) => (params ? `${key} ${JSON.stringify(params)}` : key),
  dateTime: (at) => `t${at}`,
  french,
});

const delivery = { version: '0.3.0', sha256: 'ab'.repeat(32), from: 'relay', state: 'fetching', at: 20 } as const;

describe('a box’s updates in words', () => {
  it('says what the last installation did, with the box’s reason to a French reader only', () => {
    expect(lastUpdateSentence(words(), null)).toBe('update.none');
    expect(lastUpdateSentence(words(), { result: 'applied', version: '0.2.0', previous: 'factory', at: 5 })).toBe(
      'update.applied {"version":"0.2.0","previous":"update.factory","when":"t5"}',
    );
    const refused = { result: 'refused', version: 'x.release', previous: '0.1.0', at: 6, reason: 'signature fausse' } as const;
    expect(lastUpdateSentence(words(), refused)).toBe('update.refused {"version":"x.release","previous":"0.1.0","when":"t6"} update.reason {"reason":"signature fausse"}');
    expect(lastUpdateSentence(words(false), refused)).toBe('update.refused {"version":"x.release","previous":"0.1.0","when":"t6"}');
    expect(lastUpdateSentence(words(), { ...refused, result: 'rolled-back' })).toMatch(/^update\.rolledBack .* update\.reason/);
  });

  it('says where a release stands, where it comes from, and why it was refused', () => {
    expect(deliverySentence(words(), delivery)).toBe('delivery.fetching {"version":"0.3.0","from":"delivery.relay","when":"t20"}');
    expect(deliverySentence(words(), { ...delivery, from: 'usb', state: 'queued' })).toBe('delivery.queued {"version":"0.3.0","from":"delivery.usb","when":"t20"}');
    expect(deliverySentence(words(), { ...delivery, state: 'refused', reason: 'pas de clé' })).toMatch(/^delivery\.refused .* update\.reason \{"reason":"pas de clé"\}$/);
  });

  it('does not say a release waits once it was installed, or its installation failed', () => {
    const queued = { ...delivery, state: 'queued' } as const;
    expect(pendingDelivery({ version: '0.1.0', delivery: queued, last: null })).toEqual(queued);
    expect(pendingDelivery({ version: '0.3.0', delivery: queued, last: null })).toBeNull();
    expect(pendingDelivery({ version: '0.1.0', delivery: queued, last: { result: 'rolled-back', version: '0.3.0', previous: '0.1.0', at: 30 } })).toBeNull();
    expect(pendingDelivery({ version: '0.1.0', delivery: { ...delivery, state: 'refused' }, last: { result: 'applied', version: '0.1.0', previous: 'factory', at: 30 } })).not.toBeNull();
  });

  it('names what went wrong last for the fleet’s list', () => {
    expect(updateTrouble({ version: '0.1.0', delivery, last: null })).toBeNull();
    expect(updateTrouble({ version: '0.1.0', delivery: { ...delivery, state: 'refused' }, last: null })).toBe('refused');
    expect(updateTrouble({ version: '0.1.0', delivery: null, last: { result: 'rolled-back', version: '0.3.0', previous: '0.1.0', at: 1 } })).toBe('rolled-back');
    expect(updateTrouble({ version: '0.3.0', delivery: null, last: { result: 'applied', version: '0.3.0', previous: '0.1.0', at: 1 } })).toBeNull();
  });

  it('reads a site’s report as the relay keeps it, leaving out what has not the expected shape', () => {
    expect(readUpdateReport(null)).toBeNull();
    expect(readUpdateReport({ delivery })).toBeNull();
    expect(readUpdateReport({ version: '0.1.0', delivery, last: { result: 'exploded' } })).toEqual({ version: '0.1.0', delivery, last: null });
    expect(readUpdateReport({ version: '0.1.0', delivery: { ...delivery, state: 'lost' }, last: null })).toEqual({ version: '0.1.0', delivery: null, last: null });
  });
});
