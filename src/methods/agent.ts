/**
 * The agent as a method. The twin design: the run without flooding first, then one run at
 * b = c x scale with c read by the agent from the finished first run, and the scale that run's
 * first 20% of epochs measured (the numbers of the searches' warm-up trial, which the twin does
 * not need to train). c = 0 is the first run itself, so it costs nothing more; other levels are the
 * relative grid's trials (same ids). The inrun design: the warm-up, continued at the multiple the agent
 * reads from it (branch.ts), one run in all. The steps design: one training with the agent as its
 * controller.
 */
import { inrunLevel, twinLevel, type AgentFile } from '../control/agent.js';
import type { TrainConfig } from '../train/config.js';
import { makeTrial } from '../trials/trial.js';
import { branchPlan } from './branch.js';
import { constantTrial, noFlood } from './grid.js';
import { finished, singlePlan, type Done, type MethodPlan } from './plan.js';

export function agentPlan(config: TrainConfig, agent: AgentFile): MethodPlan {
  // The in-run agent reads the warm-up and continues it (branch.ts): one run in all.
  if (agent.design === 'inrun') return branchPlan('agent', config, (warmup) => inrunLevel(agent, warmup.history, warmup.classes).multiple);
  if (agent.design !== 'twin') {
    const trial = makeTrial({ ...config, flood: 0 }, { kind: 'agent', agent }, 'agent');
    return singlePlan('agent', () => trial);
  }
  const zero = noFlood(config);
  const choice = (done: Done) => {
    const first = finished(done, zero);
    return twinLevel(agent, first.history, first.classes);
  };
  const plan = singlePlan('agent', (done) => constantTrial(config, choice(done).level, 'agent'), [zero]);
  return { ...plan, outcome: (done) => ({ ...plan.outcome(done), scale: choice(done).scale }) };
}
