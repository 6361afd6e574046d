/**
 * What travels through Redis: job data (the job as plain JSON, its bytes in base64) and job
 * results (plain JSON; their byte fields, e.g. a segment's checkpoint of megabytes, in Redis
 * keys of their own, because BullMQ copies every return value into its event stream).
 * Both carry FORMAT: a worker refuses jobs of another format instead of misreading them.
 * Numbers that JSON cannot hold (NaN, ±Infinity, e.g. the loss of a diverged training) are
 * kept, so a result read from the queue equals the one a local worker thread hands back.
 */
import type { TrialJob } from '../trials/trial.js';

/** The shape of job data and results; bump it when either changes. */
export const FORMAT = 1;
/** The kind of every job: a trial (the BullMQ job name, and part of its id). */
export const TRIAL_KIND = 'trial';
/** The one queue every coordinator and worker of this format uses (BullMQ's default key prefix). */
export const QUEUE_NAME = 'autoflood';
export const KEY_PREFIX = 'bull';

/**
 * The BullMQ id of a job: its kind and its own deterministic id (a trial's hash), so the same
 * job added twice is one job. BullMQ refuses ids that read as integers, which a hex hash can.
 */
export const jobIdOf = (kind: string, id: string): string => `${kind}-${id}`;

/** Where a result's byte field waits for the coordinator. */
export const bytesKey = (jobId: string, field: string): string => `${KEY_PREFIX}:${QUEUE_NAME}:${jobId}:bytes:${field}`;

/** BullMQ job data: `{ format, kind, job }`, the job in wire form. */
export interface JobData {
  format: number;
  kind: string;
  job: unknown;
}

/** A job's return value: the result in wire form, which byte fields wait in Redis, and who ran it. */
export interface JobReturn {
  format: number;
  result: unknown;
  /** Top-level fields of the result stored at `bytesKey(jobId, field)`. */
  bytes: string[];
  /** The worker that ran it: "host pid N". */
  worker: string;
}

/** A job whose data this version cannot read. */
export class FormatError extends Error {
  constructor(what: string, format: unknown) {
    super(`${what} has format ${String(format)}; this autoflood understands format ${FORMAT} (run the same autoflood version on coordinator and workers)`);
    this.name = 'FormatError';
  }
}

type Wire = null | boolean | number | string | Wire[] | { [key: string]: Wire };

/** Deep copy with non-finite numbers as {$number} and byte arrays as {$bytes: base64}. */
export function toWire(value: unknown): Wire {
  if (typeof value === 'number') return Number.isFinite(value) ? value : { $number: String(value) };
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  if (Array.isArray(value)) return value.map(toWire);
  if (value !== null && typeof value === 'object') {
    const out: { [key: string]: Wire } = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toWire(v);
    return out;
  }
  return value as Wire;
}

/** Inverse of toWire. */
export function fromWire(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromWire);
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj);
    if (keys.length === 1 && typeof obj.$number === 'string') return Number(obj.$number);
    if (keys.length === 1 && typeof obj.$bytes === 'string') return new Uint8Array(Buffer.from(obj.$bytes, 'base64'));
    return Object.fromEntries(keys.map((k) => [k, fromWire(obj[k])]));
  }
  return value;
}

export function encodeJob(kind: string, job: TrialJob): JobData {
  return { format: FORMAT, kind, job: toWire(job) };
}

/** The job of BullMQ job data; throws FormatError for data of another format. */
export function decodeJob(data: unknown): { kind: string; job: TrialJob } {
  const d = data as Partial<JobData> | null;
  if (d?.format !== FORMAT || typeof d.kind !== 'string') throw new FormatError('job data', d?.format);
  return { kind: d.kind, job: fromWire(d.job) as TrialJob };
}

/** Splits a result into its wire form and its top-level byte fields (to store beside the job). */
export function splitResult(result: unknown, worker: string): { value: JobReturn; bytes: Map<string, Uint8Array> } {
  const bytes = new Map<string, Uint8Array>();
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(result as Record<string, unknown>)) {
    if (v instanceof Uint8Array) bytes.set(k, v);
    else rest[k] = v;
  }
  return { value: { format: FORMAT, result: toWire(rest), bytes: [...bytes.keys()], worker }, bytes };
}

/**
 * The result of a job's return value, its byte fields read back by `read`; undefined when a
 * byte field is gone (another coordinator collected the same job first: the job must run again).
 */
export async function joinResult(value: unknown, read: (field: string) => Promise<Uint8Array | null>): Promise<unknown> {
  const v = value as Partial<JobReturn> | null;
  if (v?.format !== FORMAT || !Array.isArray(v.bytes)) throw new FormatError('a job result', v?.format);
  const result = fromWire(v.result) as Record<string, unknown>;
  for (const field of v.bytes) {
    const bytes = await read(field);
    if (bytes === null) return undefined;
    result[field] = bytes;
  }
  return result;
}
