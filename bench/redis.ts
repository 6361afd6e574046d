/**
 * A real Redis for the queue's tests and benches: Debian's redis-server on a free loopback port,
 * nothing saved to disk, optionally with a password. `stop()` ends it.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { checkRedis, parseQueueUrl } from '../src/queue/address.js';

/** A free TCP port on the loopback interface. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface LocalRedis {
  url: string;
  port: number;
  stop(): void;
}

/** Starts redis-server and resolves once it answers (at most 10 s). */
export async function startRedis(password?: string): Promise<LocalRedis> {
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...(password === undefined ? [] : ['--requirepass', password])];
  const child = spawn('redis-server', args, { stdio: 'ignore' });
  const url = `redis://${password === undefined ? '' : `:${password}@`}127.0.0.1:${port}/0`;
  const stop = () => child.kill();
  for (let start = Date.now(); ; ) {
    try {
      await checkRedis(parseQueueUrl(url), 500);
      return { url, port, stop };
    } catch (err) {
      if (Date.now() - start > 10_000) {
        stop();
        throw new Error(`redis-server did not start on port ${port}: ${(err as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
