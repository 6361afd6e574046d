/** The report of `autoflood fit-rule`: every multiple of the loss scale and the one chosen. */
import type { RuleFile } from '../methods/rule.js';
import type { Report } from './document.js';
import { signed } from './format.js';

const points = (s: { mean: number; std: number }) => `${signed(100 * s.mean)} ± ${(100 * s.std).toFixed(2)} points`;

export function ruleReport(rule: RuleFile): Report {
  const { fittedOn } = rule;
  return {
    title: `The fixed flood-level rule: b = ${rule.multiple} x the task's loss scale`,
    intro: [
      `Fitted on ${fittedOn.instances} task instances of **${fittedOn.tasks}** (seed ${fittedOn.seed}): ${fittedOn.description.replace(/\.?$/, '.')}`,
      'Each task trains b = c x its loss scale (the lowest validation loss of a warm-up without flooding, 20% of the epochs) ' +
        'for every multiple c; c is chosen by the validation accuracy (mean of the last tenth of the epochs) gained over no ' +
        'flooding, averaged over the tasks. The test-accuracy gain is shown, not used.',
    ].join('\n\n'),
    sections: [{
      heading: 'Every multiple',
      table: {
        columns: ['Multiple c', 'Validation gain over no flooding', 'Test gain over no flooding (last epoch)', ''],
        rows: rule.table.map((row) => [String(row.multiple), points(row.valGain), points(row.testGain), row.multiple === rule.multiple ? 'chosen' : '']),
      },
    }],
  };
}
