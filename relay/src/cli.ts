/**
 * `solidaire relay --data DIR`: run a real relay (HTTP API and MQTT over WebSocket on
 * :8090, MQTT on :1883, the sync hub and circuit relay on :4001), until SIGINT or SIGTERM.
 */
import { Command, InvalidArgumentError } from 'commander';
import { resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { stopOnSignal } from '@solidaire/appliance/cli';
import { Relay } from './relay.js';
import { startFullDemo } from './demo.js';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('un numéro de port entre 0 et 65535');
  return n;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/**
 * How far V8 lets the heap grow past what its last full collection kept, in percent. V8
 * picks a factor between 1.1 and 4 from its collector's speed; when 10,000 sites connected
 * (the relay bench) it let the old space reach 263 MB over 145 MB alive, and kept it: the
 * relay held the fleet in 330–420 MB. At 30 %: 280–290 MB, the CPU while the fleet is held
 * and the publishes a second under saturation within the bench's noise (20 %: 279 MB; 50 %:
 * 312 MB). Set here, for the relay's process only: NODE_OPTIONS refuses this flag
 * (relay/node.env holds the others), and V8 reads it at each collection.
 */
const HEAP_GROWING_PERCENT = 30;

export function relayCommand(): Command {
  return new Command('relay')
    .description('fait tourner le relais : inscription des sites, courtier MQTT, relais de synchronisation')
    .requiredOption('--data <dir>', 'dossier des données du relais')
    .option('--host <addr>', "adresse d'écoute", '0.0.0.0')
    .option('--http-port <n>', 'port HTTP (API, et MQTT sur WebSocket à /mqtt)', port, 8090)
    .option('--mqtt-port <n>', 'port MQTT', port, 1883)
    .option('--p2p <multiaddr>', 'adresse libp2p du relais de synchronisation (répétable)', collect, [])
    .option('--public-http <url>', "adresse HTTP du relais vue des boîtes (dans les fichiers d'inscription)")
    .option('--public-mqtt <url>', 'adresse MQTT du relais vue des boîtes')
    .option('--webhook <url>', 'adresse où envoyer les alertes (POST JSON)')
    .option('--redis <host:port>', 'Redis partagé avec d’autres instances du relais (au lieu de LevelDB)')
    .option('--tls-key <file>', 'clé privée PEM, pour MQTT sur TLS')
    .option('--tls-cert <file>', 'certificat PEM, pour MQTT sur TLS')
    .option('--tls-port <n>', 'port MQTT sur TLS', port, 8883)
    .option('--authority <dir>', 'dossier de la clé de la fédération, pour accorder les espaces à l’inscription')
    .option('--release-key <file>', 'clé publique des versions (PEM) : le relais ne propose aux boîtes que les versions qu’elle vérifie')
    .action(async (o: { data: string; host: string; httpPort: number; mqttPort: number; p2p: string[]; publicHttp?: string; publicMqtt?: string; authority?: string; releaseKey?: string; tlsKey?: string; tlsCert?: string; tlsPort: number; redis?: string; webhook?: string }) => {
      setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
      if (!!o.tlsKey !== !!o.tlsCert) throw new InvalidArgumentError('--tls-key et --tls-cert vont ensemble');
      const redis = o.redis ? /^([^:]+):(\d+)$/.exec(o.redis) : null;
      if (o.redis && !redis) throw new InvalidArgumentError('--redis attend hôte:port, par exemple 127.0.0.1:6379');
      const relay = new Relay({
        ...(o.webhook ? { webhook: o.webhook } : {}),
        ...(redis ? { redis: { host: redis[1]!, port: Number(redis[2]) } } : {}),
        ...(o.tlsKey && o.tlsCert ? { tls: { keyFile: resolve(o.tlsKey), certFile: resolve(o.tlsCert), port: o.tlsPort } } : {}),
        dataDir: resolve(o.data),
        host: o.host,
        httpPort: o.httpPort,
        mqttPort: o.mqttPort,
        ...(o.p2p.length ? { hubListen: o.p2p } : {}),
        ...(o.publicHttp ? { publicHttp: o.publicHttp } : {}),
        ...(o.publicMqtt ? { publicMqtt: o.publicMqtt } : {}),
        ...(o.authority ? { authorityDir: resolve(o.authority) } : {}),
        ...(o.releaseKey ? { releaseKeyFile: resolve(o.releaseKey) } : {}),
        log: (line) => console.log(line),
        onError: (e) => console.error(e),
      });
      const a = await relay.start();
      console.log(`Relais Solidaire — API ${a.http}, MQTT ${a.mqtt}`);
      for (const h of a.hub) console.log(`  synchronisation : ${h}`);
      console.log(`  jeton d'administration : ${relay.adminToken}`);
      stopOnSignal(() => relay.stop());
    });
}

export function startCommand(): Command {
  return new Command('start')
    .description('démarre la démonstration : le relais et deux boîtes, avec les réglages intégrés (données sous ./data)')
    .option('--data <dir>', 'dossier des données', 'data')
    .action(async (o: { data: string }) => {
      const demo = await startFullDemo({ dataDir: resolve(o.data), log: (line) => console.log(line) });
      stopOnSignal(() => demo.stop());
    });
}

/** Run `solidaire relay …` or `solidaire start …` (argv as process.argv). */
export async function main(argv: string[]): Promise<void> {
  try {
    const program = new Command('solidaire').addCommand(relayCommand()).addCommand(startCommand());
    await program.parseAsync(argv);
  } catch (err) {
    console.error(`solidaire : ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  }
}
