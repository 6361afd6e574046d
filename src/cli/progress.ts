/**
 * Progress for long work: a bar on a terminal, a log line every few seconds otherwise
 * (CI logs and redirected output stay readable).
 */
import cliProgress from 'cli-progress';
import type winston from 'winston';

export interface Progress {
  /** Advance to `done` of `total`, with a short status text. */
  update(done: number, status: string): void;
  stop(): void;
}

/** Seconds between plain log lines when not on a terminal. */
const LOG_INTERVAL_S = 10;

export function createProgress(label: string, total: number, logger: winston.Logger): Progress {
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: `${label} [{bar}] {value}/{total} {status} eta {eta_formatted}`, stream: process.stderr, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { status: '' });
    return {
      update: (done, status) => bar.update(done, { status }),
      stop: () => bar.stop(),
    };
  }
  let lastLog = 0;
  return {
    update: (done, status) => {
      const now = performance.now() / 1000;
      if (done === total || now - lastLog >= LOG_INTERVAL_S || lastLog === 0) {
        lastLog = now;
        logger.info(`${label} ${done}/${total} ${status}`);
      }
    },
    stop: () => undefined,
  };
}
