/** The box's health over the API, for its admin: the latest sample, the battery's state, the history kept. */
import { createRoute, z } from '@hono/zod-openapi';
import { newRouter, requireAccount, type ApiContext } from '../http/context.js';
import { errorResponses, json } from '../http/schemas.js';
import { ForbiddenError } from '../errors/index.js';
import { BATTERY_STATUSES } from './sample.js';

const n = z.number();
const SampleSchema = z
  .object({
    at: n,
    cpu: z.object({ load1: n, load5: n, load15: n, busyPct: n.nullable() }).nullable(),
    cpuTempC: n.nullable(),
    memory: z.object({ totalBytes: n, usedBytes: n, availableBytes: n }).nullable(),
    disk: z.object({ totalBytes: n, freeBytes: n }).nullable().openapi({ description: 'Le système de fichiers du dossier des données' }),
    uptimeSeconds: n.nullable(),
    network: z.object({ up: z.array(z.string()), bytesIn: n, bytesOut: n }).nullable(),
    throttling: z
      .object({
        mask: n,
        underVoltageNow: z.boolean(),
        underVoltageSinceBoot: z.boolean(),
        throttledNow: z.boolean(),
        throttledSinceBoot: z.boolean(),
        frequencyCappedNow: z.boolean(),
        frequencyCappedSinceBoot: z.boolean(),
        softTempLimitNow: z.boolean(),
        softTempLimitSinceBoot: z.boolean(),
      })
      .nullable()
      .openapi({ description: 'Raspberry Pi seulement (vcgencmd get_throttled)' }),
    battery: z
      .object({
        source: z.enum(['power_supply', 'command']),
        name: z.string().nullable(),
        type: z.string().nullable(),
        capacityPct: n.nullable(),
        status: z.enum(BATTERY_STATUSES),
        voltageV: n.nullable(),
        currentA: n.nullable(),
      })
      .nullable(),
  })
  .openapi('HealthSample', { description: 'Un relevé ; une partie que la carte n’a pas vaut null' });

const HealthSchema = z
  .object({
    enabled: z.boolean().openapi({ description: 'Le suivi de santé tourne sur cette boîte' }),
    latest: SampleSchema.nullable(),
    power: z
      .object({
        state: z.enum(['normal', 'frugal', 'critical', 'shutdown']),
        frugal: z.boolean(),
        frugalBelowPct: n,
        shutdownBelowPct: n,
        hysteresisPct: n,
        confirmReadings: n,
        shutdownRequests: z.array(z.object({ at: n, command: z.array(z.string()), batteryPct: n.nullable(), dryRun: z.boolean(), ok: z.boolean().nullable() })),
      })
      .nullable(),
    everyMs: n.nullable().openapi({ description: 'Intervalle actuel entre deux relevés' }),
    history: z.object({ raw: n, quarter: n, hour: n, bytes: n }).nullable(),
    upload: z
      .object({ since: n, samples: n, rollups: n })
      .nullable()
      .openapi({ description: 'Ce que le relais n’a pas encore reçu' }),
  })
  .openapi('Health');

function body(c: ApiContext): z.infer<typeof HealthSchema> {
  const agent = c.get('services').health;
  if (!agent) return { enabled: false, latest: null, power: null, everyMs: null, history: null, upload: null };
  const st = agent.status();
  const latest = st.latest && { ...st.latest, network: st.latest.network && { ...st.latest.network, up: [...st.latest.network.up] } };
  return {
    enabled: true,
    latest,
    power: {
      state: st.power.state,
      frugal: st.power.frugal,
      ...st.power.policy,
      shutdownRequests: st.power.shutdownRequests.map((r) => ({ at: r.at, command: [...r.command], batteryPct: r.batteryPct, dryRun: r.dryRun, ok: r.ok })),
    },
    everyMs: st.everyMs,
    history: st.history,
    upload: st.upload,
  };
}

export function healthRoutes() {
  const r = newRouter();
  r.openapi(
    createRoute({
      method: 'get',
      path: '/health',
      tags: ['health'],
      summary: 'Santé de la boîte : dernier relevé, batterie, historique',
      responses: { 200: json(HealthSchema), 401: errorResponses[401], 403: errorResponses[403] },
    }),
    (c) => {
      if (!requireAccount(c).boxAdmin) throw new ForbiddenError('Seul l’administrateur de la boîte peut voir son état de santé.');
      return c.json(body(c), 200);
    },
  );
  return r;
}
