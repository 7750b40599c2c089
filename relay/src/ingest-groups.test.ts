/**
 * When the relay commits the health batches it holds (ingest.ts): a lone batch waits for
 * company (GROUP_MS), a burst is committed within the turn it arrived in, a full group
 * at once, and what came during a burst's commit as soon as that commit is done (during a
 * small group's, it waits for company like any other). Each `take` resolves (the PUBACK
 * leaves) only after its group's commit.
 */
import { describe, expect, it } from 'vitest';
import { FakeClock } from '@solidaire/appliance/clock';
import { HealthIngest, type HealthWriter } from './ingest.js';

/** A writer that only counts what each commit held. */
function ingest(failing = false) {
  const commits: number[] = [];
  const writer: HealthWriter = {
    start: async () => {},
    stop: async () => {},
    write: async (batches) => {
      if (failing) throw new Error('disque plein');
      commits.push(batches.length);
      return batches.map(() => ({ facts: {} }));
    },
  };
  const it = new HealthIngest({ clock: new FakeClock(0), alerts: { update: () => {} }, writer });
  return { it, commits };
}

/** A writer that holds each commit until told: `held[i]()` lets the i-th one finish. */
function heldIngest() {
  const commits: number[] = [];
  const held: Array<() => void> = [];
  const writer: HealthWriter = {
    start: async () => {},
    stop: async () => {},
    write: (batches) =>
      new Promise((resolve) => {
        commits.push(batches.length);
        held.push(() => resolve(batches.map(() => ({ facts: {} }))));
      }),
  };
  return { it: new HealthIngest({ clock: new FakeClock(0), alerts: { update: () => {} }, writer }), commits, held };
}

const turn = () => new Promise((r) => setImmediate(r));
const ms = (n: number) => new Promise((r) => setTimeout(r, n));

describe('health ingest groups', () => {
  it('keeps a lone batch for company, then commits it', async () => {
    const { it: ingest_, commits } = ingest();
    let acked = false;
    void ingest_.take('a', Buffer.from('x')).then(() => (acked = true));
    await turn();
    await ms(10);
    expect(commits).toEqual([]);
    expect(acked).toBe(false);
    await ms(60);
    expect(commits).toEqual([1]);
    expect(acked).toBe(true);
  });

  it('commits a burst within its turn, with everything the turn brought', async () => {
    const { it: ingest_, commits } = ingest();
    const acks = Array.from({ length: 100 }, (_, i) => ingest_.take(`s${i}`, Buffer.from('x')));
    await Promise.all(acks);
    expect(commits).toEqual([100]);
  });

  it('commits a full group at once, and the rest after', async () => {
    const { it: ingest_, commits } = ingest();
    const acks = Array.from({ length: 600 }, (_, i) => ingest_.take(`s${i}`, Buffer.from('x')));
    expect(commits).toEqual([512]);
    await Promise.all(acks);
    expect(commits).toEqual([512, 88]);
  });

  it('commits what came during a burst\'s commit as soon as that commit is done, without waiting for company', async () => {
    const { it: ingest_, commits, held } = heldIngest();
    const first = Array.from({ length: 40 }, (_, i) => ingest_.take(`s${i}`, Buffer.from('x')));
    await turn();
    expect(commits).toEqual([40]);
    // Three more while the writer holds the first group: too few to be a burst.
    const late = Array.from({ length: 3 }, (_, i) => ingest_.take(`t${i}`, Buffer.from('x')));
    await turn();
    expect(commits).toEqual([40]);
    held[0]!();
    await Promise.all(first);
    await turn();
    expect(commits).toEqual([40, 3]);
    held[1]!();
    await Promise.all(late);
  });

  it('keeps what came during a small group\'s commit waiting for company: a fleet\'s trickle is not a burst', async () => {
    const { it: ingest_, commits, held } = heldIngest();
    const first = [ingest_.take('a', Buffer.from('x')), ingest_.take('b', Buffer.from('x'))];
    await ms(60);
    expect(commits).toEqual([2]);
    const late = ingest_.take('c', Buffer.from('x'));
    held[0]!();
    await Promise.all(first);
    await turn();
    await ms(10);
    expect(commits).toEqual([2]); // still waiting for company
    await ms(60);
    expect(commits).toEqual([2, 1]);
    held[1]!();
    await late;
  });

  it('fails every batch of a group whose commit fails', async () => {
    const { it: ingest_ } = ingest(true);
    const results = await Promise.allSettled([ingest_.take('a', Buffer.from('x')), ingest_.take('b', Buffer.from('y'))]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});
