/** Kring's own programs (bin/start.js, bin/projector.js) as separate processes, the way they run in production. */
import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { eventually } from './eventually';

export const ROOT = join(__dirname, '../..');

export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

export interface KringProcess {
  child: ChildProcess;
  url: string;
  /** What it wrote to stdout and stderr so far. */
  output(): string;
  /** SIGTERM (a clean stop) unless it has exited already; resolves once it has. */
  stop(): Promise<void>;
}

/** Starts `script` on a free port with `env` over the test's environment; resolves once /health answers 200. */
export async function startKringProcess(script: string, env: Record<string, string>): Promise<KringProcess> {
  const port = await freePort();
  let output = '';
  const child = spawn(process.execPath, [script], {
    cwd: ROOT,
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  // A first start builds the program first.
  await eventually(
    `${script} answers /health`,
    async () => {
      if (child.exitCode !== null) throw new Error(`${script} exited with ${child.exitCode}: ${output}`);
      return (await fetch(`${url}/health`).catch(() => undefined))?.ok;
    },
    180_000,
  );
  return {
    child,
    url,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
