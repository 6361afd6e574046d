/** The command table: every `autoflood` command, in the order of `--help`. */
import type { CommandSpec } from '../command.js';
import { trainAgentCommand } from './agent.js';
import { fetchCommand, reportCommand } from './files.js';
import { serveCommand } from './serve.js';
import { suggestCommand } from './suggest.js';
import { reproduceBenchmarkCommand, reproduceSyntheticCommand } from './reproduce.js';
import { evaluateCommand, fitRuleCommand, gridCommand, tuneCommand } from './search.js';
import { trainCommand } from './train.js';
import { workerCommand } from './worker.js';

export const COMMANDS: CommandSpec[] = [
  trainCommand,
  gridCommand,
  tuneCommand,
  trainAgentCommand,
  evaluateCommand,
  fitRuleCommand,
  suggestCommand,
  serveCommand,
  reproduceSyntheticCommand,
  reproduceBenchmarkCommand,
  workerCommand,
  reportCommand,
  fetchCommand,
];
