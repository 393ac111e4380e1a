/** The large end-to-end case the offline and online simulator tests both run. */
import type { Platform, Workload } from '../../model/index.js';
import { continuumPlatform } from '../synthetic-platform.js';
import { syntheticWorkload } from '../synthetic-workload.js';

/** A 20,000-task random workflow (seed 3, data at `hpc` and `cloud`) on the 200-node 3-site continuum. */
export function continuum20k(): { workload: Workload; platform: Platform } {
  const { workload, initialData } = syntheticWorkload({
    tasks: 20_000,
    seed: 3,
    dataSites: ['hpc', 'cloud'],
  });
  return { workload, platform: continuumPlatform(200, initialData) };
}
