/**
 * `autoflood serve` as a real process on a free port: whole runs driven over HTTP get the levels
 * of the in-process controllers for the same metrics (every method, per-example losses or their
 * statistics); refused requests (no or a wrong token, a body that is not JSON, too big or of
 * another type, an unknown run, path or method, an epoch out of turn, a field out of range) get a
 * clear 4xx and change nothing, in memory or in the state file; a server killed with SIGKILL
 * loses nothing and a new one continues its runs; and examples/pytorch_flood.py, the Python
 * client, gets the in-process levels from the real server.
 */
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { AgentController, loadAgent } from '../../src/control/agent.js';
import { HeuristicController } from '../../src/control/heuristic.js';
import { BoundController, RuleController } from '../../src/control/rule-controller.js';
import { packageFile } from '../../src/core/files.js';
import type { EpochMetrics, FloodController } from '../../src/train/controller.js';
import { lossStats } from '../../src/train/noise.js';
import { writeInrunAgent } from '../fixtures/inrun-agent.js';
import { CLI, tmpDir } from '../helpers.js';

const RUN: EpochMetrics[] = readFileSync('test/fixtures/logs/autoflood/metrics.jsonl', 'utf8').trim().split('\n').map((l) => JSON.parse(l) as EpochMetrics);
const STEPS_AGENT = packageFile('agents/steps-agent.json');
const SHIPPED_INRUN = packageFile('agents/inrun-agent.json');
const TOKEN = 'test-token-7f3a';
const CLASSES = 2;

/** The run as if it memorised its labels from epoch 8 (100% training accuracy): the heuristic acts from there. */
const MEMORISED = RUN.map((m) => ({ ...m, trainAcc: m.epoch >= 8 ? 1 : m.trainAcc }));
const core = (m: EpochMetrics) => ({ epoch: m.epoch, trainLoss: m.trainLoss, trainAcc: m.trainAcc, valLoss: m.valLoss, valAcc: m.valAcc });
const withStats = (m: EpochMetrics) => ({ ...core(m), lossQuantiles: m.lossQuantiles, highLossShare: m.highLossShare, noisyShare: m.noisyShare });

interface Server {
  url: string;
  child: ChildProcess;
  stderr: () => string;
}

const children: ChildProcess[] = [];
after(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** Starts `autoflood serve --port 0 <args>` from the sources; resolves with the address it prints. */
async function serve(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Server> {
  const child = spawn(process.execPath, [...CLI, 'serve', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += String(d)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start in 30 s: ${err}`)), 30_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += String(d);
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m !== null) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}: ${err}`));
    });
  });
  return { url, child, stderr: () => err };
}

/** Stops a server with `signal` and waits for it to exit. */
async function stop(server: Server, signal: NodeJS.Signals): Promise<void> {
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill(signal);
  await exited;
}

interface Reply {
  status: number;
  body: Record<string, any>;
  headers: Headers;
}

/** One request; JSON bodies by default. */
async function call(url: string, method: string, route: string, body?: unknown, o: { token?: string | null; type?: string; raw?: string } = {}): Promise<Reply> {
  const headers: Record<string, string> = {};
  const token = o.token === undefined ? TOKEN : o.token;
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  const text = o.raw ?? (body === undefined ? undefined : JSON.stringify(body));
  if (text !== undefined) headers['Content-Type'] = o.type ?? 'application/json';
  const res = await fetch(url + route, { method, headers, body: text });
  return { status: res.status, body: (await res.json()) as Record<string, any>, headers: res.headers };
}

/** A request through node:http (fetch sets its own Host); `chunks` sent without a length (Transfer-Encoding: chunked). */
function raw(url: string, route: string, headers: Record<string, string>, chunks: string[]): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url + route, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}`, ...headers } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += String(d)));
      res.on('end', () => resolve({ status: res.statusCode as number, body: JSON.parse(text) as Record<string, any>, headers: new Headers(res.headers as Record<string, string>) }));
    });
    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

/** `size` bytes of a JSON list, in chunks of 16 KiB. */
const hugeChunks = (size: number) => ['{"losses": [0', ...Array.from({ length: Math.ceil(size / 16_384) }, () => ',0.123456'.repeat(1820)), ']}'];

/** The levels a controller gives before each epoch of `history`, asked as train() asks. */
async function inProcess(controller: FloodController, history: readonly EpochMetrics[]): Promise<number[]> {
  const out: number[] = [];
  for (let e = 1; e <= history.length; e++) out.push(await controller.floodLevel(history.slice(0, e - 1), { epoch: e, epochs: history.length, classes: CLASSES }));
  return out;
}

/** Creates a run and posts every epoch; the level of each epoch as the answers gave them. */
async function drive(url: string, run: Record<string, unknown>, epochs: Record<string, unknown>[]): Promise<{ id: string; levels: number[] }> {
  const created = await call(url, 'POST', '/runs', { classes: CLASSES, epochs: epochs.length, ...run });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.equal(created.headers.get('location'), `/runs/${created.body.id}`);
  const levels = [created.body.level as number];
  for (const [i, epoch] of epochs.entries()) {
    const r = await call(url, 'POST', `/runs/${created.body.id}/epochs`, epoch);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.epoch, i + 1);
    if (i + 1 < epochs.length) levels.push(r.body.level);
    else assert.deepEqual([r.body.level, r.body.done, r.body.nextEpoch], [null, true, null], 'no level after the last epoch');
  }
  const state = await call(url, 'GET', `/runs/${created.body.id}`);
  assert.deepEqual(state.body.levels, levels, 'GET /runs/<id> has every level given');
  return { id: created.body.id, levels };
}

/** Made-up per-example losses of an epoch: a low group and a high one (a share of noisy labels). */
function epochLosses(epoch: number, n = 300): number[] {
  let s = epoch * 7919;
  const u = () => ((s = (s * 16807) % 2147483647) / 2147483647);
  return Array.from({ length: n }, (_, i) => +(i % 5 === 0 ? 1.5 + u() : (0.6 / epoch) * (0.2 + u())).toFixed(6));
}

describe('autoflood serve', () => {
  let server: Server;
  let stateFile: string;
  let INRUN_AGENT: string;

  before(async () => {
    const dir = await tmpDir('serve');
    stateFile = path.join(dir, 'state.json');
    INRUN_AGENT = writeInrunAgent(dir);
    server = await serve(['--state', stateFile, '--agent', `${SHIPPED_INRUN},${INRUN_AGENT},${STEPS_AGENT}`, '--max-body', '65536'], { AUTOFLOOD_TOKEN: TOKEN });
  });

  it('a whole run over HTTP gets the levels of the in-process controller, for every method', async () => {
    const inrun = await loadAgent(SHIPPED_INRUN);
    const testInrun = await loadAgent(INRUN_AGENT);
    const steps = await loadAgent(STEPS_AGENT);
    const cases: [string, Record<string, unknown>, Record<string, unknown>[], FloodController][] = [
      ['rule', { method: 'rule' }, RUN.map(core), new RuleController(0.8)],
      ['rule, c = 0.5', { method: 'rule', multiple: 0.5 }, RUN.map(core), new RuleController(0.5)],
      ['heuristic', { method: 'heuristic' }, MEMORISED.map(core), new HeuristicController()],
      ['bound, statistics posted', { method: 'bound' }, RUN.map(withStats), new BoundController(1)],
      ['steps agent', { method: 'agent', agent: 'steps-agent' }, RUN.map(core), new AgentController(steps)],
      ['the shipped inrun agent (the default)', { method: 'agent' }, RUN.map(withStats), new AgentController(inrun)],
      ['another inrun agent', { method: 'agent', agent: 'test-inrun-agent' }, RUN.map(withStats), new AgentController(testInrun)],
    ];
    for (const [what, run, epochs, controller] of cases) {
      const expected = await inProcess(controller, what === 'heuristic' ? MEMORISED : RUN);
      const { levels } = await drive(server.url, run, epochs);
      assert.deepEqual(levels, expected, what);
      assert.ok(levels.some((b) => b > 0), `${what}: floods at some point`);
    }
    // Per-example losses posted: the server computes their statistics as the training loop does.
    const posted = RUN.map((m) => ({ ...core(m), losses: epochLosses(m.epoch) }));
    const history = RUN.map((m) => ({ ...m, ...lossStats(epochLosses(m.epoch), CLASSES) }));
    for (const [method, controller] of [['bound', new BoundController(1)], ['agent', new AgentController(inrun)]] as const) {
      const { levels } = await drive(server.url, { method }, posted);
      assert.deepEqual(levels, await inProcess(controller, history), `${method}, losses posted`);
    }
  });

  it('refused requests get a clear 4xx and change nothing, in memory or in the state file; an epoch posted again gets the same answer', async () => {
    const created = await call(server.url, 'POST', '/runs', { classes: CLASSES, epochs: 20, method: 'bound' });
    const id = created.body.id as string;
    for (const m of RUN.slice(0, 3)) assert.equal((await call(server.url, 'POST', `/runs/${id}/epochs`, withStats(m))).status, 200);
    const before = await call(server.url, 'GET', `/runs/${id}`);
    const file = readFileSync(stateFile, 'utf8');
    const runs = (await call(server.url, 'GET', '/runs')).body.runs.length;

    const next = withStats(RUN[3]);
    const epochs = `/runs/${id}/epochs`;
    const cases: [string, () => Promise<Reply>, number, RegExp, string?][] = [
      ['no token', () => call(server.url, 'POST', epochs, next, { token: null }), 401, /missing or wrong bearer token/, 'authorization'],
      ['a wrong token', () => call(server.url, 'POST', epochs, next, { token: `${TOKEN}x` }), 401, /missing or wrong bearer token/, 'authorization'],
      ['a wrong token on a read', () => call(server.url, 'GET', `/runs/${id}`, undefined, { token: 'nope' }), 401, /bearer token/, 'authorization'],
      ['a body that is not JSON', () => call(server.url, 'POST', epochs, undefined, { raw: '{"epoch": 4, "trainLoss": ' }), 400, /body: not valid JSON/, 'body'],
      ['an empty body', () => call(server.url, 'POST', epochs, undefined, { raw: '' }), 400, /body: empty/, 'body'],
      ['a body of another type', () => call(server.url, 'POST', epochs, undefined, { raw: 'epoch=4', type: 'application/x-www-form-urlencoded' }), 415, /Content-Type: application\/json, not application\/x-www-form-urlencoded/, 'body'],
      ['a huge body', () => call(server.url, 'POST', epochs, { ...next, losses: Array(40_000).fill(0.123456) }), 413, /over this server's limit of 65536 bytes \(--max-body\)/, 'body'],
      ['a request to another host name (DNS rebinding)', () => raw(server.url, epochs, { Host: `evil.example:${new URL(server.url).port}` }, [JSON.stringify(next)]), 403, /host: this server on 127\.0\.0\.1 answers requests to localhost, 127\.0\.0\.1 or \[::1\] only, not "evil\.example:\d+"/, 'host'],
      ['a huge body in chunks', () => raw(server.url, epochs, {}, hugeChunks(200_000)), 413, /body: more than 65536 bytes is over this server's limit/, 'body'],
      ['an unknown run', () => call(server.url, 'POST', '/runs/0123456789abcdef/epochs', next), 404, /run "0123456789abcdef": no such run/, 'id'],
      ['an unknown path', () => call(server.url, 'GET', '/level'), 404, /\/level: no such endpoint/],
      ['a method a path does not take', () => call(server.url, 'PUT', `/runs/${id}`, next), 405, /PUT \/runs\/[0-9a-f]+: not allowed \(allowed: GET, DELETE\)/],
      ['an epoch out of turn', () => call(server.url, 'POST', epochs, withStats(RUN[5])), 409, /the run expects epoch 4, got 6/, 'epoch'],
      ['an accuracy in percent', () => call(server.url, 'POST', epochs, { ...next, valAcc: 81 }), 400, /valAcc: expected a number >= 0 and <= 1, got 81 \(a fraction/, 'valAcc'],
      ['a warm-up epoch without per-example losses', () => call(server.url, 'POST', epochs, core(RUN[3])), 400, /losses: the noise-bound rule reads the per-example training losses/, 'losses'],
      ['a new run with a bad field', () => call(server.url, 'POST', '/runs', { classes: 2, epochs: 10, method: 'agent', agent: 'default-agent' }), 400, /agent: no agent "default-agent" on this server \(its agents: inrun-agent, test-inrun-agent, steps-agent\)/, 'agent'],
    ];
    for (const [what, request, status, pattern, field] of cases) {
      const r = await request();
      assert.equal(r.status, status, `${what}: ${JSON.stringify(r.body)}`);
      assert.match(r.body.error, pattern, what);
      assert.equal(r.body.field, field, what);
      if (status === 401) assert.equal(r.headers.get('www-authenticate'), 'Bearer');
      if (status === 405) assert.equal(r.headers.get('allow'), 'GET, DELETE');
    }
    assert.deepEqual((await call(server.url, 'GET', `/runs/${id}`)).body, before.body, 'the run is as before');
    assert.equal((await call(server.url, 'GET', '/runs')).body.runs.length, runs, 'no run made');
    assert.equal(readFileSync(stateFile, 'utf8'), file, 'the state file is as before');

    // The last epoch posted again (its answer lost): the same answer, nothing changes.
    const again = await call(server.url, 'POST', epochs, withStats(RUN[2]));
    assert.deepEqual([again.status, again.body.epoch, again.body.level, again.body.nextEpoch], [200, 3, before.body.level, 4]);
    assert.equal(readFileSync(stateFile, 'utf8'), file);
    // And the run goes on.
    assert.equal((await call(server.url, 'POST', epochs, next)).body.epoch, 4);
    const deleted = await call(server.url, 'DELETE', `/runs/${id}`);
    assert.deepEqual(deleted.body, { id, deleted: true });
    assert.equal((await call(server.url, 'GET', `/runs/${id}`)).status, 404);
  });

  it('examples/pytorch_flood.py, the Python client, gets the in-process levels from the real server', async () => {
    const python = async (args: string[]) => {
      const { stdout } = await promisify(execFile)('python3', ['examples/pytorch_flood.py', '--url', server.url, '--json', ...args], {
        timeout: 60_000, env: { ...process.env, AUTOFLOOD_TOKEN: TOKEN },
      }).catch((err: NodeJS.ErrnoException & { stderr?: string }) => {
        throw new Error(err.code === 'ENOENT' ? 'python3 not found: the Python example needs it (apt-get install python3)' : `pytorch_flood.py ${args.join(' ')}: ${err.stderr ?? err.message}`);
      });
      return JSON.parse(stdout.trim().split('\n').pop() as string) as { run: string; loop: string; levels: number[]; posted: (EpochMetrics & { losses?: number[] })[] };
    };
    const metrics = 'test/fixtures/logs/autoflood/metrics.jsonl';
    const steps = new AgentController(await loadAgent(STEPS_AGENT));
    for (const [method, controller, extra] of [
      ['rule', new RuleController(0.8), []], ['heuristic', new HeuristicController(), []], ['bound', new BoundController(1), []],
      ['agent', steps, ['--agent', 'steps-agent']],
    ] as const) {
      const out = await python(['--stand-in', '--metrics', metrics, '--method', method, ...extra]);
      assert.equal(out.loop, 'stand-in');
      assert.deepEqual(out.levels, await inProcess(controller, RUN), `python, ${method}`);
    }
    // The made-up loop, posting every example's loss: the server's statistics are the library's.
    const out = await python(['--stand-in', '--method', 'bound', '--epochs', '10']);
    const history = out.posted.map(({ losses, ...m }) => ({ ...m, ...lossStats(losses as number[], CLASSES) }) as EpochMetrics);
    assert.equal(history.length, 10);
    assert.deepEqual(out.levels, await inProcess(new BoundController(1), history));
    assert.ok(out.levels.some((b) => b > 0));
    // A refused request is printed, with the server's words, and the script fails.
    await assert.rejects(python(['--stand-in', '--method', 'agent', '--agent', 'nope']), /400 agent: no agent "nope" on this server/);
  });
});

describe('autoflood serve --state', () => {
  it('a server killed with SIGKILL loses nothing: a new one on the same file continues every run to the in-process levels', async () => {
    const dir = await tmpDir('serve-kill');
    const state = path.join(dir, 'state.json');
    const first = await serve(['--state', state]);
    const runs: Record<string, { id: string; controller: FloodController }> = {};
    for (const [method, controller] of [['rule', new RuleController(0.8)], ['heuristic', new HeuristicController()]] as const) {
      const created = await call(first.url, 'POST', '/runs', { classes: CLASSES, epochs: RUN.length, method }, { token: null });
      runs[method] = { id: created.body.id, controller };
      for (const m of RUN.slice(0, 8)) assert.equal((await call(first.url, 'POST', `/runs/${created.body.id}/epochs`, core(m), { token: null })).status, 200);
    }
    const before = await call(first.url, 'GET', `/runs/${runs.rule.id}`, undefined, { token: null });
    await stop(first, 'SIGKILL');

    const second = await serve(['--state', state]);
    assert.match(second.stderr(), /2 runs continued/);
    assert.deepEqual((await call(second.url, 'GET', `/runs/${runs.rule.id}`, undefined, { token: null })).body, before.body);
    for (const { id, controller } of Object.values(runs)) {
      const levels = (await call(second.url, 'GET', `/runs/${id}`, undefined, { token: null })).body.levels as number[];
      assert.equal(levels.length, 9);
      for (const m of RUN.slice(8)) {
        const r = await call(second.url, 'POST', `/runs/${id}/epochs`, core(m), { token: null });
        assert.equal(r.status, 200, JSON.stringify(r.body));
        if (r.body.level !== null) levels.push(r.body.level);
      }
      assert.deepEqual(levels, await inProcess(controller, RUN), controller.name);
    }
    // One server per state file.
    await assert.rejects(serve(['--state', state]), /--state: [^:]+ is in use by pid \d+ on this host since .*; one server per state file/);
    await stop(second, 'SIGTERM');
    assert.match(second.stderr(), /SIGTERM: stopping/);
  });
});
