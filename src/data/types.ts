/**
 * Datasets are plain typed arrays, not tensors: they cross worker threads for free, cannot
 * leak GPU/wasm memory, and the training loop decides when to upload them.
 */

/** One split of a dataset. */
export interface Split {
  /** Features, row-major: n * prod(featureShape) values. */
  x: Float32Array;
  /** Labels used for training and for "noisy" accuracy: n class indices in [0, numClasses). */
  y: Int32Array;
  /** The labels before label noise was applied: n class indices. Equal to `y` at noise 0. */
  yClean: Int32Array;
  /** Number of examples. */
  n: number;
}

export interface Dataset {
  /** Dataset name as given on the command line ('two-gaussians', 'mnist', 'csv:data.csv', ...). */
  name: string;
  /** Shape of one example, e.g. [10] for Two Gaussians, [784] for MNIST, [32, 32, 3] for CIFAR-10. */
  featureShape: number[];
  numClasses: number;
  /** Class names in index order, when the data names its classes (CSV labels); absent: the indices. */
  classNames?: string[];
  train: Split;
  val: Split;
  test: Split;
}

/** Everything that defines a dataset instance. */
export interface DatasetOptions {
  /** 'two-gaussians' | 'spiral' | 'sinusoid' | 'mnist' | 'fashion-mnist' | 'cifar10' | 'csv:<path>'. */
  name: string;
  /** Seed for sampling, splitting, subsetting and label noise. */
  seed: number;
  /** Symmetric label-noise rate in [0, 1): floor(n * noise) labels flipped in each split. */
  noise: number;
  /** Synthetic: training examples in total (both classes). Real data: optional subset size. */
  trainSize?: number;
  /** Synthetic: validation examples in total. Real data: optional subset size of the validation split. */
  valSize?: number;
  /** Synthetic: test examples in total (default 20,000 = 10,000 per class). Real data: optional subset. */
  testSize?: number;
  /** Fraction of the official training set held out for validation on real data (default 0.2). */
  valFraction?: number;
  /** Directory with the CIFAR-10 binary files, or with MNIST/Fashion-MNIST IDX files to override the defaults. */
  dataDir?: string;
  /** CSV datasets: the label column, by header name or 0-based index (default: the last column). */
  labelColumn?: string;
  /** CSV: whether the first row is a header (absent: detected). */
  csvHeader?: boolean;
  /** Spiral: standard deviation of the Gaussian noise added to each coordinate. */
  spiralNoise?: number;
}
