/**
 * `autoflood serve`: a small HTTP service that gives a training loop in any language its flood
 * level epoch by epoch (src/serve/server.ts has the endpoints). It binds to 127.0.0.1 unless told
 * otherwise, takes a bearer token from --token or $AUTOFLOOD_TOKEN, keeps its runs in memory and,
 * with --state, in a file rewritten atomically after every change. Stops on Ctrl-C or SIGTERM.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { OptionError } from '../../core/errors.js';
import { INRUN_AGENT_FILE, STEPS_AGENT_FILE } from '../../control/shipped.js';
import { integer, listOf, real, text } from '../../core/values.js';
import { DEFAULT_BOUND_FACTOR } from '../../methods/bound.js';
import { DEFAULT_RULE_MULTIPLE, defaultRuleMultiple } from '../../methods/rule.js';
import type { NamedAgent } from '../../serve/runs.js';
import type { CommandSpec } from '../command.js';
import { loadAgentFlag } from '../task.js';
import { UsageError, usageOf, type Flag } from '../options.js';

/** The shipped in-run agents, the first found is the default of method agent. */
const DEFAULT_AGENTS = [INRUN_AGENT_FILE, STEPS_AGENT_FILE];
/** The environment variable a token may come from (not the command line, where `ps` shows it). */
export const TOKEN_ENV = 'AUTOFLOOD_TOKEN';

interface ServeFlags extends Record<string, unknown> {
  host: string;
  port: number;
  token?: string;
  state?: string;
  agent?: string[];
  ruleMultiple?: number;
  boundFactor: number;
  maxBody: number;
  maxRuns: number;
  /** Set by prepare. */
  agents: NamedAgent[];
}

const SERVE_FLAGS: Flag[] = [
  { key: 'host', flag: '--host <address>', help: 'address to listen on (0.0.0.0: every interface; then set a token)', kind: text, default: '127.0.0.1' },
  { key: 'port', flag: '--port <n>', help: 'port to listen on (0: any free one, printed)', kind: integer(0, 65_535), default: 8642 },
  { key: 'token', flag: '--token <token>', help: `bearer token every request must carry (better in $${TOKEN_ENV}, which ps does not show)`, kind: text, defaultText: `$${TOKEN_ENV}, else none` },
  { key: 'state', flag: '--state <file>', help: 'keep the runs in this file too, rewritten atomically after every change, read at start (a restart loses nothing)', kind: text, defaultText: 'memory only' },
  { key: 'agent', flag: '--agent <files>', help: 'in-run agent files (design steps or inrun), comma-separated; clients name one by its file name without .json, the first is the default', kind: listOf(text), defaultText: 'the shipped in-run agent: agents/inrun-agent.json if there is one, else agents/steps-agent.json' },
  { key: 'ruleMultiple', flag: '--rule-multiple <c>', help: "method rule: b = c x the warm-up's loss scale, unless a run says", kind: real({ min: 0, max: 10 }), defaultText: `from agents/default-rule.json (${DEFAULT_RULE_MULTIPLE} without one)` },
  { key: 'boundFactor', flag: '--bound-factor <f>', help: 'method bound: b = f x the entropy of the noise the warm-up estimates, unless a run says', kind: real({ min: 0, max: 10 }), default: DEFAULT_BOUND_FACTOR },
  { key: 'maxBody', flag: '--max-body <bytes>', help: 'largest request body (an epoch with per-example losses: about 20 bytes each)', kind: integer(1024, 1 << 30), default: 4 * 1024 * 1024 },
  { key: 'maxRuns', flag: '--max-runs <n>', help: 'most runs kept at once', kind: integer(1, 1_000_000), default: 1000 },
];


export const serveCommand: CommandSpec<ServeFlags, void> = {
  name: ['serve'],
  description: 'serve flood levels over HTTP to a training loop in any language, epoch by epoch (PyTorch, Keras, ...)',
  example: 'autoflood serve --port 8642 --state runs/serve-state.json',
  flags: SERVE_FLAGS,
  backend: false,
  ownsInterrupt: true,
  async prepare(o) {
    const files = o.agent ?? DEFAULT_AGENTS.filter((f) => existsSync(f)).slice(0, 1);
    o.agents = [];
    for (const file of files) {
      const agent = await loadAgentFlag(file);
      if (agent.design === 'twin') {
        throw new UsageError(`--agent: ${file} is a twin agent: it sets b for a second run from a whole finished run without flooding, so it cannot act during one run; ` +
          'use it with autoflood suggest --log <that run\'s log>, or give serve an agent of design steps or inrun');
      }
      const name = path.basename(file).replace(/\.json$/i, '');
      if (o.agents.some((a) => a.name === name)) throw new UsageError(`--agent: two agent files are named ${name}; clients tell agents apart by file name`);
      o.agents.push({ name, file, agent });
    }
  },
  async run(o, { logger }) {
    const { startServer, isLoopback } = await import('../../serve/server.js');
    const token = o.token ?? (process.env[TOKEN_ENV] === undefined || process.env[TOKEN_ENV] === '' ? undefined : process.env[TOKEN_ENV]);
    const ruleMultiple = o.ruleMultiple ?? defaultRuleMultiple();
    let server;
    try {
      server = await startServer({
        host: o.host, port: o.port, token, state: o.state, agents: o.agents, ruleMultiple, boundFactor: o.boundFactor,
        maxBody: o.maxBody, maxRuns: o.maxRuns, log: (level, message) => logger.log(level, message),
      });
    } catch (err) {
      throw err instanceof OptionError ? usageOf(err, SERVE_FLAGS) : err;
    }
    if (!isLoopback(o.host) && token === undefined) logger.warn(`listening on ${o.host} without a token: anyone who can reach it can create and change runs (set $${TOKEN_ENV})`);
    logger.info(`methods agent (${o.agents.map((a) => `${a.name}: ${a.agent.design}`).join(', ') || 'none: start with --agent <file>'}), heuristic, rule (c = ${ruleMultiple}), bound (f = ${o.boundFactor}); ` +
      `${token === undefined ? 'no token' : 'bearer token required'}; ${o.state === undefined ? 'runs in memory only' : `state in ${o.state}${server.restored > 0 ? `, ${server.restored} runs continued` : ''}`}`);
    // The address on stdout, for scripts and tests that started the server on port 0.
    process.stdout.write(`autoflood serve: listening on ${server.url}\n`);
    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGTERM', () => resolve('SIGTERM'));
      process.once('SIGINT', () => resolve('SIGINT'));
    });
    logger.info(`${signal}: stopping`);
    await server.close();
  },
  lines: (_r, o) => [`stopped${o.state === undefined ? '; the runs were in memory only' : `; the runs are in ${o.state}`}`],
};
