// Every online scheduler passes the conformance suite: the two first-fits, and every policy of the
// registry as the engine and the twin get it (a planning policy plan-guided), so that a policy added
// to POLICY_NAMES is covered without a line here.
import { FirstFitPolicy } from './first-fit-policy.js';
import { IndexedFirstFitPolicy } from './indexed-first-fit-policy.js';
import { planGuidedScheduler } from './plan-guided-policy.js';
import { onlineScheduler, planWith, POLICY_NAMES } from '../policy-registry.js';
import { schedulerConformance } from '../testing/scheduler-conformance.js';

schedulerConformance('FirstFitPolicy', () => new FirstFitPolicy());
schedulerConformance('IndexedFirstFitPolicy', () => new IndexedFirstFitPolicy());
for (const name of POLICY_NAMES) {
  schedulerConformance(`onlineScheduler('${name}')`, (context) => {
    const scheduler = onlineScheduler(name, context);
    if (!scheduler) throw new Error(`onlineScheduler('${name}') gave no scheduler`);
    return scheduler;
  });
}
// `first-fit` is native online, so the loop above never plan-guides its static plan: do it here.
schedulerConformance('first-fit plan, plan-guided', ({ workload, platform }) =>
  planGuidedScheduler(planWith('first-fit', workload, platform), 'first-fit'),
);
