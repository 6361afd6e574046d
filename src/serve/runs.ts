/**
 * The runs of `autoflood serve`, without HTTP: what a client may send (every field checked, each
 * error a RequestError with its HTTP status and the field at fault), and a run as plain data (its
 * settings and the epochs posted so far) with its controller. A run's controller is the one the
 * library uses in-process (HeuristicController, RuleController, BoundController, AgentController),
 * asked for b before each epoch with the history so far exactly as `train()` asks it, so the same
 * metrics give the same levels. A run is rebuilt from its plain data by asking its new controller
 * again epoch by epoch (`replay`): that is how a restarted server continues its runs.
 */
import { AgentController, decisionEpochs, type AgentFile } from '../control/agent.js';
import { HeuristicController } from '../control/heuristic.js';
import { BoundController, RuleController } from '../control/rule-controller.js';
import { checkValue, integer, oneOf, real, text, type ValueKind } from '../core/values.js';
import type { EpochMetrics, FloodController } from '../train/controller.js';
import { lossStats } from '../train/noise.js';
import { lossUnitsProblem, warmupEpochs } from '../train/scale.js';

/** A request the server refuses: its HTTP status, what is wrong, and the field at fault when one is. */
export class RequestError extends Error {
  readonly status: number;
  readonly field?: string;

  constructor(status: number, message: string, field?: string) {
    super(message);
    this.name = 'RequestError';
    this.status = status;
    this.field = field;
  }
}

export const SERVE_METHODS = ['agent', 'heuristic', 'rule', 'bound'] as const;
export type ServeMethod = (typeof SERVE_METHODS)[number];

/** Most classes and epochs a run may have (autoflood's --epochs cap). */
export const MAX_CLASSES = 100_000;
export const MAX_EPOCHS = 100_000;
/** Largest multiple of the scale (rule) and factor (bound) a run may ask for. */
export const MAX_MULTIPLE = 10;

/** An agent the server was given (`--agent`), known to clients by its name (the file's base name without .json). */
export interface NamedAgent {
  name: string;
  file: string;
  agent: AgentFile;
}

/** A run's settings, as created. The agent is kept whole, so a restarted server needs no file to continue the run. */
export interface RunSettings {
  classes: number;
  epochs: number;
  method: ServeMethod;
  /** rule: b = multiple x the warm-up's scale. */
  multiple?: number;
  /** bound: the factor of the noise bound. */
  factor?: number;
  /** agent: its name and the agent file itself. */
  agent?: { name: string; file: AgentFile };
}

/** One posted epoch as kept: the client's metrics, with per-example losses reduced to their statistics. */
export type PostedEpoch = Partial<EpochMetrics> & Pick<EpochMetrics, 'epoch' | 'trainLoss' | 'trainAcc' | 'valLoss' | 'valAcc'>;

/** A run as plain data: what the state file holds. */
export interface RunData {
  id: string;
  created: string;
  settings: RunSettings;
  /** The epochs posted so far, in order. */
  epochs: PostedEpoch[];
  /** The level given for each epoch so far: levels[k] is b for epoch k + 1 (one more than the epochs posted while the run goes on). */
  levels: number[];
}

/** Defaults the server fills in: the rule's multiple and the bound's factor. */
export interface RunDefaults {
  ruleMultiple: number;
  boundFactor: number;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Checks `value` against a value kind, as a 400 naming the field. */
function field<T>(name: string, kind: ValueKind<T>, value: unknown, hint = ''): T {
  try {
    return checkValue(name, kind, value);
  } catch (err) {
    throw new RequestError(400, `${(err as Error).message}${hint}`, name);
  }
}

function onlyKnown(body: Record<string, unknown>, known: readonly string[], what: string): void {
  const unknown = Object.keys(body).find((k) => !known.includes(k));
  if (unknown !== undefined) throw new RequestError(400, `${unknown}: not a field of ${what} (its fields: ${known.join(', ')})`, unknown);
}

function required(body: Record<string, unknown>, name: string, what: string): unknown {
  if (body[name] === undefined) throw new RequestError(400, `${name}: required in ${what}`, name);
  return body[name];
}

const RUN_FIELDS = ['classes', 'epochs', 'method', 'agent', 'multiple', 'factor'] as const;

/** The settings of a new run from a POST /runs body; 400 naming the field at fault. */
export function parseRunSettings(body: unknown, agents: readonly NamedAgent[], defaults: RunDefaults): RunSettings {
  const what = 'a new run';
  if (!isObject(body)) throw new RequestError(400, 'body: expected a JSON object {"classes", "epochs", "method"}', 'body');
  onlyKnown(body, RUN_FIELDS, what);
  const classes = field('classes', integer(2, MAX_CLASSES), required(body, 'classes', what));
  const epochs = field('epochs', integer(1, MAX_EPOCHS), required(body, 'epochs', what));
  const method = field('method', oneOf(SERVE_METHODS), required(body, 'method', what));
  for (const [name, owner] of [['agent', 'agent'], ['multiple', 'rule'], ['factor', 'bound']] as const) {
    if (body[name] !== undefined && method !== owner) throw new RequestError(400, `${name}: only for method ${owner}, not ${method}`, name);
  }
  const settings: RunSettings = { classes, epochs, method };
  if (method === 'rule') settings.multiple = body.multiple === undefined ? defaults.ruleMultiple : field('multiple', real({ min: 0, max: MAX_MULTIPLE }), body.multiple);
  if (method === 'bound') settings.factor = body.factor === undefined ? defaults.boundFactor : field('factor', real({ min: 0, max: MAX_MULTIPLE }), body.factor);
  if (method === 'agent') {
    if (agents.length === 0) {
      throw new RequestError(400, 'method: this server has no in-run agent (start it with --agent <file> of design steps or inrun)', 'method');
    }
    const name = body.agent === undefined ? agents[0].name : field('agent', text, body.agent);
    const chosen = agents.find((a) => a.name === name);
    if (chosen === undefined) throw new RequestError(400, `agent: no agent "${name}" on this server (its agents: ${agents.map((a) => a.name).join(', ')})`, 'agent');
    settings.agent = { name: chosen.name, file: chosen.agent };
  }
  return settings;
}

const LOSS_FIELDS = ['trainLoss', 'valLoss', 'valLossClean', 'valLossSubset', 'testLoss', 'testLossClean'] as const;
const SHARE_FIELDS = ['trainAcc', 'valAcc', 'valAccClean', 'valAccSubset', 'testAcc', 'testAccClean', 'floodedFraction', 'highLossShare', 'noisyShare'] as const;
const OTHER_FIELDS = ['floodLevel', 'lr', 'wallSeconds'] as const;
const STATS_FIELDS = ['lossQuantiles', 'highLossShare', 'noisyShare'] as const;
/** Every field an epoch may carry: EpochMetrics' own and `losses`. */
export const EPOCH_FIELDS: readonly string[] = ['epoch', ...LOSS_FIELDS, ...SHARE_FIELDS, ...OTHER_FIELDS, 'lossQuantiles', 'losses'];

const loss = real({ min: 0 });
const share = real({ min: 0, max: 1 });

/**
 * One epoch's metrics from a POST /runs/<id>/epochs body, for a run of `classes` classes: the
 * fields checked (400 naming the one at fault) and `losses` reduced to their statistics.
 */
export function parseEpoch(body: unknown, classes: number): PostedEpoch {
  const what = 'an epoch';
  if (!isObject(body)) throw new RequestError(400, 'body: expected a JSON object {"epoch", "trainLoss", "trainAcc", "valLoss", "valAcc"}', 'body');
  onlyKnown(body, EPOCH_FIELDS, what);
  const out: Record<string, unknown> = { epoch: field('epoch', integer(1, MAX_EPOCHS), required(body, 'epoch', what)) };
  for (const name of ['trainLoss', 'trainAcc', 'valLoss', 'valAcc']) required(body, name, what);
  for (const name of LOSS_FIELDS) if (body[name] !== undefined) out[name] = field(name, loss, body[name], ' (a mean cross-entropy in nats)');
  for (const name of SHARE_FIELDS) {
    if (body[name] !== undefined) out[name] = field(name, share, body[name], typeof body[name] === 'number' && body[name] > 1 && body[name] <= 100 ? ' (a fraction: divide a percentage by 100)' : '');
  }
  for (const name of OTHER_FIELDS) if (body[name] !== undefined) out[name] = field(name, real({ min: 0 }), body[name]);
  const given = STATS_FIELDS.filter((name) => body[name] !== undefined);
  if (given.length > 0) {
    if (given.length < STATS_FIELDS.length) {
      const missing = STATS_FIELDS.find((name) => body[name] === undefined) as string;
      throw new RequestError(400, `${missing}: the per-example statistics come together (${STATS_FIELDS.join(', ')}); ${given.join(', ')} given without it`, missing);
    }
    const q = body.lossQuantiles;
    if (!(Array.isArray(q) && q.length === 5 && q.every((v) => loss.check(v)) && q.every((v, i) => i === 0 || v >= q[i - 1]))) {
      throw new RequestError(400, 'lossQuantiles: expected the 10, 25, 50, 75 and 90% quantiles of the per-example losses, 5 numbers >= 0 in increasing order', 'lossQuantiles');
    }
    out.lossQuantiles = [...q];
  }
  if (body.losses !== undefined) {
    if (given.length > 0) throw new RequestError(400, 'losses: give the per-example losses or their statistics, not both', 'losses');
    const losses = body.losses;
    if (!Array.isArray(losses) || losses.length === 0) throw new RequestError(400, 'losses: expected a non-empty array of per-example training losses (nats)', 'losses');
    const bad = losses.findIndex((v) => !loss.check(v));
    if (bad >= 0) throw new RequestError(400, `losses: item ${bad} is ${JSON.stringify(losses[bad])}, expected a number >= 0 (each example's loss in nats)`, 'losses');
    Object.assign(out, lossStats(losses as number[], classes));
  }
  return out as PostedEpoch;
}

/** Epochs (from 1) that must carry per-example statistics for a run's method: the warm-up its decision reads. */
export function epochsNeedingStats(settings: RunSettings): number {
  if (settings.method === 'bound') return warmupEpochs(settings.epochs);
  if (settings.method === 'agent' && settings.agent?.file.design === 'inrun') return (decisionEpochs(settings.agent.file.schedule, settings.epochs)[0] ?? 1) - 1;
  return 0;
}

/** A posted epoch as the controllers read it: fields the client left out are NaN (no controller reads them). */
export function metricsOf(posted: PostedEpoch): EpochMetrics {
  return {
    valLossClean: NaN, valAccClean: NaN, floodedFraction: NaN, floodLevel: NaN, lr: NaN, wallSeconds: NaN, ...posted,
  };
}

/** A new controller for a run's settings. */
export function controllerOf(settings: RunSettings): FloodController {
  switch (settings.method) {
    case 'heuristic':
      return new HeuristicController();
    case 'rule':
      return new RuleController(settings.multiple as number);
    case 'bound':
      return new BoundController(settings.factor as number);
    case 'agent':
      return new AgentController((settings.agent as { file: AgentFile }).file);
  }
}

/** A run in memory: its plain data, its controller, and its epochs as the controller reads them. */
export class LiveRun {
  data: RunData;
  private controller: FloodController;
  private history: EpochMetrics[];

  private constructor(data: RunData, controller: FloodController, history: EpochMetrics[]) {
    this.data = data;
    this.controller = controller;
    this.history = history;
  }

  /** A new run: its controller asked for the level of epoch 1. */
  static async create(id: string, settings: RunSettings, created = new Date().toISOString()): Promise<LiveRun> {
    const run = new LiveRun({ id, created, settings, epochs: [], levels: [] }, controllerOf(settings), []);
    run.data.levels.push(await run.ask());
    return run;
  }

  /**
   * A run rebuilt from its plain data (a state file): a new controller asked again before every
   * epoch with the same history. Throws when the levels it gives differ from those recorded.
   */
  static async replay(data: RunData): Promise<LiveRun> {
    const run = await LiveRun.create(data.id, data.settings, data.created);
    // Every epoch was checked when it was posted (a file written before a check existed is read as it is).
    for (const epoch of data.epochs) await run.append(epoch);
    const same = run.data.levels.length === data.levels.length && run.data.levels.every((b, i) => b === data.levels[i]);
    if (!same) throw new Error(`run ${data.id}: its controller now gives the levels ${run.data.levels.join(', ')}, not the recorded ${data.levels.join(', ')}`);
    return run;
  }

  get done(): boolean {
    return this.data.epochs.length >= this.data.settings.epochs;
  }

  /** The level in force for the next epoch (undefined when the run is done). */
  get level(): number | undefined {
    return this.done ? undefined : this.data.levels[this.data.epochs.length];
  }

  private async ask(): Promise<number> {
    const { epochs, classes } = this.data.settings;
    const b = await this.controller.floodLevel(this.history, { epoch: this.history.length + 1, epochs, classes });
    if (!(Number.isFinite(b) && b >= 0)) throw new Error(`controller ${this.controller.name} gave the level ${b}`);
    return b;
  }

  /** Checks that `posted` is this run's next epoch with what its method reads; 409 or 400 otherwise. */
  check(posted: PostedEpoch): void {
    const { settings } = this.data;
    const next = this.data.epochs.length + 1;
    if (this.done) throw new RequestError(409, `epoch: the run has finished its ${settings.epochs} epochs`, 'epoch');
    if (posted.epoch < next) {
      const same = JSON.stringify(this.data.epochs[posted.epoch - 1]) === JSON.stringify(posted);
      throw new RequestError(409, `epoch: epoch ${posted.epoch} was posted already${same ? '' : ', with other values'}; the run expects epoch ${next}` +
        ' (only the last epoch posted may be sent again, for its answer)', 'epoch');
    }
    if (posted.epoch !== next) throw new RequestError(409, `epoch: the run expects epoch ${next}, got ${posted.epoch}`, 'epoch');
    // A level posted with the epoch is the one the loop trained at: it must be the one served (rounded
    // to float16 or bfloat16 at worst: 0.5% of it).
    const served = this.data.levels[posted.epoch - 1];
    if (posted.floodLevel !== undefined && !(Math.abs(posted.floodLevel - served) <= 5e-3 * served + 1e-6)) {
      throw new RequestError(409, `floodLevel: this run served b = ${served} for epoch ${posted.epoch}, got ${posted.floodLevel}; ` +
        'train each epoch at the level served for it, or leave floodLevel out', 'floodLevel');
    }
    const needs = epochsNeedingStats(settings);
    if (posted.epoch <= needs && posted.lossQuantiles === undefined) {
      const who = settings.method === 'bound' ? 'the noise-bound rule' : `the in-run agent "${settings.agent?.name}"`;
      throw new RequestError(400, `losses: ${who} reads the per-example training losses of the warm-up (epochs 1-${needs}): ` +
        `post "losses" (each training example's loss this epoch, in nats) with epoch ${posted.epoch}, or their statistics ${STATS_FIELDS.join(', ')}`, 'losses');
    }
    // At the end of the warm-up every method but the heuristic (which reads accuracies) measures the loss
    // scale from the validation loss: losses in other units would give nonsense levels.
    if (settings.method !== 'heuristic' && posted.epoch === warmupEpochs(settings.epochs)) {
      const units = lossUnitsProblem(Math.min(posted.valLoss, ...this.data.epochs.map((e) => e.valLoss)), settings.classes);
      if (units !== undefined) {
        throw new RequestError(422, `valLoss: over epochs 1-${posted.epoch} (the warm-up), ${units}; DELETE this run and start one that posts them so`, 'valLoss');
      }
    }
  }

  /** Records the next epoch and asks the controller for the level of the one after (none after the last). */
  async record(posted: PostedEpoch): Promise<void> {
    this.check(posted);
    await this.append(posted);
  }

  /** Appends an epoch already checked and asks for the next level. */
  private async append(posted: PostedEpoch): Promise<void> {
    this.data = { ...this.data, epochs: [...this.data.epochs, posted] };
    this.history.push(metricsOf(posted));
    if (!this.done) this.data.levels = [...this.data.levels, await this.ask()];
  }

  /** What a client reads of the run. */
  view(): Record<string, unknown> {
    const { id, created, settings, epochs, levels } = this.data;
    return {
      id, created, method: settings.method, classes: settings.classes, epochs: settings.epochs,
      ...(settings.multiple === undefined ? {} : { multiple: settings.multiple }),
      ...(settings.factor === undefined ? {} : { factor: settings.factor }),
      ...(settings.agent === undefined ? {} : { agent: settings.agent.name, design: settings.agent.file.design }),
      epochsDone: epochs.length, done: this.done, nextEpoch: this.done ? null : epochs.length + 1, level: this.level ?? null, levels,
    };
  }
}
