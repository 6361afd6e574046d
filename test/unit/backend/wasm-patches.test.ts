/**
 * The wasm backend's patched kernels (src/backend/wasm-patches.ts) against the cpu backend:
 * same inputs on both, results within 1e-4 of the largest magnitude.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../src/backend/index.js';

before(async () => {
  await initBackend('wasm');
});

/** Deterministic values in [-1, 1) from a 32-bit LCG. */
function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** A tensor of `shape` filled with values(seed). */
function input(shape: number[], seed: number): tf.Tensor {
  return tf.tensor(values(shape.reduce((a, b) => a * b, 1), seed), shape);
}

/** Runs `f` on the cpu and then the wasm backend; returns both results as flat arrays. */
async function onBoth(f: () => tf.Tensor[]): Promise<{ cpu: Float32Array[]; wasm: Float32Array[] }> {
  const run = async (backend: string) => {
    await tf.setBackend(backend);
    const outs = tf.tidy(f);
    const data = outs.map((t) => Float32Array.from(t.dataSync()));
    tf.dispose(outs);
    return data;
  };
  const cpu = await run('cpu');
  const wasm = await run('wasm');
  return { cpu, wasm };
}

/** Asserts max |a - b| <= tol * max(1, max |a|) for every pair. */
function assertClose(cpu: Float32Array[], wasm: Float32Array[], label: string, tol = 1e-4): void {
  assert.equal(cpu.length, wasm.length);
  cpu.forEach((a, k) => {
    const b = wasm[k];
    assert.equal(a.length, b.length, `${label} [${k}]: lengths`);
    let diff = 0;
    let scale = 1;
    for (let i = 0; i < a.length; i++) {
      diff = Math.max(diff, Math.abs(a[i] - b[i]));
      scale = Math.max(scale, Math.abs(a[i]));
    }
    assert.ok(Number.isFinite(diff) && diff <= tol * scale, `${label} [${k}]: max diff ${diff} (scale ${scale})`);
  });
}

describe('wasm transposed matMul', () => {
  const cases: { a: number[]; b: number[]; ta: boolean; tb: boolean }[] = [];
  for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
    cases.push({ a: ta ? [7, 5] : [5, 7], b: tb ? [3, 7] : [7, 3], ta, tb });
    cases.push({ a: ta ? [4, 7, 5] : [4, 5, 7], b: tb ? [4, 3, 7] : [4, 7, 3], ta, tb });
  }
  for (const { a, b, ta, tb } of cases) {
    it(`[${a}] x [${b}] transposeA=${ta} transposeB=${tb}: value and gradients`, async () => {
      const { cpu, wasm } = await onBoth(() => {
        const x = input(a, 1);
        const y = input(b, 2);
        const out = tf.matMul(x, y, ta, tb);
        const w = input(out.shape, 3);
        const grads = tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(tf.matMul(p, q, ta, tb), w)))([x, y]);
        return [out, ...grads];
      });
      assertClose(cpu, wasm, 'matMul');
    });
  }

  it('fused matMul (dense layer with bias and relu): value and gradients', async () => {
    const { cpu, wasm } = await onBoth(() => {
      const x = input([6, 9], 4);
      const k = input([9, 5], 5);
      const bias = input([5], 6);
      const f = (p: tf.Tensor, q: tf.Tensor, r: tf.Tensor) =>
        tf.sum(tf.square(tf.fused.matMul({ a: p as tf.Tensor2D, b: q as tf.Tensor2D, bias: r, activation: 'relu' })));
      return [tf.fused.matMul({ a: x as tf.Tensor2D, b: k as tf.Tensor2D, transposeB: false, bias }), ...tf.grads(f)([x, k, bias])];
    });
    assertClose(cpu, wasm, 'fused matMul');
  });
});

describe('wasm conv2d gradients (filter: added kernel; input: via Conv2D)', () => {
  const sizes: [number, number][] = [[8, 8], [7, 7], [9, 6]];
  for (const [h, w] of sizes) {
    for (const k of [3, 1]) {
      for (const stride of [1, 2]) {
        for (const pad of ['same', 'valid', 1] as const) {
          it(`x [2, ${h}, ${w}, 3], filter ${k}x${k}x3x4, stride ${stride}, pad ${pad}`, async () => {
            const { cpu, wasm } = await onBoth(() => {
              const x = input([2, h, w, 3], 7) as tf.Tensor4D;
              const f = input([k, k, 3, 4], 8) as tf.Tensor4D;
              const out = tf.conv2d(x, f, stride, pad);
              const dy = input(out.shape, 9);
              const loss = (p: tf.Tensor, q: tf.Tensor) =>
                tf.sum(tf.mul(tf.conv2d(p as tf.Tensor4D, q as tf.Tensor4D, stride, pad), dy));
              const [dx, df] = tf.grads(loss)([x, f]);
              return [out, dx, df];
            });
            assertClose(cpu, wasm, 'conv2d');
          });
        }
      }
    }
  }
});

describe('wasm Tile by block copies', () => {
  const cases: [number[], number[]][] = [
    [[1, 1, 1, 5], [2, 3, 4, 1]], // batch norm's gradient
    [[2, 3], [3, 2]],
    [[4], [3]],
    [[2, 1, 3], [1, 4, 2]],
    [[3, 2, 2], [1, 1, 1]],
  ];
  for (const [shape, reps] of cases) {
    it(`[${shape}] by [${reps}]`, async () => {
      const { cpu, wasm } = await onBoth(() => [tf.tile(input(shape, 10), reps)]);
      assertClose(cpu, wasm, 'tile', 0);
    });
  }

  it('int32 and bool keep their dtype and values', async () => {
    await tf.setBackend('wasm');
    const ints = tf.tile(tf.tensor2d([[1, 2], [3, 4]], [2, 2], 'int32'), [2, 3]);
    assert.equal(ints.dtype, 'int32');
    assert.deepEqual(ints.arraySync()[3], [3, 4, 3, 4, 3, 4]);
    const bools = tf.tile(tf.tensor1d([true, false], 'bool'), [2]);
    assert.equal(bools.dtype, 'bool');
    assert.deepEqual(Array.from(bools.dataSync()), [1, 0, 1, 0]);
    tf.dispose([ints, bools]);
  });

  it('batch norm gradients match the cpu backend', async () => {
    const { cpu, wasm } = await onBoth(() => {
      const x = input([3, 4, 5, 6], 11);
      const gamma = input([6], 12);
      const beta = input([6], 13);
      const dy = input([3, 4, 5, 6], 14);
      const f = (p: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
        const { mean, variance } = tf.moments(p, [0, 1, 2]);
        return tf.sum(tf.mul(tf.batchNorm(p, mean, variance, b, g, 1e-5), dy));
      };
      return tf.grads(f)([x, gamma, beta]);
    });
    assertClose(cpu, wasm, 'batch norm');
  });
});

describe('wasm Identity and same-dtype Cast share buffers', () => {
  it('clone and float32 cast allocate no buffer and survive disposal of the source', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor1d([1.5, -2, 3]);
    const buffers = tf.memory().numDataBuffers;
    const copy = x.clone();
    const same = tf.cast(x, 'float32');
    assert.equal(tf.memory().numDataBuffers, buffers, 'no new buffers');
    x.dispose();
    assert.deepEqual(Array.from(copy.dataSync()), [1.5, -2, 3]);
    copy.dispose();
    assert.deepEqual(Array.from(same.dataSync()), [1.5, -2, 3]);
    same.dispose();
    assert.equal(tf.memory().numDataBuffers, buffers - 1, 'buffer freed with its last user');
  });

  it('a cast that converts still converts', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor1d([1.7, -2.2, 0]);
    const ints = tf.cast(x, 'int32');
    const floats = tf.cast(ints, 'float32');
    assert.equal(ints.dtype, 'int32');
    assert.deepEqual(Array.from(ints.dataSync()), [1, -2, 0]);
    assert.equal(floats.dtype, 'float32');
    assert.deepEqual(Array.from(floats.dataSync()), [1, -2, 0]);
    tf.dispose([x, ints, floats]);
  });
});
