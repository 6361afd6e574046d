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

function header(file: string, buf: Buffer, magic: number, dims: number): number[] {
  const headerBytes = 4 + 4 * dims;
  const got = buf.length >= 4 ? buf.readUInt32BE(0) : -1;
  if (got !== magic) {
    const seen = got < 0 ? `${buf.length} bytes` : `0x${got.toString(16).padStart(8, '0')}`;
    throw new Error(`${file}: bad IDX magic ${seen} (expected 0x${magic.toString(16).padStart(8, '0')}; not an IDX ${dims === 3 ? 'image' : 'label'} file)`);
  }
  if (buf.length < headerBytes) throw new Error(`${file}: truncated IDX header (${buf.length} bytes)`);
  const shape = Array.from({ length: dims }, (_, i) => buf.readUInt32BE(4 + 4 * i));
  const expected = headerBytes + shape.reduce((a, b) => a * b, 1);
  if (buf.length !== expected) {
    throw new Error(`${file}: size ${buf.length} bytes does not match its header [${shape.join(', ')}] (expected ${expected}; truncated or corrupt)`);
  }
  return shape;
}

export async function readIdxImages(file: string): Promise<IdxImages> {
  const buf = await readMaybeGzip(file);
  const [n, rows, cols] = header(file, buf, 0x803, 3);
  const pixels = new Float32Array(n * rows * cols);
  const offset = 16;
  for (let i = 0; i < pixels.length; i++) pixels[i] = buf[offset + i] / 255;
  return { pixels, n, rows, cols };
}

export async function readIdxLabels(file: string, numClasses = 10): Promise<Int32Array> {
  const buf = await readMaybeGzip(file);
  const [n] = header(file, buf, 0x801, 1);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const label = buf[8 + i];
    if (label >= numClasses) throw new Error(`${file}: label ${label} at index ${i} is not a class in [0, ${numClasses})`);
    labels[i] = label;
  }
  return labels;
}
