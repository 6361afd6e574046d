/**
 * Patches that make the wasm backend fit for training (measured in docs/datasets-and-backends.md, "Backends and speed"):
 *
 * 1. Transposed matmuls. The wasm BatchMatMul kernel only takes its fast (XNNPACK) path when
 *    neither operand is transposed; with transposeA/B it is ~10x slower. Every dense layer's
 *    backward pass asks for transposed products, so we materialise the transpose with the
 *    Transpose kernel and call the untransposed kernel. Same numbers, much faster.
 * 2. Conv2DBackpropFilter. wasm has no kernel for the filter gradient, so conv nets cannot
 *    train. We compute it with the wasm Conv2D kernel itself: treating input channels as the
 *    batch and the batch as channels, dW = conv(x^T, dy^T) with dilation = the forward stride.
 * 3. Identity and same-dtype Cast share the input's buffer (as on the cpu backend) instead of
 *    copying it. The engine clones every tensor it saves for the backward pass, and tfjs ops
 *    cast float32 to float32 freely; with copies, ResNet-44 at batch 128 needs more than the
 *    4 GB a wasm heap can hold and aborts. Shared buffers are safe: tfjs never writes to a
 *    kernel's input.
 * 4. Conv2DBackpropInput. The wasm kernel is a plain loop, ~8x slower than Conv2D. The input
 *    gradient is a convolution of dy (dilated by the stride) with the filter rotated by 180
 *    degrees and its channels swapped, so we run it through the XNNPACK Conv2D kernel.
 * 5. Tile. The wasm kernel computes an index per element; batch norm's gradient tiles a [C]
 *    vector to the full activation shape for every layer. We copy whole blocks instead.
 *
 * All are registered as kernels, so they are used by every op and gradient on that backend.
 */
import * as tf from '@tensorflow/tfjs';

type TensorInfo = tf.TensorInfo;
type Backend = tf.KernelBackend & { disposeData(dataId: object): void; incRef(dataId: object): void };

/** Calls a kernel registered for `backendName` directly. */
function callKernel(
  backendName: string,
  name: string,
  backend: Backend,
  inputs: tf.NamedTensorInfoMap,
  attrs: tf.NamedAttrMap,
): TensorInfo {
  const kernel = tf.getKernel(name, backendName);
  if (kernel == null) throw new Error(`kernel ${name} is not registered for backend ${backendName}`);
  return kernel.kernelFunc({ inputs, backend, attrs }) as TensorInfo;
}

/** Permutation that swaps the last two axes of a rank-`rank` tensor. */
function swapLastTwo(rank: number): number[] {
  const perm = [...Array(rank).keys()];
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
  return perm;
}

/**
 * Replaces the kernel `kernelName` of `backendName` with `wrap(original)`, keeping its setup and
 * dispose hooks. Does nothing when the backend has no such kernel.
 */
function replaceKernel(backendName: string, kernelName: string, wrap: (original: tf.KernelFunc) => tf.KernelFunc): void {
  const original = tf.getKernel(kernelName, backendName);
  if (original == null) return;
  tf.unregisterKernel(kernelName, backendName);
  tf.registerKernel({
    kernelName,
    backendName,
    setupFunc: original.setupFunc,
    disposeFunc: original.disposeFunc,
    kernelFunc: wrap(original.kernelFunc),
  });
}

/** Re-registers `kernelName` (BatchMatMul or _FusedMatMul) so transposes go through Transpose. */
function patchTransposedMatMul(backendName: string, kernelName: string): void {
  replaceKernel(backendName, kernelName, (originalFunc) => ({ inputs, backend, attrs }) => {
    const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
    if (!transposeA && !transposeB) return originalFunc({ inputs, backend, attrs });
    const b = backend as Backend;
    const temporaries: TensorInfo[] = [];
    const untransposed = (x: TensorInfo): TensorInfo => {
      const t = callKernel(backendName, 'Transpose', b, { x }, { perm: swapLastTwo(x.shape.length) });
      temporaries.push(t);
      return t;
    };
    const newInputs = { ...inputs };
    if (transposeA) newInputs.a = untransposed(inputs.a as TensorInfo);
    if (transposeB) newInputs.b = untransposed(inputs.b as TensorInfo);
    const out = originalFunc({
      inputs: newInputs,
      backend,
      attrs: { ...attrs, transposeA: false, transposeB: false },
    });
    for (const t of temporaries) b.disposeData(t.dataId);
    return out;
  });
}

/** Attributes shared by the two conv gradient kernels. */
interface ConvGradAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

interface BackpropFilterAttrs extends ConvGradAttrs {
  filterShape: [number, number, number, number];
}

/**
 * Conv2DBackpropFilter from Conv2D.
 * x: [N, H, W, Cin], dy: [N, OH, OW, Cout] -> dW: [KH, KW, Cin, Cout].
 */
function registerConv2DBackpropFilter(backendName: string): void {
  if (tf.getKernel('Conv2DBackpropFilter', backendName) != null) return;
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
      const { strides, pad, dataFormat, dimRoundingMode, filterShape } =
        attrs as unknown as BackpropFilterAttrs;
      if (dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter on wasm supports NHWC only');
      const b = backend as Backend;
      const info = tf.backend_util.computeConv2DInfo(
        x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode,
      );
      const { top, bottom, left, right } = info.padInfo;
      const [kh, kw] = filterShape;
      // [Cin, H, W, N]: input channels become the batch, the batch becomes channels.
      const xT = callKernel(backendName, 'Transpose', b, { x }, { perm: [3, 1, 2, 0] });
      // [OH, OW, N, Cout]: the output gradient becomes the filter.
      const dyT = callKernel(backendName, 'Transpose', b, { x: dy }, { perm: [1, 2, 0, 3] });
      // [Cin, KH', KW', Cout] with KH' >= KH (extra rows appear only with 'valid' leftovers).
      const conv = callKernel(backendName, 'Conv2D', b, { x: xT, filter: dyT }, {
        strides: [1, 1],
        pad: [[0, 0], [top, Math.max(bottom, 0)], [left, Math.max(right, 0)], [0, 0]],
        dataFormat: 'NHWC',
        dilations: [info.strideHeight, info.strideWidth],
        dimRoundingMode: 'floor',
      });
      const toFree: TensorInfo[] = [xT, dyT, conv];
      let cropped = conv;
      if (conv.shape[1] !== kh || conv.shape[2] !== kw) {
        cropped = callKernel(backendName, 'Slice', b, { x: conv }, {
          begin: [0, 0, 0, 0],
          size: [conv.shape[0], kh, kw, conv.shape[3]],
        });
        toFree.push(cropped);
      }
      const out = callKernel(backendName, 'Transpose', b, { x: cropped }, { perm: [1, 2, 0, 3] });
      for (const t of toFree) b.disposeData(t.dataId);
      return out;
    },
  });
}

/**
 * Re-registers Identity and Cast so that, when no conversion is needed, the output shares the
 * input's buffer (reference-counted by the backend) instead of copying it.
 */
function patchSharedIdentity(backendName: string, kernelName: 'Identity' | 'Cast'): void {
  replaceKernel(backendName, kernelName, (originalFunc) => (args) => {
    const x = args.inputs.x as TensorInfo;
    const dtype = kernelName === 'Cast' ? (args.attrs as { dtype: tf.DataType }).dtype : x.dtype;
    if (x.dtype === 'string' || dtype !== x.dtype) return originalFunc(args);
    (args.backend as Backend).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype };
  });
}

interface BackpropInputAttrs extends ConvGradAttrs {
  inputShape: [number, number, number, number];
}

/**
 * Conv2DBackpropInput through Conv2D.
 * dy: [N, OH, OW, Cout], filter: [KH, KW, Cin, Cout] -> dx: [N, H, W, Cin].
 *
 * Forward: y[o] = sum_k x[o*s + k - padTop] w[k]. Hence dx[i] = sum_j d[i + j] w[K-1-j], where
 * d is dy with s-1 zeros after every element, padded with K-1-padTop zeros in front and enough
 * zeros behind to give H outputs. NCHW and the rare shapes that would need negative padding
 * keep the original kernel.
 */
function patchConv2DBackpropInput(backendName: string): void {
  replaceKernel(backendName, 'Conv2DBackpropInput', (originalFunc) => (args) => {
    const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } = args.attrs as unknown as BackpropInputAttrs;
    if (dataFormat === 'NCHW') return originalFunc(args);
    const info = tf.backend_util.computeConv2DInfo(
      inputShape, filter.shape as [number, number, number, number], strides, 1, pad, dimRoundingMode,
    );
    const { strideHeight: sh, strideWidth: sw, outHeight: oh, outWidth: ow } = info;
    const top = info.filterHeight - 1 - info.padInfo.top;
    const left = info.filterWidth - 1 - info.padInfo.left;
    const bottom = info.inHeight + info.padInfo.top - oh * sh;
    const right = info.inWidth + info.padInfo.left - ow * sw;
    if (Math.min(top, left, bottom, right) < 0) return originalFunc(args);
    const b = args.backend as Backend;
    const toFree: TensorInfo[] = [];
    const run = (name: string, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap): TensorInfo => {
      const out = callKernel(backendName, name, b, inputs, attrs);
      toFree.push(out);
      return out;
    };
    let dilated = dy;
    if (sh > 1 || sw > 1) {
      const [n, , , cout] = dy.shape;
      // [N*OH, 1, OW, Cout] -> [N*OH, sh, OW, sw*Cout] (zeros after each row and column)
      // -> [N, OH*sh, OW*sw, Cout].
      const rows = run('Reshape', { x: dy }, { shape: [n * oh, 1, ow, cout] });
      const padded = run('PadV2', { x: rows }, {
        paddings: [[0, 0], [0, sh - 1], [0, 0], [0, (sw - 1) * cout]], constantValue: 0,
      });
      dilated = run('Reshape', { x: padded }, { shape: [n, oh * sh, ow * sw, cout] });
    }
    // [KH, KW, Cin, Cout] rotated by 180 degrees -> [KH, KW, Cout, Cin].
    const rotated = run('Reverse', { x: filter }, { dims: [0, 1] });
    const flipped = run('Transpose', { x: rotated }, { perm: [0, 1, 3, 2] });
    const dx = callKernel(backendName, 'Conv2D', b, { x: dilated, filter: flipped }, {
      strides: [1, 1],
      pad: [[0, 0], [top, bottom], [left, right], [0, 0]],
      dataFormat: 'NHWC',
      dilations: [1, 1],
      dimRoundingMode: 'floor',
    });
    for (const t of toFree) b.disposeData(t.dataId);
    return dx;
  });
}

/**
 * Tile by block copies: x [s0, ..., sk] -> [s0*r0, ..., sk*rk]. Each level writes its s_d
 * sub-blocks, then repeats the whole block r_d times with copyWithin (doubling).
 */
function patchTile(backendName: string): void {
  replaceKernel(backendName, 'Tile', (originalFunc) => (args) => {
    const x = args.inputs.x as TensorInfo;
    const { reps } = args.attrs as unknown as { reps: number[] };
    if (x.dtype === 'string' || x.shape.length === 0) return originalFunc(args);
    const b = args.backend as Backend & {
      makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
      typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array | Uint8Array;
    };
    const shape = x.shape;
    const rank = shape.length;
    const out = b.makeOutput(shape.map((s, d) => s * reps[d]), x.dtype);
    // Views after makeOutput, which may grow (and so detach) the heap.
    const src = b.typedArrayFromHeap(x);
    const dst = b.typedArrayFromHeap(out);
    if (dst.length === 0) return out;
    // inSize[d] / outSize[d]: elements of one index along axis d-1, in x and in the output.
    const inSize = new Array<number>(rank + 1).fill(1);
    const outSize = new Array<number>(rank + 1).fill(1);
    for (let d = rank - 1; d >= 0; d--) {
      inSize[d] = inSize[d + 1] * shape[d];
      outSize[d] = outSize[d + 1] * shape[d] * reps[d];
    }
    const fill = (d: number, srcOffset: number, dstOffset: number): void => {
      const block = shape[d] * outSize[d + 1];
      if (d === rank - 1) {
        dst.set(src.subarray(srcOffset, srcOffset + shape[d]), dstOffset);
      } else {
        for (let i = 0; i < shape[d]; i++) fill(d + 1, srcOffset + i * inSize[d + 1], dstOffset + i * outSize[d + 1]);
      }
      for (let done = block; done < outSize[d]; done *= 2) {
        dst.copyWithin(dstOffset + done, dstOffset, dstOffset + Math.min(done, outSize[d] - done));
      }
    };
    fill(0, 0, 0);
    return out;
  });
}

let patched = false;

/** Applies all patches to the 'wasm' backend. Idempotent. */
export function patchWasmBackend(): void {
  if (patched) return;
  patched = true;
  patchTransposedMatMul('wasm', 'BatchMatMul');
  patchTransposedMatMul('wasm', '_FusedMatMul');
  registerConv2DBackpropFilter('wasm');
  patchSharedIdentity('wasm', 'Identity');
  patchSharedIdentity('wasm', 'Cast');
  patchConv2DBackpropInput('wasm');
  patchTile('wasm');
}
