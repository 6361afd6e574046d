/**
 * Progress for long work: a bar on a terminal, a log line at least every 10 s otherwise (CI
 * logs and redirected output stay readable). Log lines written while a bar is drawn go above it
 * (`writeAboveBar`), so neither is glued to the other.
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

/** The bar on the terminal now, if any. */
let shown: cliProgress.SingleBar | undefined;

/** Writes a finished line (ending in a newline) to stderr, above the bar when one is drawn. */
export function writeAboveBar(line: string): void {
  if (shown === undefined) {
    process.stderr.write(line);
    return;
  }
  process.stderr.write(`\r\x1b[2K${line}`);
  shown.render();
}

export function createProgress(label: string, total: number, logger: winston.Logger): Progress {
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      // forceRedraw: the bar is drawn again after a log line above it even when its text is unchanged.
      { format: `${label} [{bar}] {value}/{total} {status} eta {eta_formatted}`, stream: process.stderr, hideCursor: true, forceRedraw: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { status: '' });
    shown = bar;
    return {
      update: (done, status, newTotal) => {
        if (newTotal !== undefined && newTotal !== bar.getTotal()) bar.setTotal(newTotal);
        bar.update(done, { status });
      },
      stop: () => {
        if (shown !== bar) return;
        shown = undefined;
        bar.stop();
      },
    };
  }
  const now = () => performance.now() / 1000;
  let lastLog = 0;
  let lastUpdate = now();
  let known = total;
  let latest = '';
  const log = () => {
    lastLog = now();
    logger.info(`${label} ${latest}`);
  };
  // Work in worker threads leaves the event loop free: a line every LOG_INTERVAL_S whatever the updates.
  const timer = setInterval(() => {
    if (latest !== '' && now() - lastLog >= LOG_INTERVAL_S) log();
  }, 1000);
  timer.unref();
  return {
    update: (done, status, newTotal) => {
      known = newTotal ?? known;
      latest = `${done}/${known} ${status}`;
      // Work on this thread (train's epochs) blocks the timer: log now when the next update, as far
      // off as the last one, would come too late.
      const t = now();
      if (lastLog === 0 || t - lastLog + (t - lastUpdate) >= LOG_INTERVAL_S) log();
      lastUpdate = t;
    },
    stop: () => clearInterval(timer),
  };
}
