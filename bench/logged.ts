/**
 * Reading a finished run folder again without training: a runner that refuses to train (every
 * trial asked for must be in the folder's run log) and the run context over that log.
 */
import { RunLog } from '../src/trials/run-log.js';
import type { RunContext } from '../src/trials/run-folder.js';
import type { Runner } from '../src/trials/runner.js';

export const logOnly: Runner = {
  run: async (jobs) => {
    throw new Error(`${jobs.length} trials are not in the run log (this bench reads finished folders only)`);
  },
  close: async () => undefined,
};

export async function loggedRun(dir: string): Promise<RunContext> {
  return { log: await RunLog.open(dir), runner: logOnly, progress: {} };
}
