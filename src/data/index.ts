/**
 * `loadDataset`: every dataset autoflood knows, by name, with train / validation / test splits,
 * a seed, and symmetric label noise applied to each split separately (clean labels kept).
 */
import { loadCifar10 } from './cifar10.js';
import { readCsv } from './csv.js';
import { loadIdxDataset } from './mnist.js';
import { applyLabelNoise, checkNoiseRate } from './noise.js';
import { Rng } from './rng.js';
import { checkSize, subsetIndices, takeRows, trainValIndices } from './splits.js';
import { generateSynthetic, SYNTHETIC_DIMS, SYNTHETIC_NAMES, SYNTHETIC_SIZES, type SyntheticName } from './synthetic.js';
import type { Dataset, DatasetOptions, Split } from './types.js';

export type { Dataset, DatasetOptions, Split } from './types.js';
export { Rng } from './rng.js';
export { applyLabelNoise } from './noise.js';

export const DATASET_NAMES = [...SYNTHETIC_NAMES, 'mnist', 'fashion-mnist', 'cifar10', 'csv:<path>'] as const;

/** Default share of the official training set held out for validation (the paper's 80/20). */
export const DEFAULT_VAL_FRACTION = 0.2;

interface Unnoised {
  featureShape: number[];
  numClasses: number;
  train: Split;
  val: Split;
  test: Split;
}

function synthetic(name: SyntheticName, o: DatasetOptions, rng: Rng): Unnoised {
  const size = (v: number | undefined, fallback: number, field: string) => (v === undefined ? fallback : checkSize(v, Infinity, field));
  const draw = (split: string, n: number) => generateSynthetic(name, n, rng.fork(split), o.spiralNoise);
  return {
    featureShape: [SYNTHETIC_DIMS[name]],
    numClasses: 2,
    train: draw('train', size(o.trainSize, SYNTHETIC_SIZES.train, 'trainSize')),
    val: draw('val', size(o.valSize, SYNTHETIC_SIZES.val, 'valSize')),
    test: draw('test', size(o.testSize, SYNTHETIC_SIZES.test, 'testSize')),
  };
}

/** Official train -> seeded train/validation split; official test -> test; optional subsets. */
function fromOfficial(
  o: DatasetOptions, rng: Rng, d: number, featureShape: number[], numClasses: number,
  train: { x: Float32Array; y: Int32Array }, test: { x: Float32Array; y: Int32Array },
): Unnoised {
  const split = trainValIndices(train.y.length, o.valFraction ?? DEFAULT_VAL_FRACTION, rng.fork('split'), o.trainSize, o.valSize);
  return {
    featureShape, numClasses,
    train: takeRows(train.x, train.y, d, split.train),
    val: takeRows(train.x, train.y, d, split.val),
    test: takeRows(test.x, test.y, d, subsetIndices(test.y.length, rng.fork('test-subset'), o.testSize, 'testSize')),
  };
}

async function csv(path: string, o: DatasetOptions, rng: Rng): Promise<Unnoised> {
  const table = await readCsv(path, o.labelColumn);
  const n = table.y.length;
  const perm = rng.fork('split').permutation(n);
  const nTest = Math.round(0.2 * n);
  const test = perm.subarray(0, nTest);
  const rest = perm.subarray(nTest);
  const nVal = Math.round(0.25 * rest.length);
  const pick = (idx: Int32Array, size: number | undefined, field: string) => idx.subarray(0, checkSize(size, idx.length, field));
  return {
    featureShape: [table.d],
    numClasses: table.classes.length,
    train: takeRows(table.x, table.y, table.d, pick(rest.subarray(nVal), o.trainSize, 'trainSize')),
    val: takeRows(table.x, table.y, table.d, pick(rest.subarray(0, nVal), o.valSize, 'valSize')),
    test: takeRows(table.x, table.y, table.d, pick(test, o.testSize, 'testSize')),
  };
}

async function load(o: DatasetOptions, rng: Rng): Promise<Unnoised> {
  if ((SYNTHETIC_NAMES as readonly string[]).includes(o.name)) return synthetic(o.name as SyntheticName, o, rng);
  if (o.name === 'mnist' || o.name === 'fashion-mnist') {
    const raw = await loadIdxDataset(o.name, o.dataDir);
    return fromOfficial(o, rng, raw.featureSize, [raw.featureSize], 10, { x: raw.trainX, y: raw.trainY }, { x: raw.testX, y: raw.testY });
  }
  if (o.name === 'cifar10') {
    const { train, test } = await loadCifar10(o.dataDir);
    return fromOfficial(o, rng, 3072, [32, 32, 3], 10, train, test);
  }
  if (o.name.startsWith('csv:')) return csv(o.name.slice(4), o, rng);
  throw new RangeError(`dataset: unknown dataset "${o.name}" (known: ${DATASET_NAMES.join(', ')})`);
}

/**
 * Loads a dataset: same options and seed, same arrays. Label noise flips exactly
 * floor(n * noise) labels in each split (see noise.ts); `yClean` keeps the originals.
 */
export async function loadDataset(options: DatasetOptions): Promise<Dataset> {
  checkNoiseRate(options.noise);
  if (!Number.isInteger(options.seed) || options.seed < 0) throw new RangeError(`seed: must be an integer >= 0, got ${options.seed}`);
  const rng = new Rng(options.seed);
  const data = await load(options, rng);
  const noisy = (split: Split, name: string): Split => ({
    ...split,
    y: applyLabelNoise(split.yClean, options.noise, data.numClasses, rng.fork(`noise-${name}`)),
  });
  return {
    name: options.name,
    featureShape: data.featureShape,
    numClasses: data.numClasses,
    train: noisy(data.train, 'train'),
    val: noisy(data.val, 'val'),
    test: noisy(data.test, 'test'),
  };
}
