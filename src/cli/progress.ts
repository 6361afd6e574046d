/**
 * Progress for long work: a bar on a terminal, a log line every few seconds otherwise
 * (CI logs and redirected output stay readable).
 */
import cliProgress from 'cli-progress';
import type winston from 'winston';

export interface Progress {
  /** Advance to `done`, with a short status text; `total` changes the total (work discovered as it runs). */
  update(done: number, status: string, total?: number): void;
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
      update: (done, status, newTotal) => {
        if (newTotal !== undefined && newTotal !== bar.getTotal()) bar.setTotal(newTotal);
        bar.update(done, { status });
      },
      stop: () => bar.stop(),
    };
  }
  let lastLog = 0;
  let known = total;
  return {
    update: (done, status, newTotal) => {
      known = newTotal ?? known;
      const now = performance.now() / 1000;
      if (done === known || now - lastLog >= LOG_INTERVAL_S || lastLog === 0) {
        lastLog = now;
        logger.info(`${label} ${done}/${known} ${status}`);
      }
    },
    stop: () => undefined,
  };
}
