/**
 * Where the Slurm executor reads how a job ended once squeue no longer lists it (after Slurm's
 * `MinJobAge`): `sacct` when accounting runs, else the job completion log, as `scontrol show config`
 * says (or as configured). One command looks up every such job of a poll.
 */
import type { CommandRunner } from './command-runner.js';
import { parseJobCompLines, parseSacct, sacctArgv, type SlurmJobRecord } from './slurm-records.js';

interface Completion {
  kind: 'sacct' | 'jobcomp' | 'none';
  path?: string;
}

export class JobHistory {
  private completion: Completion | null = null;

  constructor(
    private readonly runner: CommandRunner,
    /** Read until the source is known: `auto` (the default) asks `scontrol show config`. */
    private readonly options: { completion?: 'auto' | 'sacct' | 'jobcomp' },
    /** Counts each lookup (the executor's `stats`). */
    private readonly counters: { completionLookups: number },
  ) {}

  /** The ended jobs among `jobIds` that the history knows; null when it could not be asked. */
  async lookUpEnded(jobIds: string[]): Promise<Map<string, SlurmJobRecord> | null> {
    const completion = await this.completionSource();
    if (completion === null) return null;
    this.counters.completionLookups += 1;
    let records: SlurmJobRecord[] = [];
    if (completion.kind === 'sacct') {
      const result = await this.runner.run(sacctArgv(jobIds)).catch(() => null);
      if (!result || result.code !== 0) return null;
      records = parseSacct(result.stdout);
    } else if (completion.kind === 'jobcomp' && completion.path) {
      const patterns = jobIds.flatMap((id) => {
        const [job, task] = id.split('_');
        return ['-e', task === undefined ? `JobId=${job} ` : `ArrayJobId=${job} ArrayTaskId=${task} `];
      });
      const result = await this.runner
        .run(['grep', '-F', ...patterns, '--', completion.path])
        .catch(() => null);
      // grep: 0 found, 1 none found (an answer too), 2 trouble.
      if (!result || result.unreachable || (result.code !== 0 && result.code !== 1)) return null;
      records = parseJobCompLines(result.stdout);
    }
    return new Map(records.map((r) => [r.key, r]));
  }

  private async completionSource(): Promise<Completion | null> {
    if (this.completion) return this.completion;
    const mode = this.options.completion ?? 'auto';
    if (mode === 'sacct') return (this.completion = { kind: 'sacct' });
    const result = await this.runner.run(['scontrol', 'show', 'config']).catch(() => null);
    if (!result || result.code !== 0) return null;
    const config = new Map(
      result.stdout.split('\n').flatMap((line) => {
        const m = /^(\w+)\s*=\s*(.*)$/.exec(line.trim());
        return m ? [[m[1]!, m[2]!.trim()] as const] : [];
      }),
    );
    const accounting = config.get('AccountingStorageType') ?? '';
    const jobComp = config.get('JobCompType') ?? '';
    const path = config.get('JobCompLoc') ?? '';
    if (mode === 'auto' && accounting.includes('slurmdbd')) this.completion = { kind: 'sacct' };
    else if (jobComp.includes('filetxt') && path.startsWith('/')) this.completion = { kind: 'jobcomp', path };
    else this.completion = { kind: 'none' };
    return this.completion;
  }
}
