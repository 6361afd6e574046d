/**
 * Builds a FloodController from its plain-data spec inside whatever process runs the trial
 * (a worker thread now, a queue worker later). Every kind is an explicit import here.
 */
import { AgentController, loadAgent, type AgentFile } from '../control/agent.js';
import { HeuristicController, type HeuristicOptions } from '../control/heuristic.js';
import type { TrainConfig } from '../train/config.js';
import { backwardFlood, constantFlood, type FloodController } from '../train/controller.js';
import type { ControllerSpec } from './trial.js';

export const CONTROLLER_KINDS = ['constant', 'backward', 'heuristic', 'agent'] as const;

export async function buildController(spec: ControllerSpec, config: TrainConfig): Promise<FloodController> {
  const { kind, ...params } = spec;
  switch (kind) {
    case 'constant':
      return constantFlood(config.flood);
    case 'backward':
      return backwardFlood(config.flood, Number(params.afterLoss));
    case 'heuristic':
      return new HeuristicController(params as Partial<HeuristicOptions>);
    case 'agent':
      if (params.agent !== undefined) return new AgentController(params.agent as AgentFile);
      if (typeof params.path !== 'string') throw new Error('controller agent: needs a "path" to an agent file or an inline "agent"');
      return new AgentController(await loadAgent(params.path));
    default:
      throw new Error(`controller: unknown kind "${kind}" (known: ${CONTROLLER_KINDS.join(', ')})`);
  }
}
