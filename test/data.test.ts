import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { fetchCifar10, readCifarBinary, writeCifarBinary } from '../src/data/cifar10.js';
import { applyLabelNoise, loadDataset, Rng } from '../src/data/index.js';
import { readIdxImages } from '../src/data/idx.js';

const tmp = () => mkdtemp(path.join(tmpdir(), 'autoflood-data-'));
const count = (y: Int32Array, c: number) => y.reduce((a, v) => a + (v === c ? 1 : 0), 0);
const differences = (a: Int32Array, b: Int32Array) => a.reduce((n, v, i) => n + (v !== b[i] ? 1 : 0), 0);

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
    assert.equal(differences(noisy, y), 1500);
    const targets = new Set<number>();
    noisy.forEach((v, i) => {
      if (v !== y[i]) targets.add(v);
      assert.ok(v >= 0 && v < 10);
    });
    assert.equal(targets.size, 10, 'every class receives flipped labels');
  });

  it('applies to train, validation and test separately, keeping clean labels', async () => {
    const d = await loadDataset({ name: 'two-gaussians', seed: 0, noise: 0.1, trainSize: 500, valSize: 100, testSize: 1000 });
    assert.equal(differences(d.train.y, d.train.yClean), 50);
    assert.equal(differences(d.val.y, d.val.yClean), 10);
    assert.equal(differences(d.test.y, d.test.yClean), 100);
  });

  it('rejects a rate outside [0, 1), naming noise', async () => {
    await assert.rejects(loadDataset({ name: 'spiral', seed: 0, noise: 1 }), /noise: must be a number in \[0, 1\)/);
  });
});

describe('synthetic datasets', () => {
  it('have the demo sizes, shapes and balanced classes', async () => {
    for (const [name, dim] of [['two-gaussians', 10], ['spiral', 2], ['sinusoid', 2]] as const) {
      const d = await loadDataset({ name, seed: 1, noise: 0 });
      assert.deepEqual(d.featureShape, [dim]);
      assert.equal(d.numClasses, 2);
      assert.deepEqual([d.train.n, d.val.n, d.test.n], [1000, 100, 20000]);
      assert.equal(d.train.x.length, 1000 * dim);
      if (name !== 'sinusoid') {
        assert.equal(count(d.train.y, 1), 500);
        assert.equal(count(d.test.y, 1), 10000);
      } else {
        const share = count(d.test.y, 1) / d.test.n;
        assert.ok(share > 0.4 && share < 0.6, `sinusoid class share ${share}`);
      }
    }
  });

  it('are determined by the seed', async () => {
    const a = await loadDataset({ name: 'spiral', seed: 7, noise: 0.05, testSize: 100 });
    const b = await loadDataset({ name: 'spiral', seed: 7, noise: 0.05, testSize: 100 });
    const c = await loadDataset({ name: 'spiral', seed: 8, noise: 0.05, testSize: 100 });
    assert.deepEqual(a.train.x, b.train.x);
    assert.deepEqual(a.train.y, b.train.y);
    assert.notDeepEqual(a.train.x, c.train.x);
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

  it('sinusoid: labels follow sign(1.5 x1 + sin(1.5 x2)) inside the disc of radius 2', async () => {
    const d = await loadDataset({ name: 'sinusoid', seed: 0, noise: 0, testSize: 2000 });
    for (let i = 0; i < d.test.n; i++) {
      const [x1, x2] = [d.test.x[2 * i], d.test.x[2 * i + 1]];
      assert.ok(x1 * x1 + x2 * x2 <= 4 + 1e-5);
      assert.equal(d.test.y[i], 1.5 * x1 + Math.sin(1.5 * x2) > 0 ? 1 : 0);
    }
  });
});

describe('MNIST family', () => {
  for (const name of ['mnist', 'fashion-mnist'] as const) {
    it(`${name} loads with its canonical sizes (60000 / 10000)`, async () => {
      const d = await loadDataset({ name, seed: 0, noise: 0 });
      assert.equal(d.train.n + d.val.n, 60000);
      assert.equal(d.val.n, 12000, '80/20 split');
      assert.equal(d.test.n, 10000);
      assert.deepEqual(d.featureShape, [784]);
      assert.equal(d.numClasses, 10);
      assert.ok(d.train.x.every((v) => v >= 0 && v <= 1));
      for (let c = 0; c < 10; c++) assert.ok(count(d.test.y, c) > 800, `class ${c}`);
    });
  }

  it('takes seeded subsets', async () => {
    const d = await loadDataset({ name: 'mnist', seed: 4, noise: 0.2, trainSize: 1000, valSize: 200, testSize: 500 });
    assert.deepEqual([d.train.n, d.val.n, d.test.n], [1000, 200, 500]);
    assert.equal(differences(d.train.y, d.train.yClean), 200);
  });

  it('names a corrupt or truncated IDX file', async () => {
    const dir = await tmp();
    const bad = path.join(dir, 'bad-magic');
    await writeFile(bad, Buffer.from([0, 0, 8, 1, 0, 0, 0, 0]));
    await assert.rejects(readIdxImages(bad), new RegExp(`${bad}: bad IDX magic`));
    const truncated = path.join(dir, 'truncated.gz');
    const header = Buffer.from([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 28, 0, 0, 0, 28]);
    await writeFile(truncated, gzipSync(Buffer.concat([header, Buffer.alloc(784)])));
    await assert.rejects(readIdxImages(truncated), new RegExp(`${truncated}: size .* does not match its header`));
  });

  it('says how to get Fashion-MNIST when a data dir lacks it', async () => {
    await assert.rejects(loadDataset({ name: 'fashion-mnist', seed: 0, noise: 0, dataDir: '/nonexistent' }), /train-images-idx3-ubyte.*not found in \/nonexistent/);
  });
});

describe('CIFAR-10 binary files', () => {
  async function fixture(n: number, seed: number) {
    const rng = new Rng(seed);
    const labels = Array.from({ length: n }, () => rng.int(10));
    const pixels = Uint8Array.from({ length: n * 3072 }, () => rng.int(256));
    return { labels, pixels };
  }

  it('reads a fixture back exactly, as NHWC in [0, 1]', async () => {
    const dir = await tmp();
    const { labels, pixels } = await fixture(3, 1);
    const file = path.join(dir, 'data_batch_1.bin');
    await writeCifarBinary(file, labels, pixels);
    const { x, y } = await readCifarBinary(file);
    assert.deepEqual(Array.from(y), labels);
    for (let i = 0; i < 3; i++) {
      for (const [row, col, ch] of [[0, 0, 0], [5, 17, 1], [31, 31, 2]]) {
        const p = row * 32 + col;
        assert.equal(x[((i * 32 + row) * 32 + col) * 3 + ch], Math.fround(pixels[i * 3072 + ch * 1024 + p] / 255));
      }
    }
  });

  it('loads a directory of batches as a dataset', async () => {
    const dir = await tmp();
    for (const [i, f] of ['data_batch_1', 'data_batch_2', 'data_batch_3', 'data_batch_4', 'data_batch_5', 'test_batch'].entries()) {
      const { labels, pixels } = await fixture(10, i);
      await writeCifarBinary(path.join(dir, `${f}.bin`), labels, pixels);
    }
    const d = await loadDataset({ name: 'cifar10', seed: 0, noise: 0.1, dataDir: dir });
    assert.deepEqual(d.featureShape, [32, 32, 3]);
    assert.deepEqual([d.train.n, d.val.n, d.test.n], [40, 10, 10]);
    assert.equal(differences(d.train.y, d.train.yClean), 4);
  });

  it('names a missing directory and a truncated file', async () => {
    await assert.rejects(loadDataset({ name: 'cifar10', seed: 0, noise: 0, dataDir: '/nonexistent/cifar' }), /\/nonexistent\/cifar does not exist.*autoflood data fetch cifar10/);
    const dir = await tmp();
    const file = path.join(dir, 'test_batch.bin');
    await writeFile(file, Buffer.alloc(3000));
    await assert.rejects(readCifarBinary(file), new RegExp(`${file}: size 3000 bytes is not a whole number`));
  });

  it('fetch fails fast without a network, with a clear message', async () => {
    const started = performance.now();
    await assert.rejects(fetchCifar10(await tmp(), { timeoutMs: 5000 }), /cifar10: could not reach www\.cs\.toronto\.edu/);
    assert.ok(performance.now() - started < 10_000);
  });

  it('fetch unpacks a local archive and checks its checksum', async () => {
    const { labels, pixels } = await fixture(2, 9);
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
    const names = ['data_batch_1', 'data_batch_2', 'data_batch_3', 'data_batch_4', 'data_batch_5', 'test_batch'];
    const tar = Buffer.concat([...names.map((n) => entry(`cifar-10-batches-bin/${n}.bin`, records)), Buffer.alloc(1024)]);
    const archive = path.join(await tmp(), 'cifar-10-binary.tar.gz');
    await writeFile(archive, gzipSync(tar));
    await assert.rejects(fetchCifar10(await tmp(), { archive }), /archive MD5 .* does not match/);
    const dir = await tmp();
    const files = await fetchCifar10(dir, { archive, md5: null });
    assert.equal(files.length, 6);
    assert.deepEqual(Array.from((await readCifarBinary(path.join(dir, 'test_batch.bin'))).y), labels);
  });
});

describe('CSV datasets', () => {
  it('reads a header, string labels and a named label column', async () => {
    const file = path.join(await tmp(), 'iris.csv');
    const rows = Array.from({ length: 50 }, (_, i) => `${i % 3 === 0 ? 'setosa' : i % 3 === 1 ? 'versicolor' : 'virginica'},${i / 10},${(i * 7) % 5}`);
    await writeFile(file, ['species,a,b', ...rows].join('\n'));
    const d = await loadDataset({ name: `csv:${file}`, seed: 0, noise: 0, labelColumn: 'species' });
    assert.equal(d.numClasses, 3);
    assert.deepEqual(d.featureShape, [2]);
    assert.equal(d.train.n + d.val.n + d.test.n, 50);
  });

  it('names the file, line and column of a bad cell', async () => {
    const file = path.join(await tmp(), 'bad.csv');
    await writeFile(file, 'x,y,label\n1,2,0\n3,oops,1\n');
    await assert.rejects(loadDataset({ name: `csv:${file}`, seed: 0, noise: 0 }), new RegExp(`${file}:3: column "y" holds "oops"`));
  });

  it('rejects an unknown dataset name, listing the known ones', async () => {
    await assert.rejects(loadDataset({ name: 'imagenet', seed: 0, noise: 0 }), /unknown dataset "imagenet" \(known: two-gaussians/);
  });
});
