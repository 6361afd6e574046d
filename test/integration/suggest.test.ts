/**
 * `autoflood suggest` as a real process on logs of one real run without flooding
 * (test/fixtures/logs, made by make.ts there): a Keras CSVLogger file, a Lightning metrics.csv,
 * autoflood's metrics.jsonl, percent accuracies, a CSV with mapped columns and plain JSON lines
 * all give the b the library gives on that run's metrics.jsonl, for the twin agent and the rule;
 * the bound rule reads autoflood's logs only; logs that cannot be read are refused with one line
 * naming the flag (exit 2).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';
import { inrunLevel, loadAgent, twinLevel } from '../../src/control/agent.js';
import { boundRuleLevel, ruleLevel } from '../../src/control/rule-controller.js';
import { packageFile } from '../../src/core/files.js';
import type { EpochMetrics } from '../../src/train/controller.js';
import { warmupEpochs } from '../../src/train/scale.js';
import { writeInrunAgent } from '../fixtures/inrun-agent.js';
import { CLI, tmpDir } from '../helpers.js';

const FIXTURES = 'test/fixtures/logs';
const RUN: EpochMetrics[] = readFileSync(`${FIXTURES}/autoflood/metrics.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as EpochMetrics);

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** `autoflood suggest <args>` as a real process, from the sources. */
async function spawned(args: string[]): Promise<Outcome> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [...CLI, 'suggest', ...args], { timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/**
 * Runs `autoflood suggest <args>` for every argument list through the CLI's own entry (`main`, what
 * bin/autoflood.mjs calls) in one worker thread, one after the other, with what each writes to
 * stdout and stderr captured there (the worker's streams are its own, apart from the test
 * runner's): a process per case would take a second each.
 */
async function all(list: string[][]): Promise<Outcome[]> {
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    (async () => {
      const { register } = await import('tsx/esm/api');
      register();
      const { main } = await import(workerData.main);
      const results = [];
      for (const args of workerData.list) {
        const captured = { stdout: '', stderr: '' };
        const writes = { stdout: process.stdout.write, stderr: process.stderr.write };
        for (const stream of ['stdout', 'stderr']) {
          process[stream].write = (chunk) => { captured[stream] += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'); return true; };
        }
        try {
          results.push({ code: await main(['suggest', ...args]), ...captured });
        } finally {
          process.stdout.write = writes.stdout;
          process.stderr.write = writes.stderr;
        }
      }
      parentPort.postMessage(results);
    })().catch((err) => parentPort.postMessage({ error: String(err && err.stack || err) }));
  `;
  const worker = new Worker(code, { eval: true, workerData: { list, main: pathToFileURL(path.resolve('src/cli/main.ts')).href } });
  try {
    const [reply] = (await once(worker, 'message')) as [Outcome[] | { error: string }];
    if (!Array.isArray(reply)) throw new Error(reply.error);
    return reply;
  } finally {
    await worker.terminate();
  }
}

const json = (o: Outcome): Record<string, any> => {
  assert.equal(o.code, 0, o.stderr);
  return JSON.parse(o.stdout) as Record<string, any>;
};

describe('autoflood suggest', () => {
  it('a Keras CSV, a Lightning CSV and the other formats of the same run give the b of the library on its metrics.jsonl', async () => {
    const twin = twinLevel(await loadAgent(packageFile('agents/default-agent.json')), RUN, 2);
    const rule = ruleLevel(RUN.slice(0, warmupEpochs(RUN.length)), 0.8);
    assert.ok(twin.level > 0 && rule.level > 0);
    const logs: [string, string[]][] = [
      ['autoflood', ['--log', `${FIXTURES}/autoflood/metrics.jsonl`]],
      ['keras', ['--log', `${FIXTURES}/keras.csv`, '--classes', '2']],
      ['lightning', ['--log', `${FIXTURES}/lightning/metrics.csv`, '--classes', '2']],
      ['keras, percent', ['--log', `${FIXTURES}/keras-percent.csv`, '--classes', '2']],
      ['csv, mapped', ['--log', `${FIXTURES}/named.csv`, '--classes', '2', '--epoch-column', 'iteration', '--train-loss-column', 'fit_nll', '--train-acc-column', 'fit_hits', '--val-loss-column', 'holdout_nll', '--val-acc-column', 'holdout_hits']],
      ['jsonl', ['--log', `${FIXTURES}/plain.jsonl`, '--classes', '2']],
    ];
    const outs = await all([...logs.map(([, a]) => [...a, '--json']), ...logs.map(([, a]) => [...a, '--json', '--method', 'rule'])]);
    logs.forEach(([what], i) => {
      const agent = json(outs[i]);
      assert.equal(agent.level, twin.level, `${what}: agent`);
      assert.equal(agent.multiple, twin.multiple);
      assert.deepEqual(agent.agent, { file: 'agents/default-agent.json', design: 'twin' });
      assert.equal(agent.epochs, 20);
      assert.equal(agent.scaleEpochs, 4);
      assert.equal(agent.classes, 2);
      assert.equal(json(outs[logs.length + i]).level, rule.level, `${what}: rule`);
    });
    assert.equal(json(outs[0]).log.format, 'autoflood');
    assert.equal(json(outs[1]).log.format, 'keras');
    assert.equal(json(outs[2]).log.format, 'lightning');
    assert.equal(json(outs[3]).log.accuracy, 'percent');
    assert.match(json(outs[3]).log.notes.join('\n'), /accuracies read in percent/);
  });

  it('prints b, how it was found and one line for PyTorch, Keras and tfjs; the bound rule reads autoflood logs only', async () => {
    const inrunFile = writeInrunAgent(await tmpDir('suggest-agent'));
    const [text, bound, boundKeras, inrun, inrunKeras] = await all([
      ['--log', `${FIXTURES}/keras.csv`, '--classes', '2'],
      ['--log', `${FIXTURES}/autoflood/metrics.jsonl`, '--method', 'bound', '--json'],
      ['--log', `${FIXTURES}/keras.csv`, '--classes', '2', '--method', 'bound'],
      ['--log', `${FIXTURES}/autoflood/metrics.jsonl`, '--agent', inrunFile, '--json'],
      ['--log', `${FIXTURES}/keras.csv`, '--classes', '2', '--agent', inrunFile],
    ]);
    const b = twinLevel(await loadAgent(packageFile('agents/default-agent.json')), RUN, 2).level;
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`^b = ${b} nats\n`));
    assert.match(text.stdout, /found by: the twin agent \(agents\/default-agent\.json\) read the whole run without flooding .* chose c = [\d.]+; b = c x the loss scale [\d.]+ \(the lowest validation loss of the first 4 of 20 epochs\)/);
    assert.match(text.stdout, /log: test\/fixtures\/logs\/keras\.csv \(keras, 20 epochs, 2 classes; .*trainLoss <- loss/);
    assert.match(text.stdout, /keep whichever of the two runs validates better/);
    assert.ok(text.stdout.includes(`PyTorch:  loss = (loss - ${b}).abs() + ${b}`), text.stdout);
    assert.ok(text.stdout.includes(`Keras:    model.compile(optimizer=opt, loss=lambda y, p: tf.abs(loss_fn(y, p) - ${b}) + ${b}`), text.stdout);
    assert.ok(text.stdout.includes(`tfjs:     const flooded = loss.sub(${b}).abs().add(${b});`), text.stdout);
    assert.equal(text.stderr, '', 'nothing else printed');

    const r = boundRuleLevel(RUN.slice(0, 4), 2, 1);
    const out = json(bound);
    assert.deepEqual([out.level, out.multiple, out.noise], [r.level, r.multiple, { rate: r.noise, epoch: r.noiseEpoch }]);
    const byInrun = inrunLevel(await loadAgent(inrunFile), RUN.slice(0, 4), 2);
    assert.deepEqual([json(inrun).level, json(inrun).agent.design], [byInrun.level, 'inrun'], 'an inrun agent reads the first 20%');
    assert.ok(byInrun.level > 0);
    assert.match(inrunKeras.stderr, /--agent: the in-run agent .*inrun-agent\.json reads the per-example training losses of the first 4 epochs/);
    assert.equal(boundKeras.code, 2);
    assert.match(boundKeras.stderr, /^autoflood: error: --method: the noise-bound rule reads the per-example training losses of the first 4 epochs, which only autoflood's own metrics\.jsonl records .* use the twin agent \(the default\) or --method rule\n\(see autoflood suggest --help\)\n$/);
  });

  it('the bound rule cautions when its noise estimate says the warm-up had not learned the task (labels read as no information)', async () => {
    const file = path.join(await tmpDir('suggest-unlearned'), 'metrics.jsonl');
    writeFileSync(file, RUN.map((m) => JSON.stringify({ ...m, highLossShare: 0.55 })).join('\n'));
    const [unlearned, learned] = await all([
      ['--log', file, '--classes', '2', '--method', 'bound', '--json'],
      ['--log', `${FIXTURES}/autoflood/metrics.jsonl`, '--method', 'bound', '--json'],
    ]);
    assert.match(json(unlearned).how, /caution: 55\.0% is at or above 50%, where labels carry no information, so the warm-up's network had not learned the task/);
    assert.doesNotMatch(json(learned).how, /caution/);
  });

  it('runs as a process: JSON on stdout, and a refusal with exit code 2', async () => {
    const [ok, refused] = await Promise.all([
      spawned(['--log', `${FIXTURES}/lightning/metrics.csv`, '--classes', '2', '--json']),
      spawned(['--log', `${FIXTURES}/keras.csv`]),
    ]);
    assert.equal(json(ok).level, twinLevel(await loadAgent(packageFile('agents/default-agent.json')), RUN, 2).level);
    assert.equal(refused.code, 2);
    assert.equal(refused.stderr, 'autoflood: error: --classes: the log cannot tell the number of classes, which the agent reads; pass --classes K\n(see autoflood suggest --help)\n');
  });

  it('refuses, with one line naming the flag, logs it cannot read', async () => {
    const dir = await tmpDir('suggest');
    const file = (name: string, text: string) => {
      const f = path.join(dir, name);
      writeFileSync(f, text);
      return f;
    };
    const keras = (rows: string[]) => ['epoch,accuracy,loss,val_accuracy,val_loss', ...rows].join('\n');
    const rows = readFileSync(`${FIXTURES}/keras.csv`, 'utf8').trim().split('\n').slice(1).map((r) => r.trim());
    const flooded = RUN.map((m) => JSON.stringify({ ...m, floodLevel: m.epoch > 4 ? 0.3 : 0 })).join('\n');
    const cases: [string, string[], RegExp][] = [
      ['no --log', [], /--log: required/],
      ['a log that is not there', ['--log', '/nonexistent/metrics.csv'], /--log: no such file: \/nonexistent\/metrics\.csv/],
      ['too few epochs', ['--log', file('short.csv', keras(rows.slice(0, 3))), '--classes', '2'], /--log: .*short\.csv has 3 epochs; suggest reads a finished run of at least 5/],
      ['no validation columns', ['--log', file('noval.csv', 'epoch,accuracy,loss\n0,0.5,0.7\n'), '--classes', '2'], /--log: .*noval\.csv has no validation loss column \(looked for .*\): every method reads the loss scale/],
      ['no training accuracy for the agent', ['--log', file('noacc.csv', `epoch,loss,val_loss\n${RUN.map((m, i) => `${i},${m.trainLoss},${m.valLoss}`).join('\n')}`), '--classes', '2'],
        /--log: .*noacc\.csv has no training accuracy column .* the twin agent reads the training and validation loss and accuracy of every epoch: .* --train-acc-column/],
      ['no classes', ['--log', `${FIXTURES}/keras.csv`], /--classes: the log cannot tell the number of classes, which the agent reads; pass --classes K/],
      ['classes the log contradicts', ['--log', `${FIXTURES}/autoflood/metrics.jsonl`, '--classes', '3'], /--classes: the run's data\.json says 2 classes, not 3/],
      ['percent read as fractions', ['--log', `${FIXTURES}/keras-percent.csv`, '--classes', '2', '--accuracy', 'fraction'], /--accuracy: the log's accuracies are not fractions: training accuracy [\d.]+ at epoch \d+/],
      ['a column that is not there', ['--log', `${FIXTURES}/keras.csv`, '--classes', '2', '--val-loss-column', 'holdout'], /--val-loss-column: no column "holdout" in .*keras\.csv/],
      ['a flooded run for the twin agent', ['--log', file('flooded.jsonl', flooded), '--classes', '2'], /--log: epoch 5 of .*flooded\.jsonl was trained with flooding \(b = 0\.3\); the twin agent reads a whole run without flooding/],
      ['a summed loss', ['--log', file('summed.csv', keras(rows.map((r) => r.replace(/,([\d.e-]+)$/, (_, v: string) => `,${100 * Number(v)}`)))), '--classes', '2'],
        /--log: .*summed\.csv: the lowest validation loss is [\d.]+, above 4 x ln\(2\) = 2\.7726: losses must be the mean cross-entropy per example in nats/],
      ['a steps agent', ['--log', `${FIXTURES}/keras.csv`, '--classes', '2', '--agent', packageFile('agents/steps-agent.json')], /--agent: .*steps-agent\.json is a steps agent: it sets b at several epochs during a run, .*autoflood serve/],
      ['an unknown format', ['--log', `${FIXTURES}/keras.csv`, '--format', 'tensorboard'], /--format: expected one of auto, keras, lightning, autoflood, csv, jsonl, got "tensorboard"/],
    ];
    const outs = await all(cases.map(([, args]) => args));
    cases.forEach(([what, , pattern], i) => {
      assert.equal(outs[i].code, 2, `${what}: ${outs[i].stderr}`);
      const lines = outs[i].stderr.trim().split('\n');
      assert.equal(lines.length, 2, `${what}: the error and the hint to --help: ${outs[i].stderr}`);
      assert.match(lines[0], new RegExp(`^autoflood: error: ${pattern.source}`), what);
      assert.equal(outs[i].stdout, '', what);
    });
  });
});
