/**
 * Flood-level controllers beyond a fixed b, registered with the trial runner so trials can
 * name them in plain data: { kind: 'heuristic', ...options } or { kind: 'agent', path }.
 */
import { registerController } from '../src/pool/controllers.js';
import { AgentController, loadAgent } from './agent.js';
import { HeuristicController, type HeuristicOptions } from './heuristic.js';

export { AgentController, loadAgent, saveAgent, scheduleFor, AGENT_FORMAT_VERSION, type AgentFile } from './agent.js';
export { HeuristicController, HEURISTIC_DEFAULTS, type HeuristicOptions } from './heuristic.js';
export { Policy, advantages, type PolicyConfig, type Episode, type Transition } from './policy.js';

registerController('heuristic', (spec) => {
  const { kind: _kind, ...options } = spec;
  return new HeuristicController(options as Partial<HeuristicOptions>);
});

registerController('agent', async (spec) => {
  if (typeof spec.path !== 'string') throw new Error('controller agent: needs a "path" to an agent file');
  return new AgentController(await loadAgent(spec.path));
});
