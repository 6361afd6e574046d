/**
 * The log reader: the fixtures made from one real autoflood run (test/fixtures/logs/make.ts) read
 * back as the same epochs in every format, column mapping, Lightning's rows, percent accuracies,
 * and a clear error for each kind of log that cannot be read.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { OptionError } from '../../../src/core/errors.js';
import type { EpochMetrics } from '../../../src/train/controller.js';
import { detectFormat, parseLog, readLog, requireFields, type TrainingLog } from '../../../src/train/logs.js';

const FIXTURES = path.resolve('test/fixtures/logs');
const fixture = (name: string) => path.join(FIXTURES, name);
const reference: EpochMetrics[] = readFileSync(fixture('autoflood/metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as EpochMetrics);

/** The four metrics of every epoch match the autoflood run's (to 1e-12: percent divided by 100). */
function sameEpochs(log: TrainingLog): void {
  assert.equal(log.history.length, reference.length);
  log.history.forEach((m, i) => {
    const r = reference[i];
    assert.equal(m.epoch, i + 1);
    for (const f of ['trainLoss', 'trainAcc', 'valLoss', 'valAcc'] as const) assert.ok(Math.abs(m[f] - r[f]) < 1e-12, `epoch ${m.epoch} ${f}: ${m[f]} vs ${r[f]}`);
  });
}

/** Asserts `fn` throws an OptionError on `option` whose detail matches `pattern`. */
function refuses(fn: () => unknown, option: string, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof OptionError, String(err));
    assert.equal(err.option, option, err.message);
    assert.match(err.detail, pattern);
    return true;
  });
}

describe('log formats', () => {
  it('reads the same 20 epochs from Keras, Lightning, autoflood, a CSV with mapped columns and plain JSON lines', async () => {
    const keras = await readLog(fixture('keras.csv'));
    assert.equal(keras.format, 'keras');
    assert.deepEqual(keras.columns, { epoch: 'epoch', trainLoss: 'loss', trainAcc: 'accuracy', valLoss: 'val_loss', valAcc: 'val_accuracy' });
    assert.equal(keras.accuracy, 'fraction');
    assert.equal(keras.classes, undefined, 'a Keras log cannot tell its classes');
    sameEpochs(keras);

    const lightning = await readLog(fixture('lightning/metrics.csv'));
    assert.equal(lightning.format, 'lightning');
    assert.deepEqual(lightning.columns, { epoch: 'epoch', trainLoss: 'train_loss_epoch', trainAcc: 'train_acc_epoch', valLoss: 'val_loss', valAcc: 'val_acc' });
    sameEpochs(lightning);

    const own = await readLog(fixture('autoflood/metrics.jsonl'));
    assert.equal(own.format, 'autoflood');
    assert.equal(own.classes, 2, 'from the data.json beside it');
    assert.equal(own.lossStats, true);
    assert.deepEqual(own.history, reference, 'autoflood metrics are read as written');

    const named = await readLog(fixture('named.csv'), { columns: { epoch: 'iteration', trainLoss: 'fit_nll', trainAcc: 'fit_hits', valLoss: 'holdout_nll', valAcc: 'holdout_hits' } });
    assert.equal(named.format, 'csv');
    sameEpochs(named);

    const plain = await readLog(fixture('plain.jsonl'));
    assert.equal(plain.format, 'jsonl');
    assert.equal(plain.columns.epoch, undefined, 'no epoch column: one line per epoch');
    assert.equal(plain.lossStats, false);
    sameEpochs(plain);
  });

  it('detects percent accuracies and divides them by 100, saying so; --accuracy fraction refuses them, --accuracy percent reads them the same', async () => {
    const log = await readLog(fixture('keras-percent.csv'));
    assert.equal(log.accuracy, 'percent');
    assert.match(log.notes.join('\n'), /accuracies read in percent \(up to [\d.]+\) and divided by 100/);
    sameEpochs(log);
    const text = readFileSync(fixture('keras-percent.csv'), 'utf8');
    refuses(() => parseLog(text, { accuracy: 'fraction' }), 'accuracy', /not fractions: training accuracy [\d.]+ at epoch \d+ \(in percent\?/);
    assert.equal(parseLog(text, { accuracy: 'percent' }).history[5].valAcc, log.history[5].valAcc, 'forced percent, as detected');
  });

  it('detects the format from the header', () => {
    assert.equal(detectFormat('epoch,accuracy,loss,val_accuracy,val_loss\n0,0.5,0.7,0.5,0.7\n'), 'keras');
    assert.equal(detectFormat('epoch,step,train_loss,val_loss\n'), 'lightning');
    assert.equal(detectFormat('{"epoch":1,"trainLoss":0.5,"valLoss":0.6,"floodLevel":0}\n'), 'autoflood');
    assert.equal(detectFormat('{"epoch":1,"loss":0.5}\n'), 'jsonl');
    assert.equal(detectFormat('step;train loss;val loss\n'), 'csv');
  });

  it("merges Lightning's rows of an epoch: training values logged per step are averaged, the validation value is the epoch's last", () => {
    const text = [
      'epoch,step,train_loss,val_acc,val_loss',
      '0,10,0.9,,', '0,20,0.7,,', '0,29,,0.55,0.80', '0,29,,0.60,0.75',
      '1,40,0.5,,', '1,50,0.3,,', '1,59,,0.7,0.6',
      '2,70,0.2,,', // the run stopped in epoch 2, before its validation
    ].join('\n');
    const log = parseLog(text);
    assert.equal(log.format, 'lightning');
    assert.deepEqual(log.history.map((m) => [m.trainLoss, m.valLoss, m.valAcc]), [[0.8, 0.75, 0.6], [0.4, 0.6, 0.7]]);
    assert.ok(log.history.every((m) => Number.isNaN(m.trainAcc)), 'no training accuracy column: NaN');
    assert.match(log.notes.join('\n'), /the last epoch logged \(2\) has no validation loss .* left out/);
  });

  it("reads Keras' history.history dumped as one JSON object of lists", () => {
    const text = JSON.stringify({ loss: [0.7, 0.6], accuracy: [0.5, 0.6], val_loss: [0.69, 0.65], val_accuracy: [0.5, 0.55], lr: [1e-3, 1e-3] }, null, 2);
    const log = parseLog(text);
    assert.equal(log.format, 'jsonl');
    assert.deepEqual(log.history.map((m) => [m.epoch, m.trainLoss, m.trainAcc, m.valLoss, m.valAcc]), [[1, 0.7, 0.5, 0.69, 0.5], [2, 0.6, 0.6, 0.65, 0.55]]);
    refuses(() => parseLog('{"loss": [0.7, 0.6], "val_loss": [0.6]}'), 'log', /val_loss has 1 values and loss 2/);
  });

  it('reads Keras NA and nan cells as missing, semicolon CSVs, quoted cells and a torn last line', () => {
    const log = parseLog('epoch;loss;"val_loss";lr\n0;0.7;0.69;NA\n1;0.6;0.65;nan\n2;0.5');
    assert.deepEqual(log.history.map((m) => [m.epoch, m.trainLoss, m.valLoss]), [[1, 0.7, 0.69], [2, 0.6, 0.65]]);
    assert.match(log.notes.join('\n'), /line 4 is cut short/);
  });
});

describe('logs that cannot be read are refused, naming what is wrong', () => {
  const keras = (rows: string[]) => ['epoch,accuracy,loss,val_accuracy,val_loss', ...rows].join('\n');
  const cases: [string, () => unknown, string, RegExp][] = [
    ['an empty file', () => parseLog('  \n', { source: 'x.csv' }), 'log', /x\.csv is empty/],
    ['a header and no epochs', () => parseLog('epoch,loss,val_loss\n'), 'log', /has a header but no epochs/],
    ['no validation columns', () => parseLog('epoch,accuracy,loss\n0,0.5,0.7\n1,0.6,0.6\n', { source: 'train.csv' }), 'log',
      /train\.csv has no validation loss column \(looked for valLoss, val_loss_epoch, val_loss, .*its columns: epoch, accuracy, loss\).*--val-loss-column/],
    ['a column named that the log does not have', () => parseLog(keras(['0,0.5,0.7,0.5,0.7']), { columns: { valLoss: 'holdout' } }), 'valLossColumn',
      /no column "holdout" in the log \(its columns: epoch, accuracy, loss, val_accuracy, val_loss\)/],
    ['an accuracy that is no accuracy', () => parseLog(keras(['0,0.5,0.7,0.5,0.7', '1,130,0.6,0.6,0.6'])), 'log', /epoch 2 has training accuracy 130 in accuracy: not an accuracy/],
    ['a negative loss', () => parseLog(keras(['0,0.5,0.7,0.5,0.7', '1,0.6,-0.2,0.6,0.6'])), 'log', /epoch 2 \(line 3\) has training loss -0\.2 in loss, below 0: not a cross-entropy loss/],
    ['a run that diverged', () => parseLog(keras(['0,0.5,0.7,0.5,0.7', '1,0.6,0.6,0.6,inf'])), 'log', /epoch 2 \(line 3\) has validation loss Infinity: the run diverged/],
    ['an epoch without its validation loss mid-run', () => parseLog(keras(['0,0.5,0.7,0.5,0.7', '1,0.6,0.6,0.6,NA', '2,0.6,0.6,0.6,0.6'])), 'log', /epoch 2 \(line 3\) has no validation loss in val_loss/],
    ['a missing epoch', () => parseLog(keras(['0,0.5,0.7,0.5,0.7', '2,0.6,0.6,0.6,0.6'])), 'log', /epoch 1 is missing \(epochs 0 and 2 are logged\)/],
    ['an epoch twice (a resumed run appending)', () => parseLog(keras(['0,0.5,0.7,0.5,0.7', '1,0.6,0.6,0.6,0.6', '1,0.6,0.6,0.6,0.6'])), 'log', /epoch 1 appears twice \(lines 3 and 4\)/],
    ['a log that starts late', () => parseLog(keras(['5,0.5,0.7,0.5,0.7', '6,0.6,0.6,0.6,0.6'])), 'log', /starts at epoch 5: the run's first epochs are missing/],
    ['a fractional epoch', () => parseLog(keras(['0.5,0.5,0.7,0.5,0.7'])), 'log', /epoch 0\.5 is not an integer/],
    ['text in a number column', () => parseLog(keras(['0,0.5,0.7,0.5,high'])), 'log', /:2: val_loss is "high", not a number/],
    ['a ragged row', () => parseLog(keras(['0,0.5,0.7', '1,0.5,0.7,0.5,0.7'])), 'log', /:2: 3 columns, the header has 5/],
    ['a header of numbers', () => parseLog('0,0.5,0.7\n1,0.6,0.6\n'), 'log', /the first line is numbers, not column names/],
    ['JSON lines forced as Keras', () => parseLog('{"loss": 1}\n', { format: 'keras' }), 'log', /is JSON lines, not a keras CSV/],
    ['a CSV forced as autoflood', () => parseLog(keras(['0,0.5,0.7,0.5,0.7']), { format: 'autoflood' }), 'log', /is not JSON lines .* not a autoflood log/],
    ['a broken JSON line mid-file', () => parseLog('{"loss": 1, "val_loss": 1}\n{"loss": \n{"loss": 1, "val_loss": 1}\n'), 'log', /:2: not valid JSON/],
    ['a JSON line that is not an object', () => parseLog('[1, 2]\n'), 'log', /:1: expected one JSON object per line/],
    ['fractions forced as percent', () => parseLog(keras(['0,0.5,0.7,0.5,0.7', '1,0.6,0.6,0.6,0.6']), { accuracy: 'percent' }), 'accuracy',
      /accuracies are at most 0\.6 .*: as percentages they would all be 1% or less; they are fractions/],
    ['an indented JSON object that is no history (a run\'s summary.json)', () => parseLog('{\n  "trainings": 3,\n  "rows": []\n}\n', { source: 'summary.json' }), 'log',
      /summary\.json: one JSON object, but not a training history: expected one object per epoch on each line/],
  ];
  for (const [what, fn, option, pattern] of cases) it(what, () => refuses(fn, option, pattern));

  it('a file that is not there, or a folder', async () => {
    await assert.rejects(readLog('/nonexistent/metrics.csv'), /no such file: \/nonexistent\/metrics\.csv/);
    await assert.rejects(readLog(FIXTURES), /is a folder; give the log file in it/);
  });

  it('requireFields names the missing field and the flag that maps it', () => {
    const log = parseLog('epoch,loss,val_loss\n0,0.7,0.7\n1,0.6,0.6\n', { source: 'a.csv' });
    refuses(() => requireFields(log, ['trainLoss', 'trainAcc'], 'the agent reads them'), 'log',
      /a\.csv has no training accuracy column \(looked for trainAcc, .*\); the agent reads them: log it every epoch, or name its column with --train-acc-column/);
    const gap = parseLog('epoch,loss,acc,val_loss\n0,0.7,0.5,0.7\n1,0.6,NA,0.6\n', { source: 'b.csv' });
    refuses(() => requireFields(gap, ['trainAcc'], 'the agent reads it'), 'log', /b\.csv: epoch 2 has no training accuracy \(column acc\)/);
    requireFields(log, ['valLoss', 'trainLoss'], 'fine');
  });
});
