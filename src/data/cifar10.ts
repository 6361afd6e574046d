/**
 * CIFAR-10 from the standard binary files in a directory the user gives:
 * data_batch_1.bin .. data_batch_5.bin and test_batch.bin, records of 1 label byte + 3072
 * pixel bytes (channel-major: 1024 red, 1024 green, 1024 blue). Images come out NHWC
 * [32, 32, 3] in [0, 1]. `fetchCifar10` downloads and checksums the archive (or unpacks one the
 * user already has); nothing downloads unless that command runs.
 */
import { OptionError } from '../core/errors.js';
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
    throw new Error(`${file}: size ${buf.length} bytes is not a positive multiple of ${RECORD} (1 label byte + 3072 pixel bytes per record; truncated or not a CIFAR-10 batch)`);
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

/** Reads the five training batches and the test batch from `dataDir`. */
export async function loadCifar10(dataDir: string | undefined): Promise<{ train: CifarArrays; test: CifarArrays }> {
  const wanted = [...CIFAR_TRAIN_FILES, CIFAR_TEST_FILE];
  const fetchHint = `get them with "autoflood data fetch cifar10 --data-dir ${dataDir ?? '<dir>'}"`;
  if (dataDir == null) throw new Error(`cifar10: needs --data-dir, a directory with ${wanted.join(', ')}; ${fetchHint}`);
  if (!existsSync(dataDir)) throw new Error(`cifar10: data directory ${dataDir} does not exist (it must hold ${wanted.join(', ')}); ${fetchHint}`);
  const missing = wanted.filter((f) => !existsSync(path.join(dataDir, f)));
  if (missing.length > 0) throw new Error(`cifar10: ${missing.join(', ')} missing in ${dataDir}; ${fetchHint}`);
  const train = concat(await Promise.all(CIFAR_TRAIN_FILES.map((f) => readCifarBinary(path.join(dataDir, f)))));
  const test = await readCifarBinary(path.join(dataDir, CIFAR_TEST_FILE));
  return { train, test };
}

/** The regular files of a (ustar) tar archive; `source` names the archive in errors. */
function* tarEntries(tar: Buffer, source: string): Generator<{ name: string; data: Buffer }> {
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) return;
    const field = (start: number, length: number) => header.subarray(start, start + length).toString('latin1').replace(/\0.*$/s, '');
    const prefix = field(345, 155);
    const name = prefix ? `${prefix}/${field(0, 100)}` : field(0, 100);
    const sizeField = field(124, 12).trim();
    const size = /^[0-7]+$/.test(sizeField) ? parseInt(sizeField, 8) : NaN;
    const type = field(156, 1);
    if (!Number.isFinite(size) || offset + 512 + size > tar.length) throw new Error(`${source}: tar entry "${name}" is truncated or has a bad size field`);
    if (type === '0' || type === '') yield { name, data: tar.subarray(offset + 512, offset + 512 + size) };
    offset += 512 + Math.ceil(size / 512) * 512;
  }
}

export interface FetchOptions {
  /** A cifar-10-binary.tar.gz already on disk: read it instead of downloading. */
  archive?: string;
  /** Network timeout in ms, to the first byte and between received chunks (default 30 s). */
  timeoutMs?: number;
  /** Expected MD5 of the archive (default CIFAR_MD5); null skips the check (generated test archives). */
  md5?: string | null;
  /** Download address (default CIFAR_URL). */
  url?: string;
}

/**
 * Downloads `url` into memory. The timeout applies to the first byte and to every gap between
 * chunks, so a slow but steady download is never cut off.
 */
async function download(url: string, timeoutMs: number, hint: string): Promise<Buffer> {
  const host = new URL(url).host;
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const arm = (what: string) => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(new Error(`${what} within ${timeoutMs / 1000} s`)), timeoutMs);
  };
  const describe = (err: unknown) => {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    return e.cause?.code ?? e.cause?.message ?? e.message;
  };
  arm('no response');
  try {
    let response: Response;
    try {
      response = await fetch(url, { signal: controller.signal });
    } catch (err) {
      throw new Error(`cifar10: could not reach ${host}: ${describe(err)}; ${hint}`);
    }
    if (!response.ok || response.body === null) throw new Error(`cifar10: ${url} answered HTTP ${response.status} ${response.statusText}; ${hint}`);
    const reader = response.body.getReader();
    const chunks: Uint8Array[] = [];
    try {
      for (;;) {
        arm('no data');
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
      }
    } catch (err) {
      throw new Error(`cifar10: download from ${host} broke off: ${describe(err)}; ${hint}`);
    }
    return Buffer.concat(chunks);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Downloads the CIFAR-10 binary archive (or reads `options.archive`), checks its MD5 and
 * extracts the six .bin files into `dataDir`.
 * @returns the paths of the files written.
 */
export async function fetchCifar10(dataDir: string, options: FetchOptions = {}): Promise<string[]> {
  const url = options.url ?? CIFAR_URL;
  const timeoutMs = options.timeoutMs ?? 30_000;
  if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) throw new OptionError('timeoutMs', `must be a positive number, got ${timeoutMs}`);
  const hint = `download ${path.basename(new URL(url).pathname)} elsewhere and extract it into ${dataDir}, or run "autoflood data fetch cifar10 --archive <file> --data-dir ${dataDir}"`;
  let archive: Buffer;
  if (options.archive != null) {
    const file = options.archive;
    archive = await readFile(file).catch((err: NodeJS.ErrnoException) => {
      throw new OptionError('archive', `cannot read ${file} (${err.code ?? err.message})`);
    });
  } else {
    archive = await download(url, timeoutMs, hint);
  }
  const source = options.archive ?? url;
  const expected = options.md5 === undefined ? CIFAR_MD5 : options.md5;
  if (expected != null) {
    const md5 = createHash('md5').update(archive).digest('hex');
    if (md5 !== expected) throw new Error(`cifar10: ${source} has MD5 ${md5}, expected ${expected} (corrupt, incomplete or not cifar-10-binary.tar.gz)`);
  }
  let tar: Buffer;
  try {
    tar = gunzipSync(archive);
  } catch (err) {
    throw new Error(`cifar10: ${source} is not gzip data (${(err as Error).message})`);
  }
  const wanted = new Set([...CIFAR_TRAIN_FILES, CIFAR_TEST_FILE]);
  const entries = [...tarEntries(tar, source)].filter(({ name }) => wanted.has(path.basename(name)));
  const missing = [...wanted].filter((f) => !entries.some(({ name }) => path.basename(name) === f));
  if (missing.length > 0) throw new Error(`cifar10: ${source} lacks ${missing.join(', ')}`);
  await mkdir(dataDir, { recursive: true });
  const written: string[] = [];
  for (const { name, data } of entries) {
    const target = path.join(dataDir, path.basename(name));
    await writeFile(target, data);
    written.push(target);
  }
  return written;
}
