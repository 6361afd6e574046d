/**
 * IDX files (the MNIST family's format), plain or gzipped. Images: magic 0x00000803, dims
 * [n, rows, cols], uint8 pixels. Labels: magic 0x00000801, dims [n], uint8 labels.
 */
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';

export interface IdxImages {
  /** [n, rows * cols] pixels scaled to [0, 1]. */
  pixels: Float32Array;
  n: number;
  rows: number;
  cols: number;
}

const IMAGE_MAGIC = 0x803;
const LABEL_MAGIC = 0x801;
const hex = (v: number) => `0x${v.toString(16).padStart(8, '0')}`;

async function readMaybeGzip(file: string): Promise<Buffer> {
  let raw: Buffer;
  try {
    raw = await readFile(file);
  } catch (err) {
    throw new Error(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      return gunzipSync(raw);
    } catch (err) {
      throw new Error(`${file}: corrupt gzip data (${(err as Error).message})`);
    }
  }
  return raw;
}

/** Checks the magic number and that the size matches the header; returns the dimensions. */
function readHeader(file: string, buf: Buffer, magic: number, dims: number): number[] {
  const kind = magic === IMAGE_MAGIC ? 'image' : 'label';
  const headerBytes = 4 + 4 * dims;
  const got = buf.length >= 4 ? buf.readUInt32BE(0) : undefined;
  if (got !== magic) {
    const seen = got === undefined ? `missing (file has ${buf.length} bytes)` : hex(got);
    throw new Error(`${file}: bad IDX magic ${seen} (expected ${hex(magic)}; not an IDX ${kind} file)`);
  }
  if (buf.length < headerBytes) {
    throw new Error(`${file}: ${buf.length} bytes, too short for an IDX ${kind} header (${headerBytes} bytes)`);
  }
  const shape = Array.from({ length: dims }, (_, i) => buf.readUInt32BE(4 + 4 * i));
  const expected = headerBytes + shape.reduce((a, b) => a * b, 1);
  if (buf.length !== expected) {
    throw new Error(`${file}: size ${buf.length} bytes does not match its header [${shape.join(', ')}] (expected ${expected}; truncated or corrupt)`);
  }
  return shape;
}

/** Reads an IDX image file (plain or .gz): uint8 pixels scaled to [0, 1], one row per image. */
export async function readIdxImages(file: string): Promise<IdxImages> {
  const buf = await readMaybeGzip(file);
  const [n, rows, cols] = readHeader(file, buf, IMAGE_MAGIC, 3);
  const pixels = new Float32Array(n * rows * cols);
  for (let i = 0; i < pixels.length; i++) pixels[i] = buf[16 + i] / 255;
  return { pixels, n, rows, cols };
}

/** Reads an IDX label file (plain or .gz); every label must be a class in [0, numClasses). */
export async function readIdxLabels(file: string, numClasses = 10): Promise<Int32Array> {
  const buf = await readMaybeGzip(file);
  const [n] = readHeader(file, buf, LABEL_MAGIC, 1);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const label = buf[8 + i];
    if (label >= numClasses) throw new Error(`${file}: label ${label} at index ${i} is not a class in [0, ${numClasses})`);
    labels[i] = label;
  }
  return labels;
}
