/**
 * The state of a `Trainer` after some epoch, as plain data, and its compact binary form.
 * `Trainer.checkpoint()` makes one, `Trainer.fromCheckpoint()` / `restore()` continue from one
 * with results identical to an uninterrupted run. The object survives structured clone (worker
 * postMessage) as it is; `encodeCheckpoint` turns it into bytes for files or other processes.
 *
 * Binary layout (integers uint32 little-endian):
 *   0  magic "AFCK"    4  format version    8  header bytes H    12  tensor bytes D
 *   16 CRC-32 of bytes 20..end    20  header: UTF-8 JSON (shapes, names, rng, history, best)
 *   20+H  tensor values: float32 little-endian, weights, then optimizer, then best weights.
 */
import { endianness } from 'node:os';
import type { RngState } from '../data/rng.js';
import type { EpochMetrics } from './controller.js';

/** One tensor's values in row-major order; `values.length` is the product of `shape`. */
export interface TensorData {
  shape: number[];
  values: Float32Array;
}

export interface TrainerCheckpoint {
  formatVersion: 1;
  /** Epochs trained so far (= history.length). */
  epoch: number;
  /** model.getWeights() in order (includes BatchNorm moving statistics). */
  weights: TensorData[];
  /**
   * optimizer.getWeights() in order: the iteration count first (shape [], exact up to 2^24
   * steps), then the slots (Adam: all first moments, then all second moments; momentum: the
   * accumulations), in the order of the trainable variables. Empty slots before the first step.
   */
  optimizer: (TensorData & { name: string })[];
  /** Shuffling and augmentation streams, positioned for the next epoch. */
  rng: { shuffle: RngState; augment: RngState };
  history: EpochMetrics[];
  /** The best-validation snapshot so far (early-stopping reading), with its weights. */
  best?: { epoch: number; valAcc: number; valAccClean: number; weights: TensorData[] };
}

export const CHECKPOINT_FORMAT_VERSION = 1 as const;
const MAGIC = 'AFCK';
const FIXED = 20;

/** The JSON header: everything but the tensor values. */
function headerOf(c: TrainerCheckpoint) {
  const shapes = (ts: TensorData[]) => ts.map((t) => t.shape);
  return {
    formatVersion: c.formatVersion,
    epoch: c.epoch,
    weights: shapes(c.weights),
    optimizer: c.optimizer.map(({ name, shape }) => ({ name, shape })),
    rng: c.rng,
    history: c.history,
    best: c.best && { ...c.best, weights: shapes(c.best.weights) },
  };
}

/** Every tensor of a checkpoint in file order. */
function tensorsOf(c: TrainerCheckpoint): TensorData[] {
  return [...c.weights, ...c.optimizer, ...(c.best?.weights ?? [])];
}

/** JSON cannot hold NaN or ±Infinity (a diverged run's loss): written as strings, read back. */
const toJson = (_: string, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v);
const fromJson = (_: string, v: unknown) => (v === 'NaN' || v === 'Infinity' || v === '-Infinity' ? Number(v) : v);

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});

/** CRC-32 (IEEE, as zip and PNG) of some bytes. */
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function checkLittleEndian(): void {
  if (endianness() !== 'LE') throw new Error('checkpoint: the binary form needs a little-endian host');
}

const product = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** The encoded form: a JSON header and the raw float32 values (see the file comment). */
export function encodeCheckpoint(c: TrainerCheckpoint): Buffer {
  checkLittleEndian();
  const header = Buffer.from(JSON.stringify(headerOf(c), toJson), 'utf8');
  const tensors = tensorsOf(c);
  for (const t of tensors) {
    if (t.values.length !== product(t.shape)) {
      throw new RangeError(`checkpoint: ${t.values.length} values for shape [${t.shape}]`);
    }
  }
  const dataBytes = tensors.reduce((n, t) => n + t.values.byteLength, 0);
  const out = Buffer.alloc(FIXED + header.length + dataBytes);
  out.write(MAGIC, 0, 'latin1');
  out.writeUInt32LE(CHECKPOINT_FORMAT_VERSION, 4);
  out.writeUInt32LE(header.length, 8);
  out.writeUInt32LE(dataBytes, 12);
  header.copy(out, FIXED);
  let offset = FIXED + header.length;
  for (const { values } of tensors) {
    out.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), offset);
    offset += values.byteLength;
  }
  out.writeUInt32LE(crc32(out.subarray(FIXED)), 16);
  return out;
}

/**
 * Reads `encodeCheckpoint`'s bytes (a Buffer, or a Uint8Array after postMessage). Every value
 * array is a fresh copy. Throws, saying what is wrong, on a buffer that is not a checkpoint, of
 * another format version, truncated, or corrupt (checksum or lengths do not match).
 */
export function decodeCheckpoint(bytes: Uint8Array): TrainerCheckpoint {
  checkLittleEndian();
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < FIXED) throw new Error(`checkpoint: truncated: ${buf.length} bytes, the fixed header alone is ${FIXED}`);
  const magic = buf.toString('latin1', 0, 4);
  if (magic !== MAGIC) throw new Error(`checkpoint: not a trainer checkpoint (starts with ${JSON.stringify(magic)}, not "${MAGIC}")`);
  const version = buf.readUInt32LE(4);
  if (version !== CHECKPOINT_FORMAT_VERSION) {
    throw new Error(`checkpoint: format version ${version} is not supported (this build reads version ${CHECKPOINT_FORMAT_VERSION})`);
  }
  const headerBytes = buf.readUInt32LE(8);
  const dataBytes = buf.readUInt32LE(12);
  const expected = FIXED + headerBytes + dataBytes;
  if (buf.length < expected) throw new Error(`checkpoint: truncated: ${buf.length} bytes, expected ${expected}`);
  if (buf.length > expected) throw new Error(`checkpoint: corrupt: ${buf.length} bytes, expected ${expected} (trailing data)`);
  if (crc32(buf.subarray(FIXED)) !== buf.readUInt32LE(16)) throw new Error('checkpoint: corrupt: checksum mismatch');

  const header = JSON.parse(buf.toString('utf8', FIXED, FIXED + headerBytes), fromJson) as ReturnType<typeof headerOf>;
  let offset = FIXED + headerBytes;
  const read = (shape: number[]): TensorData => {
    const n = product(shape);
    if (offset + 4 * n > buf.length) throw new Error('checkpoint: corrupt: the header\'s shapes need more values than stored');
    const start = buf.byteOffset + offset;
    offset += 4 * n;
    return { shape, values: new Float32Array(buf.buffer.slice(start, start + 4 * n)) };
  };
  const checkpoint: TrainerCheckpoint = {
    formatVersion: CHECKPOINT_FORMAT_VERSION,
    epoch: header.epoch,
    weights: header.weights.map(read),
    optimizer: header.optimizer.map(({ name, shape }) => ({ name, ...read(shape) })),
    rng: header.rng,
    history: header.history,
  };
  if (header.best) checkpoint.best = { ...header.best, weights: header.best.weights.map(read) };
  if (offset !== buf.length) throw new Error('checkpoint: corrupt: the header\'s shapes need fewer values than stored');
  return checkpoint;
}
