/**
 * The CLI's logger (winston). Library code never logs; it reports through callbacks and
 * return values, and the CLI turns those into log lines. Lines go to stderr, above a progress
 * bar when one is drawn.
 */
import { Writable } from 'node:stream';
import winston from 'winston';
import { writeAboveBar } from './progress.js';

export const LOG_LEVELS = ['error', 'warn', 'info', 'verbose', 'debug'] as const;

export function createLogger(level = 'info'): winston.Logger {
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new RangeError(`log-level: must be one of ${LOG_LEVELS.join(', ')}, got "${level}"`);
  }
  const stderr = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      writeAboveBar(String(chunk));
      done();
    },
  });
  return winston.createLogger({
    level,
    format: winston.format.combine(
      winston.format.timestamp({ format: 'HH:mm:ss' }),
      winston.format.printf(({ timestamp, level: lvl, message }) => `${String(timestamp)} ${lvl} ${String(message)}`),
    ),
    transports: [new winston.transports.Stream({ stream: stderr, eol: '\n' })],
  });
}
