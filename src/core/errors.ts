/**
 * Errors that callers tell apart by type, never by their text. An `OptionError` concerns one
 * option (a training setting or a command's option), named by its key in code; the command line
 * shows the flag of that key instead. A `TrialFailed` is a training that failed where it ran
 * (a worker thread, a queue worker), with what it said.
 */

export class OptionError extends RangeError {
  /** The option's key in code: 'trainSize', 'labelColumn', 'instances', ... */
  readonly option: string;
  /** What is wrong, without the option's name. */
  readonly detail: string;

  constructor(option: string, detail: string) {
    super(`${option}: ${detail}`);
    this.name = 'OptionError';
    this.option = option;
    this.detail = detail;
  }
}

export class TrialFailed extends Error {
  readonly trialId: string;
  readonly detail: string;
  /** The option the failure concerns, when the training said (its data did not load, say). */
  readonly option?: string;

  constructor(trialId: string, detail: string, option?: string) {
    super(`trial ${trialId}: ${option === undefined ? '' : `${option}: `}${detail}`);
    this.name = 'TrialFailed';
    this.trialId = trialId;
    this.detail = detail;
    this.option = option;
  }
}
