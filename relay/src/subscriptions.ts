/**
 * The broker's persistent subscriptions, kept by the relay rather than by
 * aedes-persistence-level.
 *
 * That persistence checks each new subscription against every subscription its filter
 * matches as a topic (to replace the client's own), so subscribing to a filter that every
 * site shares (the release offer, a space's head) cost O(sites): 17 % of the time 10,000
 * sites took to connect for the first time, and quadratic beyond. Here a subscription is
 * replaced by its client and filter (MQTT 3.1.1, 3.8.4: a SUBSCRIBE to an identical
 * filter replaces it), with no search.
 *
 * Stored in the broker's LevelDB under `relay-subscription:{client id}:{filter}` (JSON of
 * the options); the subscriptions of QoS 1 and 2, which decide what a site's persistent
 * session queues while it is away, are also held in a topic tree in memory. The
 * persistence's own keys (persistence-format.ts) are moved here at start, before it loads
 * them, so it holds none: every method of its that reads them is replaced here.
 */
import { Readable } from 'node:stream';
import { createRequire } from 'node:module';
import type { Level } from 'level';
import { decodeRecord, MATCHING, SUBSCRIPTIONS_PREFIX } from './persistence-format.js';

const require = createRequire(import.meta.url);
type TopicTree = {
  add(topic: string, sub: Subscription): void;
  remove(topic: string, sub: { clientId: string; topic: string }): void;
  match(topic: string): Subscription[];
};
const QlobberSub = require('qlobber/aedes/qlobber-sub') as new (opts: object) => TopicTree;

const OURS = 'relay-subscription:';

interface Options {
  readonly qos: number;
  readonly rh?: number;
  readonly rap?: boolean;
  readonly nl?: boolean;
}
interface Subscription extends Options {
  readonly clientId: string;
  readonly topic: string;
}
interface Client {
  readonly id: string;
}

/** What aedes asks of a persistence about subscriptions (aedes 1.x, async persistence). */
interface SubscriptionMethods {
  setup(broker: unknown): Promise<void>;
  addSubscriptions(client: Client, subs: ReadonlyArray<Options & { topic: string }>): Promise<void>;
  removeSubscriptions(client: Client, topics: readonly string[]): Promise<void>;
  subscriptionsByClient(client: Client): Promise<Array<Options & { topic: string }>>;
  subscriptionsByTopic(topic: string): Promise<Subscription[]>;
  cleanSubscriptions(client: Client): Promise<void>;
  countOffline(): Promise<{ subsCount: number; clientsCount: number }>;
  getClientList(topic: string): Readable;
}

const clientPrefix = (clientId: string) => `${OURS}${encodeURIComponent(clientId)}:`;
/** The byte string just past every key starting with `prefix` (its last byte, ':', plus one). */
const past = (prefix: string) => `${prefix.slice(0, -1)};`;

const options = (s: Options): Options => ({
  qos: s.qos,
  ...(s.rh !== undefined ? { rh: s.rh } : {}),
  ...(s.rap !== undefined ? { rap: s.rap } : {}),
  ...(s.nl !== undefined ? { nl: s.nl } : {}),
});

/** Give a LevelDB persistence of aedes (over `db`) the subscriptions of this module. */
export function ownSubscriptions(persistence: unknown, db: Level<string, Buffer>): void {
  const p = persistence as SubscriptionMethods;
  const tree = new QlobberSub(MATCHING);
  const setup = p.setup.bind(p);

  async function* stored(prefix: string): AsyncGenerator<Subscription> {
    for await (const [key, value] of db.iterator({ gte: prefix, lt: past(prefix), valueEncoding: 'utf8' })) {
      const rest = key.slice(OURS.length);
      const cut = rest.indexOf(':');
      yield { clientId: decodeURIComponent(rest.slice(0, cut)), topic: rest.slice(cut + 1), ...(JSON.parse(value as unknown as string) as Options) };
    }
  }

  // The tree holds one entry per client and filter: adding replaces it.
  const remember = (s: Subscription) => (s.qos > 0 ? tree.add(s.topic, s) : tree.remove(s.topic, s));

  p.setup = async (broker) => {
    // A relay from before kept its subscriptions in the persistence's keys: moved here.
    const moved: Array<{ type: 'put' | 'del'; key: string; value?: string }> = [];
    for await (const [key, value] of db.iterator({ gte: SUBSCRIPTIONS_PREFIX, lt: past(SUBSCRIPTIONS_PREFIX), valueEncoding: 'buffer' })) {
      const s = decodeRecord<Subscription>(value);
      moved.push({ type: 'del', key }, { type: 'put', key: clientPrefix(s.clientId) + s.topic, value: JSON.stringify(options(s)) });
    }
    if (moved.length) await db.batch(moved as never, { valueEncoding: 'utf8' });
    await setup(broker);
    for await (const s of stored(OURS)) remember(s);
  };

  p.addSubscriptions = async (client, subs) => {
    const ops = subs.map((s) => ({ type: 'put' as const, key: clientPrefix(client.id) + s.topic, value: JSON.stringify(options(s)) }));
    await db.batch(ops, { valueEncoding: 'utf8' });
    for (const s of subs) remember({ clientId: client.id, topic: s.topic, ...options(s) });
  };

  p.removeSubscriptions = async (client, topics) => {
    await db.batch(topics.map((t) => ({ type: 'del' as const, key: clientPrefix(client.id) + t })));
    for (const topic of topics) tree.remove(topic, { clientId: client.id, topic });
  };

  p.subscriptionsByClient = async (client) => {
    const out: Array<Options & { topic: string }> = [];
    for await (const { clientId: _, ...s } of stored(clientPrefix(client.id))) out.push(s);
    return out;
  };

  p.cleanSubscriptions = async (client) => {
    const subs = await p.subscriptionsByClient(client);
    if (subs.length) await p.removeSubscriptions(client, subs.map((s) => s.topic));
  };

  p.subscriptionsByTopic = async (topic) => tree.match(topic);

  p.countOffline = async () => {
    const clients = new Set<string>();
    let subsCount = 0;
    for await (const s of stored(OURS)) {
      clients.add(s.clientId);
      if (s.qos > 0) subsCount++;
    }
    return { subsCount, clientsCount: clients.size };
  };

  p.getClientList = (topic) =>
    Readable.from(
      (async function* () {
        for await (const s of stored(OURS)) if (s.topic === topic) yield s.clientId;
      })(),
    );
}
