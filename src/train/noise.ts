/**
 * What the per-example training losses of an epoch say about label noise. Mislabelled examples are
 * learnt last: until the network memorises them their loss stays high, so an epoch's losses split
 * into a low group (labels the network agrees with) and a high one (Arazo et al., ICML 2019). The
 * share of the high group estimates how many training labels the network cannot fit without
 * memorising them: the injected noise plus the task's own Bayes error and what the model has not
 * learnt yet. Read before memorisation (at the epoch of lowest validation loss), it sets how much
 * of the loss is irreducible, and with it where flooding should hold the training loss.
 */

/** The per-example statistics of one epoch kept in its metrics. */
export interface LossStats {
  /** Quantiles 10, 25, 50, 75, 90% of the per-example training losses (nats). */
  lossQuantiles: number[];
  /** Share of training examples whose loss exceeds ln(classes): their label is less likely than a uniform guess. */
  highLossShare: number;
  /** Weight of the high component of a two-Gaussian mixture fitted to the log losses. */
  noisyShare: number;
}

export const LOSS_QUANTILES = [0.1, 0.25, 0.5, 0.75, 0.9] as const;

/** The q-quantile of sorted values (linear between neighbours). */
function quantile(sorted: Float64Array | Float32Array, q: number): number {
  const x = q * (sorted.length - 1);
  const i = Math.floor(x);
  return i + 1 < sorted.length ? sorted[i] + (x - i) * (sorted[i + 1] - sorted[i]) : sorted[i];
}

/**
 * The weight of the upper component of a two-Gaussian mixture fitted by EM to `values` (started
 * at their 25% and 90% quantiles; 50 iterations or until the weight moves less than 1e-6). 0 when
 * the values hold no second group (the components merge).
 */
export function upperMixtureWeight(values: ArrayLike<number>): number {
  return upperWeightOfSorted(Float64Array.from(values).sort());
}

/** `upperMixtureWeight` of values already sorted ascending. */
function upperWeightOfSorted(sorted: Float64Array): number {
  const n = sorted.length;
  if (n < 4) return 0;
  let m = [quantile(sorted, 0.25), quantile(sorted, 0.9)];
  const spread = Math.max(1e-6, sorted[n - 1] - sorted[0]);
  if (m[1] - m[0] < 1e-6 * spread) return 0;
  let s = [Math.max(1e-3 * spread, (m[1] - m[0]) / 2), Math.max(1e-3 * spread, (m[1] - m[0]) / 2)];
  let w = 0.2;
  const floor = 1e-3 * spread;
  const r = new Float64Array(n);
  for (let it = 0; it < 50; it++) {
    // E step: responsibility of the upper component.
    for (let i = 0; i < n; i++) {
      const x = sorted[i];
      const lo = ((1 - w) / s[0]) * Math.exp(-0.5 * ((x - m[0]) / s[0]) ** 2);
      const hi = (w / s[1]) * Math.exp(-0.5 * ((x - m[1]) / s[1]) ** 2);
      r[i] = lo + hi > 0 ? hi / (lo + hi) : x > (m[0] + m[1]) / 2 ? 1 : 0;
    }
    // M step.
    let sumR = 0;
    let sx = [0, 0];
    for (let i = 0; i < n; i++) {
      sumR += r[i];
      sx = [sx[0] + (1 - r[i]) * sorted[i], sx[1] + r[i] * sorted[i]];
    }
    if (sumR < 1e-9 || n - sumR < 1e-9) return sumR < 1e-9 ? 0 : 1;
    const next = [sx[0] / (n - sumR), sx[1] / sumR];
    let v = [0, 0];
    for (let i = 0; i < n; i++) v = [v[0] + (1 - r[i]) * (sorted[i] - next[0]) ** 2, v[1] + r[i] * (sorted[i] - next[1]) ** 2];
    s = [Math.max(floor, Math.sqrt(v[0] / (n - sumR))), Math.max(floor, Math.sqrt(v[1] / sumR))];
    m = next;
    const nextW = sumR / n;
    const moved = Math.abs(nextW - w);
    w = nextW;
    if (moved < 1e-6) break;
  }
  // Components that ended on top of each other are one group: no high group.
  return m[1] > m[0] ? w : 0;
}

/** An epoch's per-example statistics from its per-example training losses. */
export function lossStats(losses: ArrayLike<number>, classes: number): LossStats {
  const sorted = Float64Array.from(losses).sort();
  const lnK = Math.log(classes);
  let high = 0;
  for (const l of sorted) if (l > lnK) high++;
  const logs = Float64Array.from(sorted, (l) => Math.log(Math.max(l, 1e-7)));
  return {
    lossQuantiles: LOSS_QUANTILES.map((q) => quantile(sorted, q)),
    highLossShare: high / Math.max(1, sorted.length),
    noisyShare: upperWeightOfSorted(logs),
  };
}
