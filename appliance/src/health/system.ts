/**
 * What every machine has — CPU, memory, disk, uptime, network — read with the
 * systeminformation package, mapped to the sample's shapes. Each part answers null when
 * the machine does not say (no temperature sensor in a VM, no /sys/class/net in a jail).
 */
import { loadavg } from 'node:os';
import { statfs } from 'node:fs/promises';
import type si from 'systeminformation';
import type { CpuLoad, Disk, Memory, NetworkState } from './sample.js';

export interface SystemSource {
  cpu(): Promise<CpuLoad | null>;
  cpuTemperature(): Promise<number | null>;
  memory(): Promise<Memory | null>;
  /** The filesystem holding `path`. */
  disk(path: string): Promise<Disk | null>;
  uptimeSeconds(): Promise<number | null>;
  network(): Promise<NetworkState | null>;
}

/** The part of systeminformation used here, so a test can hand in a Pi's answers. */
export type SystemInformation = Pick<typeof si, 'currentLoad' | 'cpuTemperature' | 'mem' | 'time' | 'networkInterfaces' | 'networkStats'>;

export interface SystemInformationDeps {
  readonly si?: SystemInformation;
  readonly loadavg?: () => number[];
  readonly statfs?: (path: string) => Promise<{ bsize: number; blocks: number; bavail: number }>;
}

const finite = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n);

/** systeminformation, loaded on first use: a box without the health agent never pays for it. */
let loaded: Promise<SystemInformation> | undefined;
const loadSi = () => (loaded ??= import('systeminformation').then((m) => m.default));

export function systemInformation(deps: SystemInformationDeps = {}): SystemSource {
  const si = async (): Promise<SystemInformation> => deps.si ?? loadSi();
  const avg = deps.loadavg ?? loadavg;
  const fsStat = deps.statfs ?? ((path: string) => statfs(path));
  return {
    async cpu() {
      // systeminformation has only the 1-minute average; the kernel's three come from os.
      const [load1, load5, load15] = avg();
      if (!finite(load1) || !finite(load5) || !finite(load15)) return null;
      // Busy share since the previous call: with one sample a minute, the last minute's.
      const busy = (await (await si()).currentLoad()).currentLoad;
      return { load1, load5, load15, busyPct: finite(busy) ? busy : null };
    },
    async cpuTemperature() {
      const t = (await (await si()).cpuTemperature()).main;
      return finite(t) ? t : null;
    },
    async memory() {
      const m = await (await si()).mem();
      if (!finite(m.total) || !finite(m.available) || m.total <= 0) return null;
      return { totalBytes: m.total, usedBytes: m.total - m.available, availableBytes: m.available };
    },
    async disk(path) {
      // Not si.fsSize: that runs df and lists every mount, and which mount holds the data
      // folder is exactly what statfs answers, with no child process.
      const s = await fsStat(path);
      if (!finite(s.blocks) || s.blocks <= 0) return null;
      return { totalBytes: s.blocks * s.bsize, freeBytes: s.bavail * s.bsize };
    },
    async uptimeSeconds() {
      const u = (await si()).time().uptime;
      return finite(u) ? Math.round(u) : null;
    },
    async network() {
      const info = await si();
      const ifaces = await info.networkInterfaces();
      const list = Array.isArray(ifaces) ? ifaces : [ifaces];
      // ppp0 (a 3G key) reports operstate "unknown" while up: an address says it is.
      const up = list.filter((i) => !i.internal && (i.operstate === 'up' || (i.operstate === 'unknown' && Boolean(i.ip4 || i.ip6))));
      const external = new Set(list.filter((i) => !i.internal).map((i) => i.iface));
      const stats = (await info.networkStats('*')).filter((s) => external.has(s.iface));
      const sum = (k: 'rx_bytes' | 'tx_bytes') => stats.reduce((n, s) => n + (finite(s[k]) ? s[k] : 0), 0);
      return { up: up.map((i) => i.iface).sort(), bytesIn: sum('rx_bytes'), bytesOut: sum('tx_bytes') };
    },
  };
}
