/**
 * `solidaire start` (what `npm start` runs): the whole system on this machine. The relay
 * (HTTP API on :8090, MQTT on :1883, its sync hub on :4001) holds the federation's key
 * (<data>/federation); the two demo boxes, Grigny (:8080) and Youri (:8081), are
 * enrolled with it on first start, report to it and sync through its hub as well as with
 * each other.
 */
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { startDemo, type Demo } from '@solidaire/appliance/demo';
import { enroll, RELAY_CONFIG } from '@solidaire/appliance/relay-link';
import { Relay } from './relay.js';

export interface FullDemoOptions {
  readonly dataDir: string;
  readonly log: (line: string) => void;
  /** 0: every port chosen by the system (tests). */
  readonly ports?: 'default' | 0;
  readonly host?: string;
  /** The releases' public key the relay checks a published release with (none: it takes none). */
  readonly releaseKeyFile?: string;
}

export interface FullDemo {
  readonly relay: Relay;
  readonly demo: Demo;
  stop(): Promise<void>;
}

export async function startFullDemo(opts: FullDemoOptions): Promise<FullDemo> {
  const any = opts.ports === 0;
  const relay = new Relay({
    dataDir: join(opts.dataDir, 'relay'),
    host: '127.0.0.1',
    httpPort: any ? 0 : 8090,
    mqttPort: any ? 0 : 1883,
    hubListen: [any ? '/ip4/127.0.0.1/tcp/0' : '/ip4/127.0.0.1/tcp/4001'],
    authorityDir: join(opts.dataDir, 'federation'),
    log: opts.log,
    ...(opts.releaseKeyFile ? { releaseKeyFile: opts.releaseKeyFile } : {}),
  });
  const addresses = await relay.start();
  let demo: Demo;
  try {
    demo = await startDemo({
      dataDir: opts.dataDir,
      log: opts.log,
      ...(relay.authority ? { authority: relay.authority } : {}),
      ...(any ? { port: 0 } : {}),
      ...(opts.host ? { host: opts.host } : {}),
      also: [
        `  Relais   ${addresses.http}   (MQTT : ${addresses.mqtt} ; jeton d'administration : ${relay.adminToken})`,
        `           le tableau de bord : ${addresses.http}/ (avec ce jeton)`,
        `           les sites : curl -H 'Authorization: Bearer ${relay.adminToken}' ${addresses.http}/api/v1/sites`,
      ],
      beforeStart: async (appliance, box) => {
        if (existsSync(join(box.dataDir, RELAY_CONFIG))) return;
        const { site, token } = relay.registry.create({ name: box.siteName, spaces: box.grant });
        const file = relay.enrollmentFileFor(site, token);
        const s = appliance.services;
        await enroll({ file, key: s.site.key, network: s.network, dataDir: box.dataDir, now: s.clock.now() });
      },
    });
  } catch (e) {
    await relay.stop();
    throw e;
  }
  return {
    relay,
    demo,
    stop: async () => {
      await demo.stop();
      await relay.stop();
    },
  };
}
