import assert from 'node:assert/strict';
import { OptionError } from '../../../src/core/errors.js';
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { CIFAR_TEST_FILE, CIFAR_TRAIN_FILES, fetchCifar10, readCifarBinary } from '../../../src/data/cifar10.js';
import { readIdxImages, readIdxLabels } from '../../../src/data/idx.js';
import { applyLabelNoise, loadDataset, Rng } from '../../../src/data/index.js';
import { tmpDir, writeCifarBinary } from '../../helpers.js';

const tmp = () => tmpDir('data');
const count = (y: Int32Array, c: number) => y.reduce((a, v) => a + (v === c ? 1 : 0), 0);
const differences = (a: Int32Array, b: Int32Array) => a.reduce((n, v, i) => n + (v !== b[i] ? 1 : 0), 0);
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const CIFAR_FILES = [...CIFAR_TRAIN_FILES, CIFAR_TEST_FILE];

describe('Rng', () => {
  it('is deterministic per seed, and forks give distinct reproducible streams', () => {
    const draw = (rng: Rng) => [rng.uniform(), rng.normal(), rng.int(1000), ...rng.permutation(5)];
    assert.deepEqual(draw(new Rng(3)), draw(new Rng(3)));
    assert.notDeepEqual(draw(new Rng(3)), draw(new Rng(4)));
    assert.deepEqual(draw(new Rng(3).fork('noise')), draw(new Rng(3).fork('noise')));
    assert.notDeepEqual(draw(new Rng(3).fork('noise')), draw(new Rng(3).fork('data')));
    assert.throws(() => new Rng(1).int(0), /^RangeError: n: must be an integer >= 1/);
  });

  it('draws uniform and normal values with the right moments', () => {
    const rng = new Rng(11);
    const u = Array.from({ length: 20000 }, () => rng.uniform());
    const z = Array.from({ length: 20000 }, () => rng.normal());
    const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
    assert.ok(u.every((v) => v >= 0 && v < 1));
    assert.ok(Math.abs(mean(u) - 0.5) < 0.01);
    assert.ok(Math.abs(mean(z)) < 0.03);
    assert.ok(Math.abs(mean(z.map((v) => v * v)) - 1) < 0.05);
  });
});

describe('label noise', () => {
  it('flips exactly floor(n * rate) binary labels', () => {
    const y = Int32Array.from({ length: 1001 }, (_, i) => i % 2);
    for (const rate of [0, 0.01, 0.05, 0.1, 0.37]) {
      const noisy = applyLabelNoise(y, rate, 2, new Rng(1));
      assert.equal(differences(noisy, y), Math.floor(1001 * rate), `rate ${rate}`);
    }
  });

  it('moves multi-class labels to another class, never to their own', () => {
    const y = Int32Array.from({ length: 5000 }, (_, i) => i % 10);
    const noisy = applyLabelNoise(y, 0.3, 10, new Rng(2));
    assert.equal(differences(noisy, y), 1500, 'a label "flipped" to its own class would count as unchanged');
    const targets = new Set<number>();
    noisy.forEach((v, i) => {
      assert.ok(v >= 0 && v < 10);
      if (v !== y[i]) targets.add(v);
    });
    assert.equal(targets.size, 10, 'every class receives flipped labels');
  });

  it('applies to train, validation and test separately, keeping clean labels', async () => {
    const d = await loadDataset({ name: 'two-gaussians', seed: 0, noise: 0.1, trainSize: 500, valSize: 100, testSize: 1000 });
    assert.equal(differences(d.train.y, d.train.yClean), 50);
    assert.equal(differences(d.val.y, d.val.yClean), 10);
    assert.equal(differences(d.test.y, d.test.yClean), 100);
    const clean = await loadDataset({ name: 'two-gaussians', seed: 0, noise: 0, trainSize: 500, valSize: 100, testSize: 1000 });
    assert.deepEqual(clean.train.x, d.train.x, 'the noise rate does not change the examples');
    assert.deepEqual(clean.train.y, clean.train.yClean);
  });

  it('rejects a rate outside [0, 1), naming noise', async () => {
    await assert.rejects(loadDataset({ name: 'spiral', seed: 0, noise: 1 }), /noise: must be a number in \[0, 1\)/);
    assert.throws(() => applyLabelNoise(new Int32Array(4), -0.1, 2, new Rng(0)), /noise: must be a number in \[0, 1\)/);
  });
});

describe('dataset options', () => {
  it('are checked before loading, naming the field', async () => {
    const base = { name: 'mnist', seed: 0, noise: 0 };
    await assert.rejects(loadDataset({ ...base, trainSize: 0 }), /^OptionError: trainSize: must be an integer >= 1, got 0/);
    await assert.rejects(loadDataset({ ...base, testSize: 2.5 }), /^OptionError: testSize: must be an integer >= 1/);
    await assert.rejects(loadDataset({ ...base, valFraction: 1 }), /^OptionError: valFraction: must be in \(0, 1\)/);
    await assert.rejects(loadDataset({ ...base, seed: -1 }), /^OptionError: seed: must be an integer >= 0/);
    await assert.rejects(loadDataset({ ...base, name: 'spiral', spiralNoise: -1 }), /^OptionError: spiralNoise: must be a finite number >= 0/);
  });

  it('reject an unknown dataset name, listing the known ones', async () => {
    await assert.rejects(loadDataset({ name: 'imagenet', seed: 0, noise: 0 }), /unknown dataset "imagenet" \(known: two-gaussians, spiral, sinusoid, clusters:<features>:<classes>, mnist, fashion-mnist, cifar10, csv:<path>\)/);
  });
});

describe('generated tabular tasks (clusters)', () => {
  it('have the asked width and classes, balanced labels, and the same centres in every split', async () => {
    const d = await loadDataset({ name: 'clusters:6:4', seed: 3, noise: 0.2, trainSize: 400, valSize: 200, testSize: 800 });
    assert.deepEqual(d.featureShape, [6]);
    assert.equal(d.numClasses, 4);
    assert.deepEqual([d.train.n, d.val.n, d.test.n], [400, 200, 800]);
    for (let c = 0; c < 4; c++) assert.equal(count(d.train.yClean, c), 100);
    assert.equal(differences(d.train.y, d.train.yClean), 80, 'exactly 20% of the labels flipped');
    // Class means of train and test (clean labels) agree: the splits come from the same clusters.
    const means = (split: typeof d.train) => Array.from({ length: 4 }, (_, c) => {
      const rows = Array.from({ length: split.n }, (_, i) => i).filter((i) => split.yClean[i] === c);
      return Array.from({ length: 6 }, (_, j) => rows.reduce((a, i) => a + split.x[i * 6 + j], 0) / rows.length);
    });
    const [a, b] = [means(d.train), means(d.test)];
    for (let c = 0; c < 4; c++) for (let j = 0; j < 6; j++) assert.ok(Math.abs(a[c][j] - b[c][j]) < 0.5, `class ${c} feature ${j}`);
    const again = await loadDataset({ name: 'clusters:6:4', seed: 3, noise: 0.2, trainSize: 400, valSize: 200, testSize: 800 });
    assert.deepEqual(again.train.x, d.train.x);
  });

  it('names a malformed shape', async () => {
    await assert.rejects(loadDataset({ name: 'clusters:6', seed: 0, noise: 0 }), /expected clusters:<features>:<classes>/);
    await assert.rejects(loadDataset({ name: 'clusters:6:1', seed: 0, noise: 0 }), /2 to 100 classes/);
  });
});

describe('synthetic datasets', () => {
  it('have the demo sizes, shapes and balanced classes', async () => {
    for (const [name, dim] of [['two-gaussians', 10], ['spiral', 2], ['sinusoid', 2]] as const) {
      const d = await loadDataset({ name, seed: 1, noise: 0 });
      assert.deepEqual(d.featureShape, [dim]);
      assert.equal(d.numClasses, 2);
      assert.deepEqual([d.train.n, d.val.n, d.test.n], [1000, 100, 20000]);
      for (const split of [d.train, d.val, d.test]) {
        assert.equal(split.x.length, split.n * dim);
        assert.equal(split.y.length, split.n);
        assert.ok(split.x.every(Number.isFinite));
      }
      if (name !== 'sinusoid') {
        assert.deepEqual([count(d.train.y, 1), count(d.val.y, 1), count(d.test.y, 1)], [500, 50, 10000]);
      } else {
        const share = count(d.test.y, 1) / d.test.n;
        assert.ok(share > 0.47 && share < 0.53, `sinusoid class share ${share}`);
      }
    }
  });

  it('are determined by the seed', async () => {
    for (const name of ['two-gaussians', 'spiral', 'sinusoid']) {
      const options = { name, noise: 0.05, testSize: 100 };
      const a = await loadDataset({ ...options, seed: 7 });
      const b = await loadDataset({ ...options, seed: 7 });
      const c = await loadDataset({ ...options, seed: 8 });
      for (const split of ['train', 'val', 'test'] as const) {
        assert.deepEqual(a[split].x, b[split].x);
        assert.deepEqual(a[split].y, b[split].y);
        assert.notDeepEqual(a[split].x, c[split].x);
      }
      assert.notDeepEqual(a.train.x.subarray(0, 100), a.test.x.subarray(0, 100), 'splits are drawn independently');
    }
  });

  it('two-gaussians: class means near 0 and 1', async () => {
    const d = await loadDataset({ name: 'two-gaussians', seed: 3, noise: 0 });
    const mean = (label: number) => {
      let sum = 0;
      let n = 0;
      d.test.yClean.forEach((y, i) => {
        if (y !== label) return;
        for (let j = 0; j < 10; j++) sum += d.test.x[i * 10 + j];
        n += 10;
      });
      return sum / n;
    };
    assert.ok(Math.abs(mean(0)) < 0.02 && Math.abs(mean(1) - 1) < 0.02, `${mean(0)} ${mean(1)}`);
  });

  it('spiral: without noise the points lie on the two arms', async () => {
    const d = await loadDataset({ name: 'spiral', seed: 0, noise: 0, trainSize: 10, spiralNoise: 0 });
    const a = (4 * Math.PI * 2) / 4;
    const point = (i: number) => [d.train.x[2 * i], d.train.x[2 * i + 1]];
    const close = (p: number[], q: number[]) => Math.hypot(p[0] - q[0], p[1] - q[1]) < 1e-5;
    assert.ok(close(point(2), [(a + Math.PI) * Math.cos(a), (a + Math.PI) * Math.sin(a)]), 'class 0, third of five');
    assert.ok(close(point(7), [a * Math.cos(a), a * Math.sin(a)]), 'class 1, third of five');
  });

  it('sinusoid: labels follow sign(1.5 x1 + sin(1.5 x2)) inside the disc of radius 2', async () => {
    const d = await loadDataset({ name: 'sinusoid', seed: 0, noise: 0, testSize: 2000 });
    for (let i = 0; i < d.test.n; i++) {
      const [x1, x2] = [d.test.x[2 * i], d.test.x[2 * i + 1]];
      assert.ok(x1 * x1 + x2 * x2 <= 4 + 1e-5);
      assert.equal(d.test.y[i], 1.5 * x1 + Math.sin(1.5 * x2) > 0 ? 1 : 0);
    }
  });
});

/** An IDX file: magic, dimensions, then bytes. */
function idx(magic: number, dims: number[], body: Uint8Array): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(magic, 0);
  dims.forEach((v, i) => header.writeUInt32BE(v, 4 + 4 * i));
  return Buffer.concat([header, body]);
}

describe('MNIST family', () => {
  for (const name of ['mnist', 'fashion-mnist'] as const) {
    it(`${name} loads with its canonical sizes (60000 / 10000)`, async () => {
      const d = await loadDataset({ name, seed: 0, noise: 0 });
      assert.equal(d.train.n + d.val.n, 60000);
      assert.equal(d.val.n, 12000, '80/20 split');
      assert.equal(d.test.n, 10000);
      assert.deepEqual(d.featureShape, [784]);
      assert.equal(d.numClasses, 10);
      assert.equal(d.train.x.length, d.train.n * 784);
      assert.ok(d.train.x.every((v) => v >= 0 && v <= 1));
      for (let c = 0; c < 10; c++) assert.ok(count(d.test.y, c) > 800, `class ${c}`);
    });
  }

  it('takes seeded subsets', async () => {
    const d = await loadDataset({ name: 'mnist', seed: 4, noise: 0.2, trainSize: 1000, valSize: 200, testSize: 500 });
    assert.deepEqual([d.train.n, d.val.n, d.test.n], [1000, 200, 500]);
    assert.equal(differences(d.train.y, d.train.yClean), 200);
    const again = await loadDataset({ name: 'mnist', seed: 4, noise: 0.2, trainSize: 1000, valSize: 200, testSize: 500 });
    assert.deepEqual(again.test.x, d.test.x);
    await assert.rejects(loadDataset({ name: 'mnist', seed: 0, noise: 0, valSize: 12001 }), /valSize: 12001 requested but only 12000/);
  });

  it('reads plain and gzipped IDX files from a data dir', async () => {
    const dir = await tmp();
    const pixels = Uint8Array.from({ length: 5 * 4 }, (_, i) => (i * 13) % 256);
    const labels = Uint8Array.from([0, 1, 2, 1, 0]);
    await writeFile(path.join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(idx(0x803, [5, 2, 2], pixels)));
    await writeFile(path.join(dir, 'train-labels-idx1-ubyte'), idx(0x801, [5], labels));
    await writeFile(path.join(dir, 't10k-images-idx3-ubyte'), idx(0x803, [5, 2, 2], pixels));
    await writeFile(path.join(dir, 't10k-labels-idx1-ubyte.gz'), gzipSync(idx(0x801, [5], labels)));
    const images = await readIdxImages(path.join(dir, 'train-images-idx3-ubyte.gz'));
    assert.deepEqual([images.n, images.rows, images.cols], [5, 2, 2]);
    assert.deepEqual(images.pixels, Float32Array.from(pixels, (p) => p / 255));
    assert.deepEqual(await readIdxLabels(path.join(dir, 't10k-labels-idx1-ubyte.gz')), Int32Array.from(labels));
    const d = await loadDataset({ name: 'mnist', seed: 0, noise: 0, dataDir: dir, valFraction: 0.4 });
    assert.deepEqual(d.featureShape, [4]);
    assert.deepEqual([d.train.n, d.val.n, d.test.n], [3, 2, 5]);
    assert.deepEqual(d.test.yClean, Int32Array.from(labels));
  });

  it('names a corrupt or truncated IDX file', async () => {
    const dir = await tmp();
    const badMagic = path.join(dir, 'bad-magic');
    await writeFile(badMagic, idx(0x801, [1], new Uint8Array(1)));
    await assert.rejects(readIdxImages(badMagic), new RegExp(`${escape(badMagic)}: bad IDX magic 0x00000801 \\(expected 0x00000803`));
    const empty = path.join(dir, 'empty');
    await writeFile(empty, Buffer.alloc(0));
    await assert.rejects(readIdxLabels(empty), new RegExp(`${escape(empty)}: bad IDX magic missing`));
    const truncated = path.join(dir, 'truncated.gz');
    await writeFile(truncated, gzipSync(idx(0x803, [2, 28, 28], new Uint8Array(784))));
    await assert.rejects(readIdxImages(truncated), new RegExp(`${escape(truncated)}: size 800 bytes does not match its header \\[2, 28, 28\\]`));
    const badGzip = path.join(dir, 'bad.gz');
    await writeFile(badGzip, gzipSync(idx(0x801, [1], new Uint8Array(1))).subarray(0, 12));
    await assert.rejects(readIdxLabels(badGzip), new RegExp(`${escape(badGzip)}: corrupt gzip data`));
  });

  it('names both files when image and label counts differ', async () => {
    const dir = await tmp();
    await writeFile(path.join(dir, 'train-images-idx3-ubyte'), idx(0x803, [3, 2, 2], new Uint8Array(12)));
    await writeFile(path.join(dir, 'train-labels-idx1-ubyte'), idx(0x801, [2], new Uint8Array(2)));
    await writeFile(path.join(dir, 't10k-images-idx3-ubyte'), idx(0x803, [1, 2, 2], new Uint8Array(4)));
    await writeFile(path.join(dir, 't10k-labels-idx1-ubyte'), idx(0x801, [1], new Uint8Array(1)));
    const labels = escape(path.join(dir, 'train-labels-idx1-ubyte'));
    const images = escape(path.join(dir, 'train-images-idx3-ubyte'));
    await assert.rejects(loadDataset({ name: 'mnist', seed: 0, noise: 0, dataDir: dir }), new RegExp(`${labels}: 2 labels for 3 images in ${images}`));
  });

  it('says how to get Fashion-MNIST when its files are missing', async () => {
    await assert.rejects(
      loadDataset({ name: 'fashion-mnist', seed: 0, noise: 0, dataDir: '/nonexistent' }),
      /train-images-idx3-ubyte, .* not found in \/nonexistent; install Fashion-MNIST with "apt-get install dataset-fashion-mnist".*or pass --data-dir/,
    );
  });
});

describe('CIFAR-10 binary files', () => {
  function fixture(n: number, seed: number) {
    const rng = new Rng(seed);
    const labels = Array.from({ length: n }, () => rng.int(10));
    const pixels = Uint8Array.from({ length: n * 3072 }, () => rng.int(256));
    return { labels, pixels };
  }

  async function cifarDir(perFile: number): Promise<string> {
    const dir = await tmp();
    for (const [i, f] of CIFAR_FILES.entries()) {
      const { labels, pixels } = fixture(perFile, i);
      await writeCifarBinary(path.join(dir, f), labels, pixels);
    }
    return dir;
  }

  it('reads a fixture back exactly, as NHWC in [0, 1]', async () => {
    const dir = await tmp();
    const { labels, pixels } = fixture(3, 1);
    const file = path.join(dir, 'data_batch_1.bin');
    await writeCifarBinary(file, labels, pixels);
    const { x, y } = await readCifarBinary(file);
    assert.deepEqual(Array.from(y), labels);
    assert.equal(x.length, 3 * 32 * 32 * 3);
    const expected = new Float32Array(x.length);
    for (let i = 0; i < 3; i++) {
      for (let ch = 0; ch < 3; ch++) {
        for (let p = 0; p < 1024; p++) expected[(i * 1024 + p) * 3 + ch] = pixels[i * 3072 + ch * 1024 + p] / 255;
      }
    }
    assert.deepEqual(x, expected);
    assert.equal(x[((1 * 32 + 5) * 32 + 17) * 3 + 2], Math.fround(pixels[1 * 3072 + 2 * 1024 + 5 * 32 + 17] / 255), 'image 1, row 5, col 17, blue');
  });

  it('loads a directory of batches as a dataset', async () => {
    const dir = await cifarDir(10);
    const d = await loadDataset({ name: 'cifar10', seed: 0, noise: 0.1, dataDir: dir });
    assert.deepEqual(d.featureShape, [32, 32, 3]);
    assert.equal(d.numClasses, 10);
    assert.deepEqual([d.train.n, d.val.n, d.test.n], [40, 10, 10]);
    assert.equal(d.train.x.length, 40 * 3072);
    assert.equal(differences(d.train.y, d.train.yClean), 4);
    assert.deepEqual(Array.from(d.test.yClean), fixture(10, 5).labels, 'the test batch, in order');
  });

  it('names a missing directory, missing files, a truncated file and a bad label', async () => {
    await assert.rejects(
      loadDataset({ name: 'cifar10', seed: 0, noise: 0, dataDir: '/nonexistent/cifar' }),
      /data directory \/nonexistent\/cifar does not exist \(it must hold data_batch_1\.bin, .*test_batch\.bin\); get them with "autoflood data fetch cifar10 --data-dir \/nonexistent\/cifar"/,
    );
    const partial = await tmp();
    await writeCifarBinary(path.join(partial, 'data_batch_1.bin'), [1], new Uint8Array(3072));
    await assert.rejects(
      loadDataset({ name: 'cifar10', seed: 0, noise: 0, dataDir: partial }),
      new RegExp(`data_batch_2\\.bin, data_batch_3\\.bin, data_batch_4\\.bin, data_batch_5\\.bin, test_batch\\.bin missing in ${escape(partial)}; .*autoflood data fetch cifar10`),
    );
    const dir = await tmp();
    const file = path.join(dir, 'test_batch.bin');
    await writeFile(file, Buffer.alloc(3000));
    await assert.rejects(readCifarBinary(file), new RegExp(`${escape(file)}: size 3000 bytes is not a positive multiple of 3073`));
    await writeCifarBinary(file, [3, 12], new Uint8Array(2 * 3072));
    await assert.rejects(readCifarBinary(file), new RegExp(`${escape(file)}: record 1 has label 12`));
  });

  /** A gzipped ustar archive holding the six batch files, as in cifar-10-binary.tar.gz. */
  function archive(): { gz: Buffer; labels: number[] } {
    const { labels, pixels } = fixture(2, 9);
    const records = Buffer.alloc(2 * 3073);
    labels.forEach((l, i) => {
      records[i * 3073] = l;
      records.set(pixels.subarray(i * 3072, (i + 1) * 3072), i * 3073 + 1);
    });
    const entry = (name: string, data: Buffer) => {
      const header = Buffer.alloc(512);
      header.write(name, 0, 'latin1');
      header.write(data.length.toString(8).padStart(11, '0'), 124, 'latin1');
      header.write('0', 156, 'latin1');
      return Buffer.concat([header, data, Buffer.alloc((512 - (data.length % 512)) % 512)]);
    };
    const tar = Buffer.concat([
      entry('cifar-10-batches-bin/batches.meta.txt', Buffer.from('airplane\n')),
      ...CIFAR_FILES.map((f) => entry(`cifar-10-batches-bin/${f}`, records)),
      Buffer.alloc(1024),
    ]);
    return { gz: gzipSync(tar), labels };
  }

  /** An HTTP server on a free loopback port; `handle` answers every request. */
  async function serve(handle: Parameters<typeof createServer>[1]): Promise<{ url: string; server: Server }> {
    const server = createServer(handle);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/cifar-10-binary.tar.gz`, server };
  }

  const stop = (server: Server) => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  };

  it('fetch fails fast without a network, with a clear message', async () => {
    const started = performance.now();
    const dir = await tmp();
    await assert.rejects(
      fetchCifar10(dir, { timeoutMs: 5000 }),
      new RegExp(`cifar10: could not reach www\\.cs\\.toronto\\.edu: .*; download cifar-10-binary\\.tar\\.gz elsewhere and extract it into ${escape(dir)}`),
    );
    assert.ok(performance.now() - started < 35_000);
  });

  it('fetch times out when a server does not answer, or stalls mid-download', async () => {
    const silent = await serve(() => undefined);
    const started = performance.now();
    await assert.rejects(fetchCifar10(await tmp(), { url: silent.url, timeoutMs: 300 }), /could not reach 127\.0\.0\.1:\d+: no response within 0\.3 s/);
    assert.ok(performance.now() - started < 5000);
    await stop(silent.server);
    const stalling = await serve((_req, res) => {
      res.writeHead(200);
      res.write(Buffer.alloc(1000));
    });
    await assert.rejects(fetchCifar10(await tmp(), { url: stalling.url, timeoutMs: 300 }), /download from 127\.0\.0\.1:\d+ broke off: no data within 0\.3 s/);
    await stop(stalling.server);
  });

  it('fetch downloads, checks the MD5 and extracts the batch files', async () => {
    const { gz, labels } = archive();
    const md5 = createHash('md5').update(gz).digest('hex');
    const http = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': gz.length });
      res.end(gz);
    });
    await assert.rejects(fetchCifar10(await tmp(), { url: http.url }), new RegExp(`${escape(http.url)} has MD5 ${md5}, expected c32a1d4ab5d03f1284b67883e8d87530`));
    const dir = await tmp();
    const files = await fetchCifar10(dir, { url: http.url, md5 });
    await stop(http.server);
    assert.deepEqual(files.map((f) => path.basename(f)), CIFAR_FILES);
    assert.deepEqual(Array.from((await readCifarBinary(path.join(dir, 'test_batch.bin'))).y), labels);
  });

  it('fetch unpacks a local archive and checks its checksum', async () => {
    const { gz, labels } = archive();
    const file = path.join(await tmp(), 'cifar-10-binary.tar.gz');
    await writeFile(file, gz);
    await assert.rejects(fetchCifar10(await tmp(), { archive: file }), new RegExp(`${escape(file)} has MD5 [0-9a-f]{32}, expected c32a1d4ab5d03f1284b67883e8d87530`));
    const dir = await tmp();
    const files = await fetchCifar10(dir, { archive: file, md5: null });
    assert.equal(files.length, 6);
    assert.deepEqual(Array.from((await readCifarBinary(path.join(dir, 'data_batch_3.bin'))).y), labels);
    const d = await loadDataset({ name: 'cifar10', seed: 1, noise: 0, dataDir: dir });
    assert.deepEqual([d.train.n + d.val.n, d.test.n], [10, 2]);
    const notGzip = path.join(await tmp(), 'x.tar.gz');
    await writeFile(notGzip, 'hello');
    await assert.rejects(fetchCifar10(await tmp(), { archive: notGzip, md5: null }), new RegExp(`${escape(notGzip)} is not gzip data`));
  });
});

describe('CSV datasets', () => {
  async function csvFile(name: string, text: string): Promise<string> {
    const file = path.join(await tmp(), name);
    await writeFile(file, text);
    return file;
  }

  it('reads a header, string labels and a named label column', async () => {
    const species = ['setosa', 'versicolor', 'virginica'];
    const rows = Array.from({ length: 50 }, (_, i) => `${species[i % 3]},${i / 10},${(i * 7) % 5}`);
    const file = await csvFile('iris.csv', ['species,a,b', ...rows].join('\n'));
    const d = await loadDataset({ name: `csv:${file}`, seed: 0, noise: 0, labelColumn: 'species' });
    assert.equal(d.numClasses, 3);
    assert.deepEqual(d.featureShape, [2]);
    assert.deepEqual([d.train.n, d.val.n, d.test.n], [30, 10, 10], '60/20/20');
    for (const split of [d.train, d.val, d.test]) {
      split.yClean.forEach((y, i) => {
        const a = split.x[2 * i];
        const row = Math.round(a * 10);
        assert.equal(y, row % 3, 'sorted class names: setosa 0, versicolor 1, virginica 2');
        assert.equal(split.x[2 * i + 1], (row * 7) % 5);
      });
    }
  });

  it('keeps the first row as data when only labels are text, and orders numeric labels by value', async () => {
    const noHeader = await loadDataset({ name: `csv:${await csvFile('a.csv', '1,2,cat\n3,4,dog\n5,6,cat\n7,8,dog\n9,10,cat\n')}`, seed: 0, noise: 0 });
    assert.equal(noHeader.train.n + noHeader.val.n + noHeader.test.n, 5);
    const numeric = await loadDataset({ name: `csv:${await csvFile('b.csv', 'f,label\n0,10\n1,2\n2,2.0\n3,10\n4,2\n')}`, seed: 0, noise: 0, labelColumn: '1' });
    assert.equal(numeric.numClasses, 2, '"2" and "2.0" are one class');
    for (const split of [numeric.train, numeric.val, numeric.test]) {
      split.yClean.forEach((y, i) => assert.equal(y, split.x[i] === 0 || split.x[i] === 3 ? 1 : 0, '2 -> class 0, 10 -> class 1'));
    }
    const quoted = await loadDataset({ name: `csv:${await csvFile('c.csv', 'x,"name, full"\n1,"a, b"\n2,"c ""d"""\n3,"a, b"\n')}`, seed: 0, noise: 0, labelColumn: 'name, full' });
    assert.equal(quoted.numClasses, 2);
  });

  it('splits with explicit sizes and names a size that does not fit', async () => {
    const file = await csvFile('d.csv', Array.from({ length: 100 }, (_, i) => `${i},${i % 2}`).join('\n'));
    const d = await loadDataset({ name: `csv:${file}`, seed: 0, noise: 0, trainSize: 50, testSize: 30 });
    assert.deepEqual([d.train.n, d.val.n, d.test.n], [50, 20, 30]);
    const seen = new Set([d.train, d.val, d.test].flatMap((s) => Array.from(s.x)));
    assert.equal(seen.size, 100, 'the splits are disjoint');
    await assert.rejects(loadDataset({ name: `csv:${file}`, seed: 0, noise: 0, trainSize: 61 }), /trainSize: 61 requested but only 60/);
  });

  it('names the file, line and column of a bad cell', async () => {
    const file = await csvFile('bad.csv', 'x,y,label\n1,2,0\n3,oops,1\n');
    await assert.rejects(loadDataset({ name: `csv:${file}`, seed: 0, noise: 0 }), new RegExp(`${escape(file)}: line 3, column 1 \\("y"\\): "oops" is not a number`));
    const ragged = await csvFile('ragged.csv', '1,2,0\n3,1\n');
    await assert.rejects(loadDataset({ name: `csv:${ragged}`, seed: 0, noise: 0 }), new RegExp(`${escape(ragged)}: line 2 has 2 columns, expected 3`));
    await assert.rejects(loadDataset({ name: `csv:${file}`, seed: 0, noise: 0, labelColumn: 'z' }), /labelColumn: "z" is neither a header name nor a column index/);
  });

  it('reads a headerless file as it is shipped (UCI Letter: class names in column 0), by index', async () => {
    const letters = ['T', 'I', 'D', 'N', 'G', 'S', 'B', 'A', 'J', 'M'];
    const rows = Array.from({ length: 40 }, (_, i) => `${letters[i % 10]},${i % 7},${(i * 3) % 11},${i % 2},${(i * 5) % 13}`);
    const file = await csvFile('letter-recognition.data', rows.join('\n'));
    const d = await loadDataset({ name: `csv:${file}`, seed: 0, noise: 0, labelColumn: '0' });
    assert.equal(d.numClasses, 10);
    assert.deepEqual(d.classNames, [...letters].sort());
    assert.equal(d.train.n + d.val.n + d.test.n, 40, 'the first row is data');
    assert.deepEqual(d.featureShape, [4]);
    const sorted = [...letters].sort();
    for (const split of [d.train, d.val, d.test]) {
      split.yClean.forEach((y, k) => {
        const row = rows.find((r) => r.endsWith(`,${split.x[4 * k]},${split.x[4 * k + 1]},${split.x[4 * k + 2]},${split.x[4 * k + 3]}`) && r.startsWith(sorted[y]));
        assert.ok(row !== undefined, `a row of class ${sorted[y]} with these features`);
      });
    }
    // The header guess can be overridden either way.
    const forced = await loadDataset({ name: `csv:${file}`, seed: 0, noise: 0, labelColumn: 'T', csvHeader: true });
    assert.equal(forced.train.n + forced.val.n + forced.test.n, 39, '--header true: the first row is a header, its cells are names');
  });

  it('refuses a label column that is both a header name and another column\'s index, in words', async () => {
    const file = await csvFile('named-0.csv', 'a,b,0\n1,2,x\n3,4,y\n5,6,x\n7,8,y\n9,10,x\n');
    await assert.rejects(
      loadDataset({ name: `csv:${file}`, seed: 0, noise: 0, labelColumn: '0' }),
      (err: Error) => err instanceof OptionError && err.option === 'labelColumn' && /ambiguous.*header names column 2 "0", and 0 is also a column index/.test(err.detail),
    );
    const named = await csvFile('named-2.csv', 'a,b,2\n1,2,x\n3,4,y\n5,6,x\n7,8,y\n9,10,x\n');
    const d = await loadDataset({ name: `csv:${named}`, seed: 0, noise: 0, labelColumn: '2' });
    assert.equal(d.numClasses, 2, 'a header name that is also the same column\'s index is no ambiguity');
  });

  it('reads numbers written in full only, and names another separator when it sees one', async () => {
    const hex = await csvFile('hex.csv', 'x,label\n0x10,a\n2,b\n3,a\n4,b\n');
    await assert.rejects(loadDataset({ name: `csv:${hex}`, seed: 0, noise: 0 }), /line 2, column 0 \("x"\): "0x10" is not a number/);
    const semi = await csvFile('semi.csv', 'x;y;label\n1;2;a\n3;4;b\n');
    await assert.rejects(loadDataset({ name: `csv:${semi}`, seed: 0, noise: 0 }), /found 1 column; its cells seem separated by ";", and autoflood reads comma-separated files/);
  });
});
