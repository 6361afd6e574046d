/**
 * The agent files shipped with the package (agents/README.md says how each was made). A module of
 * its own so that the command table can name them without loading what reads them (TensorFlow.js).
 */
import { packageFile } from '../core/files.js';

/** The twin agent, the default of `--agent`. */
export const DEFAULT_AGENT_FILE = packageFile('agents/default-agent.json');
/** The in-run agent: one run, b from its warm-up. */
export const INRUN_AGENT_FILE = packageFile('agents/inrun-agent.json');
/** The steps agent: b at decision epochs of one run. */
export const STEPS_AGENT_FILE = packageFile('agents/steps-agent.json');
