/**
 * Two patches that make the wasm backend fit for training (see engineering-notes.md):
 *
 * 1. Transposed matmuls. The wasm BatchMatMul kernel only takes its fast (XNNPACK) path when
 *    neither operand is transposed; with transposeA/B it is ~10x slower. Every dense layer's
 *    backward pass asks for transposed products, so we materialise the transpose with the
 *    Transpose kernel and call the untransposed kernel. Same numbers, much faster.
 * 2. Conv2DBackpropFilter. wasm has no kernel for the filter gradient, so conv nets cannot
 *    train. We compute it with the wasm Conv2D kernel itself: treating input channels as the
 *    batch and the batch as channels, dW = conv(x^T, dy^T) with dilation = the forward stride.
 *
 * Both are registered as kernels, so they are used by every op and gradient on that backend.
 */
import * as tf from '@tensorflow/tfjs';

type TensorInfo = tf.TensorInfo;
type Backend = tf.KernelBackend & { disposeData(dataId: object): void };

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

/** Re-registers `kernelName` (BatchMatMul or _FusedMatMul) so transposes go through Transpose. */
function patchTransposedMatMul(backendName: string, kernelName: string): void {
  const original = tf.getKernel(kernelName, backendName);
  if (original == null) return;
  const originalFunc = original.kernelFunc;
  tf.unregisterKernel(kernelName, backendName);
  tf.registerKernel({
    kernelName,
    backendName,
    setupFunc: original.setupFunc,
    disposeFunc: original.disposeFunc,
    kernelFunc: ({ inputs, backend, attrs }) => {
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
    },
  });
}

interface BackpropFilterAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
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

let patched = false;

/** Applies both patches to the 'wasm' backend. Idempotent. */
export function patchWasmBackend(): void {
  if (patched) return;
  patched = true;
  patchTransposedMatMul('wasm', 'BatchMatMul');
  patchTransposedMatMul('wasm', '_FusedMatMul');
  registerConv2DBackpropFilter('wasm');
}
