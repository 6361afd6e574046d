/**
 * The agent's policy: a linear map from the state features to one number per output, small
 * enough (a few dozen parameters) to be searched as a whole by the cross-entropy method. Plain
 * JavaScript: no tensors to create, dispose or leak.
 */

/** A linear policy: outputs = W · features, W of [outputs][features] stored row-major in `params`. */
export class LinearPolicy {
  readonly features: number;
  readonly outputs: number;
  readonly params: Float64Array;

  constructor(features: number, outputs: number, params?: ArrayLike<number>) {
    if (!(Number.isInteger(features) && features >= 1 && Number.isInteger(outputs) && outputs >= 1)) {
      throw new RangeError(`policy: need integer features and outputs >= 1, got ${features} and ${outputs}`);
    }
    this.features = features;
    this.outputs = outputs;
    this.params = new Float64Array(features * outputs);
    if (params !== undefined) {
      if (params.length !== this.params.length) throw new RangeError(`policy: expected ${this.params.length} parameters, got ${params.length}`);
      this.params.set(params);
    }
  }

  /** Number of parameters for a policy of this size. */
  static size(features: number, outputs: number): number {
    return features * outputs;
  }

  /** @param state [features] @returns [outputs] */
  act(state: readonly number[]): number[] {
    if (state.length !== this.features) throw new RangeError(`policy: expected ${this.features} features, got ${state.length}`);
    return Array.from({ length: this.outputs }, (_, o) => state.reduce((sum, x, i) => sum + this.params[o * this.features + i] * x, 0));
  }
}
