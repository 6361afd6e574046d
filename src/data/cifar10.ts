/**
 * CIFAR-10 from the standard binary files in a directory the user gives:
 * data_batch_1.bin .. data_batch_5.bin and test_batch.bin, records of 1 label byte + 3072
 * pixel bytes (channel-major: 1024 red, 1024 green, 1024 blue). Images come out NHWC
 * [32, 32, 3] in [0, 1]. `fetchCifar10` downloads and checksums the archive (or unpacks one the
 * user already has); nothing downloads unless that command runs.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';

export const CIFAR_TRAIN_FILES = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);
export const CIFAR_TEST_FILE = 'test_batch.bin';
export const CIFAR_URL = 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz';
export const CIFAR_MD5 = 'c32a1d4ab5d03f1284b67883e8d87530';
const RECORD = 1 + 3072;
const PIXELS = 1024;

export interface CifarArrays {
  /** [n, 32, 32, 3] in [0, 1]. */
  x: Float32Array;
  y: Int32Array;
}

/** Reads one binary batch file. */
export async function readCifarBinary(file: string): Promise<CifarArrays> {
  let buf: Buffer;
  try {
    buf = await readFile(file);
  } catch (err) {
    throw new Error(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  if (buf.length === 0 || buf.length % RECORD !== 0) {
    throw new Error(`${file}: size ${buf.length} bytes is not a whole number of ${RECORD}-byte CIFAR-10 records (truncated or not a CIFAR-10 batch)`);
  }
  const n = buf.length / RECORD;
  const x = new Float32Array(n * 3 * PIXELS);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const base = i * RECORD;
    const label = buf[base];
    if (label > 9) throw new Error(`${file}: record ${i} has label ${label}, not a CIFAR-10 class in [0, 9]`);
    y[i] = label;
    for (let p = 0; p < PIXELS; p++) {
      for (let c = 0; c < 3; c++) x[(i * PIXELS + p) * 3 + c] = buf[base + 1 + c * PIXELS + p] / 255;
    }
  }
  return { x, y };
}

/** Writes records in the binary format: pixels [n, 3072] channel-major bytes (for fixtures). */
export async function writeCifarBinary(file: string, labels: ArrayLike<number>, pixels: Uint8Array): Promise<void> {
  const n = labels.length;
  if (pixels.length !== n * 3072) throw new Error(`writeCifarBinary: need ${n * 3072} pixel bytes, got ${pixels.length}`);
  const buf = Buffer.alloc(n * RECORD);
  for (let i = 0; i < n; i++) {
    buf[i * RECORD] = labels[i];
    buf.set(pixels.subarray(i * 3072, (i + 1) * 3072), i * RECORD + 1);
  }
  await writeFile(file, buf);
}

function concat(parts: CifarArrays[]): CifarArrays {
  const n = parts.reduce((a, p) => a + p.y.length, 0);
  const x = new Float32Array(n * 3 * PIXELS);
  const y = new Int32Array(n);
  let offset = 0;
  for (const p of parts) {
    x.set(p.x, offset * 3 * PIXELS);
    y.set(p.y, offset);
    offset += p.y.length;
  }
  return { x, y };
}

/** Reads the training batches and the test batch from `dataDir`. */
export async function loadCifar10(dataDir: string | undefined): Promise<{ train: CifarArrays; test: CifarArrays }> {
  const fetchHint = 'get them with "autoflood data fetch cifar10 --data-dir <dir>"';
  if (dataDir == null) throw new Error(`cifar10: needs --data-dir, a directory with the CIFAR-10 binary files; ${fetchHint}`);
  if (!existsSync(dataDir)) throw new Error(`cifar10: data directory ${dataDir} does not exist; ${fetchHint}`);
  const wanted = [...CIFAR_TRAIN_FILES, CIFAR_TEST_FILE];
  const missing = wanted.filter((f) => !existsSync(path.join(dataDir, f)));
  if (missing.length > 0) throw new Error(`cifar10: ${missing.join(', ')} missing in ${dataDir}; ${fetchHint}`);
  const train = concat(await Promise.all(CIFAR_TRAIN_FILES.map((f) => readCifarBinary(path.join(dataDir, f)))));
  const test = await readCifarBinary(path.join(dataDir, CIFAR_TEST_FILE));
  return { train, test };
}

/** The regular files of a (ustar) tar archive. */
export function* tarEntries(tar: Buffer): Generator<{ name: string; data: Buffer }> {
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) return;
    const field = (start: number, length: number) => header.subarray(start, start + length).toString('latin1').replace(/\0.*$/s, '');
    const prefix = field(345, 155);
    const name = prefix ? `${prefix}/${field(0, 100)}` : field(0, 100);
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1);
    if (!Number.isFinite(size) || offset + 512 + size > tar.length) throw new Error(`tar: entry "${name}" is truncated`);
    if (type === '0' || type === '') yield { name, data: tar.subarray(offset + 512, offset + 512 + size) };
    offset += 512 + Math.ceil(size / 512) * 512;
  }
}

export interface FetchOptions {
  /** A cifar-10-binary.tar.gz already on disk: no download. */
  archive?: string;
  /** Network timeout (ms). */
  timeoutMs?: number;
  /** Expected MD5 of the archive; null skips the check (tests with a generated archive). */
  md5?: string | null;
  url?: string;
}

/** Downloads (or reads) the archive, checks its MD5 and extracts the .bin files into `dataDir`. */
export async function fetchCifar10(dataDir: string, options: FetchOptions = {}): Promise<string[]> {
  const url = options.url ?? CIFAR_URL;
  let archive: Buffer;
  if (options.archive != null) {
    archive = await readFile(options.archive).catch((err: NodeJS.ErrnoException) => {
      throw new Error(`archive: cannot read ${options.archive} (${err.code ?? err.message})`);
    });
  } else {
    const host = new URL(url).host;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 30_000) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      archive = Buffer.from(await response.arrayBuffer());
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } };
      const cause = e.cause?.code ?? e.cause?.message ?? e.message;
      throw new Error(`cifar10: could not reach ${host}: ${cause}; download ${path.basename(url)} elsewhere and run "autoflood data fetch cifar10 --archive <file> --data-dir ${dataDir}"`);
    }
  }
  const expected = options.md5 === undefined ? CIFAR_MD5 : options.md5;
  if (expected != null) {
    const md5 = createHash('md5').update(archive).digest('hex');
    if (md5 !== expected) throw new Error(`cifar10: archive MD5 ${md5} does not match the expected ${expected} (corrupt or not cifar-10-binary.tar.gz)`);
  }
  let tar: Buffer;
  try {
    tar = gunzipSync(archive);
  } catch (err) {
    throw new Error(`cifar10: archive is not gzip data (${(err as Error).message})`);
  }
  await mkdir(dataDir, { recursive: true });
  const written: string[] = [];
  for (const { name, data } of tarEntries(tar)) {
    const base = path.basename(name);
    if (!base.endsWith('.bin')) continue;
    const target = path.join(dataDir, base);
    await writeFile(target, data);
    written.push(target);
  }
  const missing = [...CIFAR_TRAIN_FILES, CIFAR_TEST_FILE].filter((f) => !written.some((w) => path.basename(w) === f));
  if (missing.length > 0) throw new Error(`cifar10: archive lacks ${missing.join(', ')}`);
  return written;
}
