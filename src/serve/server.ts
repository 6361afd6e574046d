/**
 * `autoflood serve`: the flood level for a training loop in any language, over HTTP (node:http,
 * JSON in and out). A client creates a run, posts each epoch's metrics and gets b for the next
 * epoch from the controller autoflood uses in-process (runs.ts), so the same metrics give the same
 * levels as inside autoflood.
 *
 *   GET    /                    what the server offers (methods, agents, limits)
 *   POST   /runs                {classes, epochs, method, agent?, multiple?, factor?} -> 201 the run, with `level` for epoch 1
 *   GET    /runs                the runs, briefly
 *   GET    /runs/<id>           the run: settings, epochs done, `level` for the next epoch, every level given
 *   POST   /runs/<id>/epochs    {epoch, trainLoss, trainAcc, valLoss, valAcc, losses?, ...} -> `level` for the next epoch
 *   DELETE /runs/<id>           forgets a run
 *
 * Every request is checked before anything changes: on a loopback address, a Host other than
 * localhost, 127.0.0.1 or [::1] (403: DNS rebinding); a wrong or missing bearer token (401, compared
 * in constant time), an unknown path (404) or method (405), a body that is not JSON (415) or not
 * valid (400), or too big (413), a field out of range (400, naming it in `field`), an unknown run
 * (404), an epoch out of turn (409), too many runs (429). Errors are `{"error": "...", "field"?}`.
 * Changes are made one at a time; with a state file, each is on disk (state.ts) before it is
 * answered, and a new server on the same file continues every run. An epoch posted again after
 * its answer was lost (the same body) gets the same answer and changes nothing.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OptionError } from '../core/errors.js';
import { LiveRun, parseEpoch, parseRunSettings, RequestError, SERVE_METHODS, type NamedAgent, type RunDefaults } from './runs.js';
import { lockState, readState, writeState } from './state.js';

export interface ServeOptions extends RunDefaults {
  /** Address to bind (default 127.0.0.1: this machine only). */
  host?: string;
  /** Port (0: any free one). */
  port?: number;
  /** Bearer token every request must carry; absent: none. */
  token?: string;
  /** Largest request body in bytes (default 4 MiB). */
  maxBody?: number;
  /** Most runs kept at once (default 1000). */
  maxRuns?: number;
  /** State file: read at start, written after every change. */
  state?: string;
  /** The in-run agents clients may name; the first is the default of method agent. */
  agents: NamedAgent[];
  /** Where the server says what it does. */
  log?: (level: 'info' | 'warn' | 'verbose', message: string) => void;
}

export interface RunningServer {
  url: string;
  host: string;
  port: number;
  /** Runs continued from the state file at start. */
  restored: number;
  /** Stops listening, closes connections and releases the state file. */
  close(): Promise<void>;
}

export const DEFAULT_MAX_BODY = 4 * 1024 * 1024;
export const DEFAULT_MAX_RUNS = 1000;

/** A request body read whole, or a RequestError (413 over the limit, 415 not JSON, 400 not valid). */
function readBody(req: IncomingMessage, maxBody: number): Promise<unknown> {
  const type = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json') {
    req.resume();
    return Promise.reject(new RequestError(415, `body: send JSON with the header Content-Type: application/json${type === '' ? '' : `, not ${type}`}`, 'body'));
  }
  const declared = Number(req.headers['content-length']);
  const tooBig = (size: string) => new RequestError(413, `body: ${size} is over this server's limit of ${maxBody} bytes (--max-body); post fewer or shorter numbers`, 'body');
  if (Number.isFinite(declared) && declared > maxBody) {
    req.resume();
    return Promise.reject(tooBig(`${declared} bytes`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > maxBody) {
        over = true;
        chunks.length = 0;
        reject(tooBig(`more than ${maxBody} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', reject);
    req.on('end', () => {
      if (over) return;
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') return reject(new RequestError(400, 'body: empty; expected a JSON object', 'body'));
      try {
        resolve(JSON.parse(text));
      } catch (err) {
        reject(new RequestError(400, `body: not valid JSON (${(err as Error).message})`, 'body'));
      }
    });
  });
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store', ...headers });
  res.end(text);
}

/** Whether the request carries the token (SHA-256 of both compared in constant time). */
function authorised(req: IncomingMessage, token: string | undefined): boolean {
  if (token === undefined) return true;
  const header = String(req.headers.authorization ?? '');
  const given = /^Bearer\s+(.+)$/i.exec(header.trim())?.[1] ?? '';
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(token)) && given !== '';
}

/** A mutex: changes run one at a time, in order. */
function serial(): <T>(work: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(work: () => Promise<T>) => {
    const next = tail.then(work, work);
    tail = next.catch(() => undefined);
    return next;
  };
}

/** Host names a request to a server on a loopback address may carry. */
const LOCAL_NAMES = new Set(['localhost', '127.0.0.1', '::1']);
/** Whether a host name or address is this machine's loopback. */
export const isLoopback = (host: string): boolean => host === 'localhost' || host === '::1' || /^127\./.test(host);
/** The name of a Host header without its port ('[::1]:80' -> '::1'). */
function hostOf(header: string | undefined): string {
  const h = (header ?? '').trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']') < 0 ? undefined : h.indexOf(']'));
  return h.replace(/:\d*$/, '');
}

/** Starts the server; resolves once it listens (and the state file, if any, is read and locked). */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const loopback = isLoopback(host);
  const maxBody = options.maxBody ?? DEFAULT_MAX_BODY;
  const maxRuns = options.maxRuns ?? DEFAULT_MAX_RUNS;
  const log = options.log ?? (() => undefined);
  const defaults: RunDefaults = { ruleMultiple: options.ruleMultiple, boundFactor: options.boundFactor };
  const runs = new Map<string, LiveRun>();
  const exclusive = serial();

  let release: (() => Promise<void>) | undefined;
  if (options.state !== undefined) {
    try {
      release = await lockState(options.state);
    } catch (err) {
      throw err instanceof OptionError ? err : new OptionError('state', (err as Error).message);
    }
    try {
      for (const data of await readState(options.state)) runs.set(data.id, await LiveRun.replay(data));
      // Written now, so a state file that cannot be written fails the start, not the first run.
      await writeState(options.state, [...runs.values()].map((r) => r.data));
    } catch (err) {
      await release();
      const code = (err as NodeJS.ErrnoException).code;
      throw new OptionError('state', code === undefined ? (err as Error).message : `cannot write ${options.state} (${code})`);
    }
  }
  const restored = runs.size;

  /** Applies a change to the runs and saves them; on failure the runs are as before. */
  const change = async <T>(work: () => Promise<{ result: T; undo: () => Promise<void> }>): Promise<T> => exclusive(async () => {
    const { result, undo } = await work();
    if (options.state !== undefined) {
      try {
        await writeState(options.state, [...runs.values()].map((r) => r.data));
      } catch (err) {
        await undo();
        throw new Error(`state file ${options.state}: cannot write (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); nothing changed`);
      }
    }
    return result;
  });

  const runOf = (id: string): LiveRun => {
    const run = runs.get(id);
    if (run === undefined) throw new RequestError(404, `run "${id}": no such run on this server (GET /runs lists them)`, 'id');
    return run;
  };

  async function createRun(body: unknown): Promise<Record<string, unknown>> {
    const settings = parseRunSettings(body, options.agents, defaults);
    return change(async () => {
      if (runs.size >= maxRuns) throw new RequestError(429, `this server keeps at most ${maxRuns} runs (--max-runs); DELETE /runs/<id> finished ones`);
      let id = randomBytes(8).toString('hex');
      while (runs.has(id)) id = randomBytes(8).toString('hex');
      const run = await LiveRun.create(id, settings);
      runs.set(id, run);
      return { result: run.view(), undo: async () => void runs.delete(id) };
    });
  }

  async function postEpoch(id: string, body: unknown): Promise<Record<string, unknown>> {
    const settings = runOf(id).data.settings;
    const posted = parseEpoch(body, settings.classes);
    return change(async () => {
      const run = runOf(id);
      const answer = () => ({ id, epoch: run.data.epochs.length, level: run.level ?? null, nextEpoch: run.done ? null : run.data.epochs.length + 1, done: run.done });
      // The same epoch again (its answer was lost): the same answer, nothing changes.
      const last = run.data.epochs[run.data.epochs.length - 1];
      if (last !== undefined && posted.epoch === last.epoch && JSON.stringify(posted) === JSON.stringify(last)) {
        return { result: answer(), undo: async () => undefined };
      }
      run.check(posted);
      const before = run.data;
      const undo = async () => void runs.set(id, await LiveRun.replay(before));
      try {
        await run.record(posted);
      } catch (err) {
        await undo();
        throw err instanceof RequestError ? err : new RequestError(422, `the ${settings.method} controller cannot set the next level from these metrics: ${(err as Error).message}`);
      }
      return { result: answer(), undo };
    });
  }

  async function deleteRun(id: string): Promise<Record<string, unknown>> {
    return change(async () => {
      const run = runOf(id);
      runs.delete(id);
      return { result: { id, deleted: true }, undo: async () => void runs.set(id, run) };
    });
  }

  const about = () => ({
    service: 'autoflood serve',
    methods: SERVE_METHODS,
    agents: options.agents.map((a) => ({ name: a.name, design: a.agent.design })),
    defaults: { multiple: defaults.ruleMultiple, factor: defaults.boundFactor },
    limits: { maxBody, maxRuns },
    runs: runs.size,
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    let parts: string[];
    try {
      parts = url.pathname.replace(/\/+$/, '').split('/').filter((p) => p !== '').map(decodeURIComponent);
    } catch {
      req.resume();
      throw new RequestError(404, `${url.pathname}: no such endpoint (a malformed %-escape)`);
    }
    const method = req.method ?? 'GET';
    const allow = (methods: string[]) => {
      if (!methods.includes(method)) {
        req.resume();
        throw Object.assign(new RequestError(405, `${method} ${url.pathname}: not allowed (allowed: ${methods.join(', ')})`), { allow: methods.join(', ') });
      }
    };
    if (parts.length === 0) {
      allow(['GET']);
      return send(res, 200, about());
    }
    if (parts[0] === 'runs' && parts.length === 1) {
      allow(['GET', 'POST']);
      if (method === 'GET') return send(res, 200, { runs: [...runs.values()].map((r) => ({ id: r.data.id, method: r.data.settings.method, epochs: r.data.settings.epochs, epochsDone: r.data.epochs.length, done: r.done })) });
      const view = await createRun(await readBody(req, maxBody));
      return send(res, 201, view, { Location: `/runs/${String(view.id)}` });
    }
    if (parts[0] === 'runs' && parts.length === 2) {
      allow(['GET', 'DELETE']);
      if (method === 'GET') return send(res, 200, runOf(parts[1]).view());
      return send(res, 200, await deleteRun(parts[1]));
    }
    if (parts[0] === 'runs' && parts.length === 3 && parts[2] === 'epochs') {
      allow(['POST']);
      runOf(parts[1]);
      return send(res, 200, await postEpoch(parts[1], await readBody(req, maxBody)));
    }
    req.resume();
    throw new RequestError(404, `${url.pathname}: no such endpoint (GET /, GET|POST /runs, GET|DELETE /runs/<id>, POST /runs/<id>/epochs)`);
  }

  const server: Server = createServer((req, res) => {
    const started = performance.now();
    const done = (status: number) => log('verbose', `${req.method} ${req.url} ${status} ${(performance.now() - started).toFixed(1)} ms`);
    // On a loopback address, only requests addressed to this machine by name: a web page whose
    // domain was rebound to 127.0.0.1 sends its own host name (DNS rebinding).
    const asked = hostOf(req.headers.host);
    if (loopback && !LOCAL_NAMES.has(asked) && asked !== host) {
      req.resume();
      send(res, 403, { error: `host: this server on ${host} answers requests to localhost, 127.0.0.1 or [::1] only, not ${JSON.stringify(req.headers.host ?? '')}`, field: 'host' });
      return done(403);
    }
    if (!authorised(req, options.token)) {
      req.resume();
      send(res, 401, { error: 'authorization: a missing or wrong bearer token (send Authorization: Bearer <token>)', field: 'authorization' }, { 'WWW-Authenticate': 'Bearer' });
      return done(401);
    }
    route(req, res).then(() => done(res.statusCode), (err: unknown) => {
      if (err instanceof RequestError) {
        const allow = (err as RequestError & { allow?: string }).allow;
        // After a refused body the connection is closed: the client may still be sending it.
        const headers: Record<string, string> = {};
        if (err.status === 413) headers.Connection = 'close';
        if (allow !== undefined) headers.Allow = allow;
        send(res, err.status, { error: err.message, ...(err.field === undefined ? {} : { field: err.field }) }, headers);
      } else {
        log('warn', `${req.method} ${req.url}: ${(err as Error).message}`);
        send(res, 500, { error: (err as Error).message });
      }
      done(res.statusCode);
    });
  });
  server.requestTimeout = 60_000;
  server.headersTimeout = 20_000;

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await release?.();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES') throw new OptionError('port', `cannot listen on port ${options.port} of ${host}: ${code === 'EACCES' ? 'not allowed' : 'in use'} (choose another, or 0 for any free one)`);
    throw new OptionError('host', `cannot listen on ${host}:${options.port} (${code ?? (err as Error).message})`);
  }
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}`,
    host: address.address,
    port: address.port,
    restored,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      // Changes in progress finish (and are saved) before the state file is let go.
      await exclusive(async () => undefined);
      await release?.();
    },
  };
}

