/**
 * `loadDataset`: every dataset autoflood knows, by name, with train / validation / test splits,
 * a seed, and symmetric label noise applied to each split separately (clean labels kept).
 * - Synthetic tasks: each split drawn independently (defaults 1000 / 100 / 20,000 examples).
 * - MNIST, Fashion-MNIST, CIFAR-10: the official training set split by `valFraction` (default
 *   0.2) into training and validation; the official test set is the test split; the sizes
 *   take seeded subsets of these.
 * - Clusters (`clusters:<features>:<classes>`): generated tabular tasks (clusters.ts).
 * - CSV: rows split 60/20/20 into training / validation / test unless sizes are given.
 * Data, splits and noise use separate streams forked from the seed, so changing the noise rate
 * never changes the examples.
 */
import { OptionError } from '../core/errors.js';
import { loadCifar10 } from './cifar10.js';
import { CLUSTER_SIZES, clusterCentres, clusterShape, drawClusters } from './clusters.js';
import { readCsv } from './csv.js';
import { loadIdxDataset } from './mnist.js';
import { applyLabelNoise, checkNoiseRate } from './noise.js';
import { Rng } from './rng.js';
import { carveSplits, subsetIndices, takeRows, trainValIndices } from './splits.js';
import { generateSynthetic, SYNTHETIC_DIMS, SYNTHETIC_NAMES, SYNTHETIC_SIZES, type SyntheticName } from './synthetic.js';
import type { Dataset, DatasetOptions, Split } from './types.js';

export type { Dataset, DatasetOptions, Split } from './types.js';
export { Rng } from './rng.js';
export { applyLabelNoise } from './noise.js';

export const DATASET_NAMES = [...SYNTHETIC_NAMES, 'clusters:<features>:<classes>', 'mnist', 'fashion-mnist', 'cifar10', 'csv:<path>'] as const;

/** Default share of the official training set held out for validation (the paper's 80/20). */
export const DEFAULT_VAL_FRACTION = 0.2;

/** A dataset as loaded, before its name is attached and its training labels are noised. */
type Unnoised = Omit<Dataset, 'name'>;

/** A synthetic task, each split from its own stream. */
function synthetic(name: SyntheticName, o: DatasetOptions, rng: Rng): Unnoised {
  const draw = (split: string, n: number) => generateSynthetic(name, n, rng.fork(split), o.spiralNoise);
  return {
    featureShape: [SYNTHETIC_DIMS[name]],
    numClasses: 2,
    train: draw('train', o.trainSize ?? SYNTHETIC_SIZES.train),
    val: draw('val', o.valSize ?? SYNTHETIC_SIZES.val),
    test: draw('test', o.testSize ?? SYNTHETIC_SIZES.test),
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

/** A CSV file, split by carveSplits. */
async function csv(file: string, o: DatasetOptions, rng: Rng): Promise<Unnoised> {
  if (file === '') throw new Error('name: "csv:" needs a file path, as in csv:data.csv');
  const table = await readCsv(file, { labelColumn: o.labelColumn, header: o.csvHeader });
  const parts = carveSplits(table.y.length, rng.fork('split'), file, o);
  const rows = (indices: Int32Array) => takeRows(table.x, table.y, table.d, indices);
  return {
    featureShape: [table.d],
    numClasses: table.classes.length,
    classNames: table.classes,
    train: rows(parts.train),
    val: rows(parts.val),
    test: rows(parts.test),
  };
}

/** The dataset named by `o.name`, before label noise. */
async function load(o: DatasetOptions, rng: Rng): Promise<Unnoised> {
  if ((SYNTHETIC_NAMES as readonly string[]).includes(o.name)) return synthetic(o.name as SyntheticName, o, rng);
  const clusters = clusterShape(o.name);
  if (clusters !== undefined) {
    const centres = clusterCentres(clusters, rng.fork('structure'));
    const draw = (split: string, n: number) => drawClusters(clusters, centres, n, rng.fork(split));
    return {
      featureShape: [clusters.features],
      numClasses: clusters.classes,
      train: draw('train', o.trainSize ?? CLUSTER_SIZES.train),
      val: draw('val', o.valSize ?? CLUSTER_SIZES.val),
      test: draw('test', o.testSize ?? CLUSTER_SIZES.test),
    };
  }
  if (o.name === 'mnist' || o.name === 'fashion-mnist') {
    const raw = await loadIdxDataset(o.name, o.dataDir);
    return fromOfficial(o, rng, raw.featureSize, [raw.featureSize], 10, { x: raw.trainX, y: raw.trainY }, { x: raw.testX, y: raw.testY });
  }
  if (o.name === 'cifar10') {
    const { train, test } = await loadCifar10(o.dataDir);
    return fromOfficial(o, rng, 3072, [32, 32, 3], 10, train, test);
  }
  if (o.name.startsWith('csv:')) return csv(o.name.slice(4), o, rng);
  throw new OptionError('dataset', `unknown dataset "${o.name}" (known: ${DATASET_NAMES.join(', ')})`);
}

/** Rejects malformed options before any data is read; errors name the field. */
function checkOptions(o: DatasetOptions): void {
  if (typeof o.name !== 'string' || o.name === '') throw new OptionError('dataset', `must be one of ${DATASET_NAMES.join(', ')}`);
  if (!Number.isInteger(o.seed) || o.seed < 0) throw new OptionError('seed', `must be an integer >= 0, got ${o.seed}`);
  checkNoiseRate(o.noise);
  for (const field of ['trainSize', 'valSize', 'testSize'] as const) {
    const size = o[field];
    if (size !== undefined && (!Number.isInteger(size) || size < 1)) throw new OptionError(field, `must be an integer >= 1, got ${size}`);
  }
  if (o.valFraction !== undefined && !(o.valFraction > 0 && o.valFraction < 1)) {
    throw new OptionError('valFraction', `must be in (0, 1), got ${o.valFraction}`);
  }
  if (o.spiralNoise !== undefined && !(o.spiralNoise >= 0 && Number.isFinite(o.spiralNoise))) {
    throw new OptionError('spiralNoise', `must be a finite number >= 0, got ${o.spiralNoise}`);
  }
}

/**
 * Loads a dataset: same options and seed, same arrays. Label noise flips exactly
 * floor(n * noise) labels in each split (see noise.ts); `yClean` keeps the originals.
 */
export async function loadDataset(options: DatasetOptions): Promise<Dataset> {
  checkOptions(options);
  const rng = new Rng(options.seed);
  let data: Unnoised;
  try {
    data = await load(options, rng);
  } catch (err) {
    if (err instanceof OptionError) throw err;
    // Files that do not read as the dataset: the fault of the folder they came from, or of the dataset named.
    throw new OptionError(options.dataDir !== undefined ? 'dataDir' : 'dataset', (err as Error).message);
  }
  const noisy = (split: Split, name: string): Split => ({
    ...split,
    y: applyLabelNoise(split.yClean, options.noise, data.numClasses, rng.fork(`noise-${name}`)),
  });
  return {
    name: options.name,
    featureShape: data.featureShape,
    numClasses: data.numClasses,
    ...(data.classNames === undefined ? {} : { classNames: data.classNames }),
    train: noisy(data.train, 'train'),
    val: noisy(data.val, 'val'),
    test: noisy(data.test, 'test'),
  };
}
