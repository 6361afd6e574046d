/**
 * Where the queue lives: a Redis URL, `redis://[:password@]host:port[/db]` (`rediss://` for TLS).
 * The password is needed to connect and nowhere else: an address names itself as
 * `redis://host:port/db`, and any text shown to a user can be scrubbed of the password.
 */
import { OptionError } from '../core/errors.js';
import type { ValueKind } from '../core/values.js';

export interface QueueAddress {
  host: string;
  port: number;
  db: number;
  tls: boolean;
  username?: string;
  password?: string;
}

const DEFAULT_PORT = 6379;

/** How the URL may look, for messages. */
export const QUEUE_URL_FORM = 'redis://[:password@]host:port[/db] (rediss:// for TLS)';

/**
 * Parses a queue URL. Throws with the URL's shape but never its password.
 * @example parseQueueUrl('redis://:s3cret@10.0.0.5:6380/2') // { host: '10.0.0.5', port: 6380, db: 2, tls: false, password: 's3cret' }
 */
export function parseQueueUrl(raw: string): QueueAddress {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new Error(`expected ${QUEUE_URL_FORM}, got something that is not a URL`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new Error(`expected ${QUEUE_URL_FORM}, got a ${url.protocol}// URL`);
  if (url.hostname === '') throw new Error(`expected ${QUEUE_URL_FORM}: the host is missing`);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = Number(url.port || DEFAULT_PORT);
  const tls = url.protocol === 'rediss:';
  const dbText = url.pathname.replace(/^\//, '');
  const safe = `${url.protocol}//${url.host}`;
  if (!/^\d*$/.test(dbText)) throw new Error(`${safe}: the database after the port must be a number`);
  if (url.search !== '' || url.hash !== '') throw new Error(`${safe}: query and fragment are not supported (expected ${QUEUE_URL_FORM})`);
  return {
    host,
    port,
    db: Number(dbText || 0),
    tls,
    ...(url.username === '' ? {} : { username: decodeURIComponent(url.username) }),
    ...(url.password === '' ? {} : { password: decodeURIComponent(url.password) }),
  };
}

/** The address as shown to users: scheme, host, port and db, never the credentials. */
export function describeAddress(address: Pick<QueueAddress, 'host' | 'port' | 'db' | 'tls'>): string {
  const host = address.host.includes(':') ? `[${address.host}]` : address.host;
  return `${address.tls ? 'rediss' : 'redis'}://${host}:${address.port}/${address.db}`;
}

/** `text` with the address's password (if any) replaced by ***. */
export function redact(text: string, address: QueueAddress): string {
  const secrets = [address.password, address.password && encodeURIComponent(address.password)].filter((s): s is string => !!s);
  return secrets.reduce((t, secret) => t.split(secret).join('***'), text);
}

/**
 * `text` with the credentials of every Redis URL in it replaced by *** (for command lines shown
 * back): the whole user-info part, up to the last @ before the host, whatever it holds (a password
 * with an unencoded @ included), as the URL parser reads it.
 */
export function hideUrlPasswords(text: string): string {
  return text.replace(/(rediss?:\/\/)[^/\s]*@/gi, '$1***@');
}

/** The --queue kind: a queue URL, checked when parsed (the error never repeats the password). */
export const queueUrl: ValueKind<string> = {
  accepts: `a Redis URL, ${QUEUE_URL_FORM}`,
  parse: (raw) => {
    parseQueueUrl(raw);
    return raw.trim();
  },
  check: (v): v is string => typeof v === 'string' && isQueueUrl(v),
};

function isQueueUrl(raw: string): boolean {
  try {
    parseQueueUrl(raw);
    return true;
  } catch {
    return false;
  }
}

/** Connection options of ioredis (and of BullMQ, which makes its own connections from them). */
export interface ConnectionSettings {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  tls?: { servername: string };
  /** Milliseconds before reconnecting the `times`-th time; null gives up (pending requests fail). */
  retryStrategy?: (times: number) => number | null;
}

export function redisOptions(address: QueueAddress): ConnectionSettings {
  return {
    host: address.host,
    port: address.port,
    db: address.db,
    username: address.username,
    password: address.password,
    ...(address.tls ? { tls: { servername: address.host } } : {}),
  };
}

/**
 * Connects once and pings, giving up after `timeoutMs`, before anything else is started: an
 * unreachable Redis or a wrong password fails in seconds with an error naming host and port
 * (never the password). Later connections retry as Redis clients do.
 */
export async function checkRedis(address: QueueAddress, timeoutMs = 5000): Promise<void> {
  // Loaded here, so parsing a --queue flag loads no Redis client.
  const { Redis } = await import('ioredis');
  const client = new Redis({
    ...redisOptions(address),
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // What Redis answered: a refused password arrives as an 'error' event, then the connection closes.
  let answered: Error | undefined;
  client.on('error', (err: Error) => (answered ??= err));
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    const where = `${address.host}:${address.port} (${describeAddress(address)})`;
    // Redis's error replies start with a code: WRONGPASS (a wrong password or user), NOAUTH (none given).
    const code = [answered, err as Error].map((e) => /^(WRONGPASS|NOAUTH)\b/.exec(e?.message ?? '')?.[1]).find((c) => c !== undefined);
    if (code !== undefined) {
      const why = code === 'NOAUTH' ? 'it needs a password and the URL gives none' : 'the password (or user) in the URL is not the one it has';
      throw new OptionError('queue', `authentication failed at Redis ${where}: ${why} (Redis answered ${code})`);
    }
    throw new OptionError('queue', `cannot reach Redis at ${where}: ${redact((err as Error).message, address)}`);
  } finally {
    client.disconnect();
  }
}
