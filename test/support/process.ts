/**
 * A box in its own process, for the tests that must kill one (power cut, faults): spawned
 * with node, ready once it prints a given line, stopped by signal on its own pid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface Running {
  readonly child: ChildProcess;
  /** The line that said the process was ready. */
  readonly ready: string;
  /** Settles once the process has exited. */
  readonly exited: Promise<void>;
  /** What the process wrote on stderr so far. */
  stderr(): string;
  /** Send `signal` and wait for the exit; nothing if the process is gone already. */
  stop(signal: NodeJS.Signals): Promise<void>;
}

/**
 * Run `node ...args` and resolve once a line of its stdout passes `isReady`. A process that
 * exits first, or is not ready within `timeoutMs`, rejects with its stderr (and is killed).
 */
export async function spawnReady(args: readonly string[], isReady: (line: string) => boolean, timeoutMs = 15_000): Promise<Running> {
  const child = spawn(process.execPath, [...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  const stop = async (signal: NodeJS.Signals) => {
    if (!gone()) child.kill(signal);
    await exited;
  };
  const lines = createInterface({ input: child.stdout! });
  const ready = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the process was not ready in ${timeoutMs / 1000} s: ${stderr}`));
    }, timeoutMs);
    lines.on('line', (l) => {
      if (!isReady(l)) return;
      clearTimeout(timer);
      resolve(l);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the process exited (${code ?? signal}) before it was ready: ${stderr}`));
    });
  });
  return { child, ready, exited, stderr: () => stderr, stop };
}
