/**
 * `autoflood suggest --log <file>`: the flood level for a training loop of your own, from the
 * per-epoch log of one finished run (Keras CSVLogger, Lightning metrics.csv, autoflood's
 * metrics.jsonl, or a CSV / JSON-lines file with named columns; train/logs.ts), by the method
 * autoflood uses in-process: the twin agent (twinLevel: the whole run without flooding), the fixed
 * rule (c x the loss scale of the first 20% of the epochs), the noise-bound rule (boundMultiple,
 * which needs autoflood's per-example loss statistics) or an in-run agent (inrunLevel on the first
 * 20%). Prints b, how it was found and one line to paste for PyTorch, Keras and TensorFlow.js
 * (stdout; `--json` for scripts). Starts no backend and writes nothing.
 */
import { OptionError } from '../../core/errors.js';
import { integer, oneOf, real, text } from '../../core/values.js';
import type { AgentFile } from '../../control/agent.js';
import { DEFAULT_AGENT_FILE } from '../../control/shipped.js';
import { DEFAULT_BOUND_FACTOR } from '../../methods/bound.js';
import { DEFAULT_RULE_MULTIPLE, defaultRuleMultiple } from '../../methods/rule.js';
import { ACCURACY_UNITS, LOG_FORMATS, readLog, requireFields, type AccuracyUnits, type LogField, type LogFormatChoice, type TrainingLog } from '../../train/logs.js';
import { lossUnitsProblem, warmupEpochs } from '../../train/scale.js';
import type { CommandSpec } from '../command.js';
import { loadAgentFlag } from '../task.js';
import { UsageError, usageOf, type Flag } from '../options.js';

/** The twin agent and the rule shipped with the package. */

export const SUGGEST_METHODS = ['agent', 'rule', 'bound'] as const;
type SuggestMethod = (typeof SUGGEST_METHODS)[number];

/** Fewest epochs a log needs: its first 20% measure the loss scale, its last tenth how far it memorised. */
export const MIN_LOG_EPOCHS = 5;

interface SuggestFlags extends Record<string, unknown> {
  log?: string;
  format: LogFormatChoice;
  classes?: number;
  method: SuggestMethod;
  agent: string;
  ruleMultiple?: number;
  boundFactor: number;
  epochColumn?: string;
  trainLossColumn?: string;
  trainAccColumn?: string;
  valLossColumn?: string;
  valAccColumn?: string;
  accuracy: AccuracyUnits;
  json: boolean;
  /** Set by prepare. */
  read: TrainingLog;
  loadedAgent?: AgentFile;
}

export interface Suggestion {
  /** The flood level, nats. */
  level: number;
  method: SuggestMethod;
  /** b = multiple x scale. */
  multiple: number;
  scale: number;
  /** The scale is the lowest validation loss of the first `scaleEpochs` epochs. */
  scaleEpochs: number;
  epochs: number;
  classes?: number;
  agent?: { file: string; design: string };
  factor?: number;
  /** bound and inrun: the share of noisy labels the warm-up's per-example losses estimate, and the epoch read. */
  noise?: { rate: number; epoch: number };
  /** How b was found, in words. */
  how: string;
  /** What to do with b, in words. */
  use: string;
  log: { file: string; format: string; columns: Partial<Record<LogField, string>>; accuracy: string; notes: string[] };
  snippets: { pytorch: string; keras: string; tfjs: string };
}

const COLUMN_FLAGS: Flag[] = [
  { key: 'epochColumn', flag: '--epoch-column <name>', help: 'the column of the epoch number (default: epoch; none: one row per epoch)', kind: text },
  { key: 'trainLossColumn', flag: '--train-loss-column <name>', help: 'the column of the training loss (default: train_loss, loss, ...)', kind: text },
  { key: 'trainAccColumn', flag: '--train-acc-column <name>', help: 'the column of the training accuracy (default: train_acc, accuracy, acc, ...)', kind: text },
  { key: 'valLossColumn', flag: '--val-loss-column <name>', help: 'the column of the validation loss (default: val_loss, valid_loss, ...)', kind: text },
  { key: 'valAccColumn', flag: '--val-acc-column <name>', help: 'the column of the validation accuracy (default: val_acc, val_accuracy, ...)', kind: text },
];

const fmt = (b: number): string => String(Number(b.toFixed(4)));

/** One line to paste for each framework: the mini-batch mean loss flooded at b, |L - b| + b. */
export function snippets(b: number): Suggestion['snippets'] {
  const v = fmt(b);
  return {
    pytorch: `loss = (loss - ${v}).abs() + ${v}  # flooding: after loss = criterion(model(x), y), before loss.backward()`,
    keras: `model.compile(optimizer=opt, loss=lambda y, p: tf.abs(loss_fn(y, p) - ${v}) + ${v}, metrics=["accuracy"])  # loss_fn = keras.losses.SparseCategoricalCrossentropy()`,
    tfjs: `const flooded = loss.sub(${v}).abs().add(${v}); // or flood(loss, ${v}) from autoflood, inside optimizer.minimize`,
  };
}

/** The level by the chosen method, from a log already read and checked. */
async function suggest(o: SuggestFlags): Promise<Suggestion> {
  const log = o.read;
  const history = log.history;
  const n = history.length;
  const w = warmupEpochs(n);
  const warmup = history.slice(0, w);
  const classes = o.classes ?? log.classes;
  const [agentModule, rules] = await Promise.all([import('../../control/agent.js'), import('../../control/rule-controller.js')]);
  const base = {
    epochs: n, scaleEpochs: w, ...(classes === undefined ? {} : { classes }),
    log: { file: log.source, format: log.format, columns: log.columns, accuracy: log.accuracy, notes: log.notes },
  };
  const scaleWords = (scale: number) => `the loss scale ${fmt(scale)} (the lowest validation loss of the first ${w} of ${n} epochs)`;
  const later = `Train again (the same data and initial weights): the first ${w}/${n} of the epochs without flooding, then every mini-batch loss flooded at b.`;
  if (o.method === 'rule') {
    const multiple = o.ruleMultiple ?? defaultRuleMultiple();
    const { scale, level } = rules.ruleLevel(warmup, multiple);
    const source = o.ruleMultiple === undefined ? ' (agents/default-rule.json)' : ' (--rule-multiple)';
    return {
      ...base, level, method: 'rule', multiple, scale, how: `the fixed rule: b = ${multiple}${source} x ${scaleWords(scale)}`,
      use: 'Train again (the same data and initial weights) with every mini-batch loss flooded at b.', snippets: snippets(level),
    };
  }
  if (o.method === 'bound') {
    const factor = o.boundFactor;
    const r = rules.boundRuleLevel(warmup, classes as number, factor);
    return {
      ...base, level: r.level, method: 'bound', multiple: r.multiple, scale: r.scale, factor, noise: { rate: r.noise, epoch: r.noiseEpoch },
      how: `the noise-bound rule: its per-example losses at epoch ${r.noiseEpoch} put ${(100 * r.noise).toFixed(1)}% of the labels in the high group; ` +
        `${factor} x the entropy of that much noise over ${classes} classes is c = ${r.multiple} (in tenths) x ${scaleWords(r.scale)}` +
        // At (K - 1) / K symmetric noise the labels carry no information: an estimate there says the network had not learned yet.
        (r.noise >= ((classes as number) - 1) / (classes as number)
          ? `; caution: ${(100 * r.noise).toFixed(1)}% is at or above ${(100 * ((classes as number) - 1) / (classes as number)).toFixed(0)}%, where labels carry no information, so the warm-up's network had not learned the task by then (a longer run reads the noise better)`
          : ''),
      use: later, snippets: snippets(r.level),
    };
  }
  const agent = o.loadedAgent as AgentFile;
  const file = o.agent === DEFAULT_AGENT_FILE ? 'agents/default-agent.json' : o.agent;
  if (agent.design === 'twin') {
    const r = agentModule.twinLevel(agent, history, classes as number);
    return {
      ...base, level: r.level, method: 'agent', multiple: r.multiple, scale: r.scale, agent: { file, design: 'twin' },
      how: `the twin agent (${file}) read the whole run without flooding (how far it memorised) and chose c = ${r.multiple}; b = c x ${scaleWords(r.scale)}`,
      use: 'Train again from the same initial weights with every mini-batch loss flooded at b, and keep whichever of the two runs validates better.',
      snippets: snippets(r.level),
    };
  }
  const r = agentModule.inrunLevel(agent, warmup, classes as number);
  return {
    ...base, level: r.level, method: 'agent', multiple: r.multiple, scale: r.scale, agent: { file, design: agent.design },
    how: `the in-run agent (${file}) read the first ${w} epochs with their per-example losses and chose c = ${r.multiple}; b = c x ${scaleWords(r.scale)}`,
    use: later, snippets: snippets(r.level),
  };
}

/** Refuses a log the method cannot read, naming the flag or what the log lacks. */
async function check(o: SuggestFlags): Promise<void> {
  const log = o.read;
  const n = log.history.length;
  if (n < MIN_LOG_EPOCHS) {
    throw new UsageError(`--log: ${log.source} has ${n} epoch${n === 1 ? '' : 's'}; suggest reads a finished run of at least ${MIN_LOG_EPOCHS} (its first 20% measure the loss scale)`);
  }
  if (o.classes !== undefined && log.classes !== undefined && o.classes !== log.classes) {
    throw new UsageError(`--classes: the run's data.json says ${log.classes} classes, not ${o.classes}`);
  }
  const classes = o.classes ?? log.classes;
  if (o.method === 'agent') {
    o.loadedAgent = await loadAgentFlag(o.agent);
    if (o.loadedAgent.design === 'steps') {
      throw new UsageError(`--agent: ${o.agent} is a steps agent: it sets b at several epochs during a run, so it cannot read a finished log; use it through autoflood serve, or give suggest a twin or inrun agent`);
    }
  }
  const design = o.loadedAgent?.design;
  const needsClasses = o.method !== 'rule';
  if (needsClasses && classes === undefined) {
    throw new UsageError(`--classes: the log cannot tell the number of classes, which the ${o.method === 'bound' ? 'noise-bound rule' : 'agent'} reads; pass --classes K`);
  }
  const fields: LogField[] = o.method === 'agent' ? ['trainLoss', 'trainAcc', 'valLoss', 'valAcc'] : ['valLoss'];
  const why = o.method === 'agent' ? `the ${design} agent reads the training and validation loss and accuracy of every epoch` : 'the rule reads the validation loss';
  try {
    requireFields(log, fields, why);
  } catch (err) {
    throw err instanceof OptionError ? usageOf(err, SUGGEST_FLAGS) : err;
  }
  const w = warmupEpochs(n);
  const needsStats = o.method === 'bound' || design === 'inrun';
  if (needsStats && !log.history.slice(0, w).every((m) => m.lossQuantiles !== undefined && m.highLossShare !== undefined && m.noisyShare !== undefined)) {
    const [flag, who] = o.method === 'bound' ? ['--method', 'the noise-bound rule'] : ['--agent', `the in-run agent ${o.agent}`];
    throw new UsageError(`${flag}: ${who} reads the per-example training losses of the first ${w} epochs, which only autoflood's own metrics.jsonl records (lossQuantiles, highLossShare, noisyShare); ${log.source} is a ${log.format} log without them: use the twin agent (the default) or --method rule`);
  }
  // What the methods read must be a run without flooding: all of it for the twin agent, the warm-up for the others.
  const read = o.method === 'agent' && design === 'twin' ? log.history : log.history.slice(0, w);
  const flooded = read.find((m) => m.floodLevel > 0);
  if (flooded !== undefined) {
    throw new UsageError(`--log: epoch ${flooded.epoch} of ${log.source} was trained with flooding (b = ${flooded.floodLevel}); ${o.method === 'agent' && design === 'twin' ? 'the twin agent reads a whole run without flooding' : `the ${o.method} reads the first ${w} epochs trained without flooding`}`);
  }
  const units = classes === undefined ? undefined : lossUnitsProblem(Math.min(...log.history.map((m) => m.valLoss)), classes);
  if (units !== undefined) throw new UsageError(`--log: ${log.source}: ${units}`);
}

const SUGGEST_FLAGS: Flag[] = [
  { key: 'log', flag: '--log <file>', help: "a finished run's per-epoch log: Keras CSVLogger, Lightning metrics.csv, autoflood metrics.jsonl, or CSV / JSON lines with named columns (required)", kind: text },
  { key: 'format', flag: '--format <format>', help: 'the log\'s format (auto: detected from its header)', kind: oneOf(LOG_FORMATS), default: 'auto' },
  { key: 'classes', flag: '--classes <k>', help: "the task's number of classes (the agent and the bound rule read it; autoflood's logs tell it)", kind: integer(2, 100_000) },
  { key: 'method', flag: '--method <method>', help: 'agent: the twin agent (or --agent); rule: c x the loss scale; bound: the noise-bound rule (autoflood logs only)', kind: oneOf(SUGGEST_METHODS), default: 'agent' },
  { key: 'agent', flag: '--agent <path>', help: 'agent file, design twin or inrun', kind: text, default: DEFAULT_AGENT_FILE, defaultText: 'the committed agents/default-agent.json (twin)' },
  { key: 'ruleMultiple', flag: '--rule-multiple <c>', help: "the fixed rule: b = c x the run's loss scale", kind: real({ min: 0, max: 10 }), defaultText: `from agents/default-rule.json (${DEFAULT_RULE_MULTIPLE} without one)` },
  { key: 'boundFactor', flag: '--bound-factor <f>', help: 'the noise-bound rule: b = f x the entropy of the noise its warm-up estimates', kind: real({ min: 0, max: 10 }), default: DEFAULT_BOUND_FACTOR },
  ...COLUMN_FLAGS,
  { key: 'accuracy', flag: '--accuracy <units>', help: 'how the log writes accuracies: fraction (0-1), percent, or auto (percent when a value is above 1)', kind: oneOf(ACCURACY_UNITS), default: 'auto' },
  { key: 'json', flag: '--json', help: 'print one JSON object (for scripts) instead of text' },
];

/** The suggestion as text. */
export function suggestionText(s: Suggestion): string {
  const cols = Object.entries(s.log.columns).map(([k, v]) => `${k} <- ${v}`).join(', ');
  const lines = [
    `b = ${fmt(s.level)} nats`,
    '',
    `found by: ${s.how}`,
    `log: ${s.log.file} (${s.log.format}, ${s.epochs} epochs${s.classes === undefined ? '' : `, ${s.classes} classes`}; ${cols}; accuracies ${s.log.accuracy === 'percent' ? 'in percent' : 'as fractions'})`,
    ...s.log.notes.map((note) => `note: ${note}`),
    ...(s.level === 0 ? ['b = 0: leave this task without flooding.'] : []),
    '',
    s.use,
    `  PyTorch:  ${s.snippets.pytorch}`,
    `  Keras:    ${s.snippets.keras}`,
    `  tfjs:     ${s.snippets.tfjs}`,
  ];
  return `${lines.join('\n')}\n`;
}

export const suggestCommand: CommandSpec<SuggestFlags, Suggestion> = {
  name: ['suggest'],
  description: "the flood level for a training loop of your own, from one finished run's per-epoch log (Keras, Lightning, autoflood, CSV, JSON lines)",
  example: 'autoflood suggest --log training.csv --classes 10',
  flags: SUGGEST_FLAGS,
  backend: false,
  async prepare(o) {
    if (o.log === undefined) throw new UsageError('--log: required (the per-epoch log of a finished run: a Keras CSVLogger file, a Lightning metrics.csv, an autoflood metrics.jsonl, ...)');
    const columns = {
      epoch: o.epochColumn, trainLoss: o.trainLossColumn, trainAcc: o.trainAccColumn, valLoss: o.valLossColumn, valAcc: o.valAccColumn,
    };
    try {
      o.read = await readLog(o.log, { format: o.format, accuracy: o.accuracy, columns: Object.fromEntries(Object.entries(columns).filter(([, v]) => v !== undefined)) });
    } catch (err) {
      throw err instanceof OptionError ? usageOf(err, SUGGEST_FLAGS) : err;
    }
    await check(o);
  },
  async run(o) {
    const suggestion = await suggest(o);
    const { level, method, multiple, scale, ...rest } = suggestion;
    process.stdout.write(o.json ? `${JSON.stringify({ level, method, multiple, scale, ...rest }, null, 2)}\n` : suggestionText(suggestion));
    return suggestion;
  },
  lines: () => [],
};
