/**
 * Picks the TensorFlow.js backend once at start-up: node-gpu > node > wasm > cpu.
 *
 * Every module imports `tf` from '@tensorflow/tfjs'; the native packages register their
 * 'tensorflow' backend on that same engine (they depend on the same pinned version, which npm
 * dedupes). If a native package brought its own copy of tfjs, its backend would not show up in
 * our engine: we detect that and refuse, instead of running with mixed kernels.
 * tfjs itself is loaded on the first call, so the CLI's help can read BACKEND_CHOICES quickly.
 */
import { OptionError } from '../core/errors.js';

export const BACKEND_CHOICES = ['auto', 'node-gpu', 'node', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

export interface BackendInfo {
  /** What was asked for. */
  requested: BackendChoice;
  /** What runs: 'node-gpu' | 'node' | 'wasm' | 'cpu'. */
  name: Exclude<BackendChoice, 'auto'>;
  /** tfjs's own backend name ('tensorflow', 'wasm', 'cpu'). */
  tfName: string;
  /** Why a preferred backend was skipped, for the log line. */
  skipped: string[];
}

const loadTf = () => import('@tensorflow/tfjs');

async function tryNative(pkg: string): Promise<string | undefined> {
  const tf = await loadTf();
  try {
    await import(pkg);
  } catch (err) {
    const e = err as Error & { code?: string };
    if (e.code === 'ERR_MODULE_NOT_FOUND') return `${pkg} not installed`;
    return `${pkg} not loadable (${e.message.split('\n')[0]})`;
  }
  if (tf.findBackend('tensorflow') == null) {
    return `${pkg} loaded a second copy of @tensorflow/tfjs; run "npm dedupe"`;
  }
  return undefined;
}

async function activate(tfName: string): Promise<boolean> {
  const tf = await loadTf();
  try {
    return await tf.setBackend(tfName);
  } catch {
    return false;
  }
}

/**
 * Loads and activates a backend. `auto` tries them in order of speed and falls through; a named
 * backend that cannot load is an error.
 */
export async function initBackend(requested: BackendChoice = 'auto'): Promise<BackendInfo> {
  if (!BACKEND_CHOICES.includes(requested)) {
    throw new OptionError('backend', `unknown backend "${requested}" (choose one of ${BACKEND_CHOICES.join(', ')})`);
  }
  const skipped: string[] = [];
  const order: Exclude<BackendChoice, 'auto'>[] =
    requested === 'auto' ? ['node-gpu', 'node', 'wasm', 'cpu'] : [requested];
  for (const name of order) {
    if (name === 'node-gpu' || name === 'node') {
      const pkg = name === 'node-gpu' ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node';
      const problem = await tryNative(pkg);
      if (problem == null && (await activate('tensorflow'))) {
        return { requested, name, tfName: 'tensorflow', skipped };
      }
      skipped.push(problem ?? `${pkg}: backend failed to initialise`);
    } else if (name === 'wasm') {
      await import('@tensorflow/tfjs-backend-wasm');
      if (await activate('wasm')) {
        (await import('./wasm-patches.js')).patchWasmBackend();
        return { requested, name, tfName: 'wasm', skipped };
      }
      skipped.push('wasm: backend failed to initialise');
    } else {
      if (await activate('cpu')) return { requested, name, tfName: 'cpu', skipped };
      skipped.push('cpu: backend failed to initialise');
    }
  }
  throw new OptionError('backend', `could not initialise "${requested}": ${skipped.join('; ')}`);
}

/** One line for the log: which backend runs and why the faster ones did not. */
export function describeBackend(info: BackendInfo): string {
  const why = info.skipped.length > 0 ? ` (skipped: ${info.skipped.join('; ')})` : '';
  return `backend: ${info.name}${why}`;
}
