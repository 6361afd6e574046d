/**
 * The command line: commander built from the command table. Each command's flags come from its
 * rows (no commander defaults: the rows' defaults are applied when parsing, so the wrapper sees
 * what was typed), and every command runs through `runCommand`. The table is light; the wrapper
 * (logger, backend, progress) and what a command runs are loaded only when a command runs, so
 * `--help` and `--version` never load TensorFlow.js.
 */
import { readFileSync } from 'node:fs';
import { packageFile } from '../core/files.js';
import { Command, Option } from 'commander';
import type { CommandSpec } from './command.js';
import { COMMANDS } from './commands/index.js';
import { helpOf, LOG_FLAGS, UsageError } from './options.js';

/** Descriptions of the words that group commands. */
const GROUPS: Record<string, string> = {
  reproduce: "reproduce the paper's experiments (synthetic | benchmark)",
  data: 'datasets that need files (fetch)',
};

function addCommand(program: Command, spec: CommandSpec): void {
  let parent = program;
  for (const word of spec.name.slice(0, -1)) {
    parent = parent.commands.find((c) => c.name() === word) ?? parent.command(word).description(GROUPS[word] ?? `${word} commands`);
  }
  const cmd = parent.command(spec.name[spec.name.length - 1]).description(spec.description);
  for (const arg of spec.args ?? []) cmd.argument(arg.name, arg.help);
  for (const row of [...spec.flags, ...LOG_FLAGS]) cmd.addOption(new Option(row.flag, helpOf(row)));
  cmd.addHelpText('after', `\nExample:\n  ${spec.example}`);
  cmd.action(async (...received: unknown[]) => {
    const args = received.slice(0, spec.args?.length ?? 0).map(String);
    const flags = received[spec.args?.length ?? 0] as Record<string, unknown>;
    const { runCommand } = await import('./command.js');
    await runCommand(spec, flags, args);
  });
}

/** The version in the package's package.json. */
function packageVersion(): string {
  return (JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version: string }).version;
}

export function buildProgram(): Command {
  const program = new Command('autoflood')
    .description('Flooding (Ishida et al., ICML 2020) with the flood level found for you')
    .version(packageVersion(), '-V, --version', 'print the version')
    .exitOverride();
  for (const spec of COMMANDS) addCommand(program, spec);
  program.commands.forEach(function hint(cmd: Command) {
    cmd.exitOverride().showHelpAfterError(`(see autoflood ${cmd.parent?.name() === 'autoflood' ? '' : `${cmd.parent?.name()} `}${cmd.name()} --help)`);
    cmd.commands.forEach(hint);
  });
  return program;
}

/** Runs the CLI; returns the exit code (2 for usage errors). */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    const e = err as Error & { code?: string; exitCode?: number };
    // commander's own errors (unknown option, missing value) are usage errors too: exit 2, as ours.
    if (e.code?.startsWith('commander.')) return e.exitCode === 0 ? 0 : 2;
    process.stderr.write(`autoflood: error: ${e.message}\n`);
    if (err instanceof UsageError) {
      process.stderr.write(`(see autoflood ${err.command ?? '<command>'} --help)\n`);
      return 2;
    }
    if (process.env.AUTOFLOOD_DEBUG) process.stderr.write(`${e.stack}\n`);
    return 1;
  }
}
