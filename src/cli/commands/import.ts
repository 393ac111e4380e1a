/** `strata import wfcommons FILE`: turns a WfCommons instance into a runnable Strata workflow. */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { EngineError } from '../../engine/errors.js';
import { specInvalid } from '../../engine/load-spec.js';
import { importWfCommons, workloadToStrataYaml } from '../../formats/wfcommons/index.js';
import { CliError, EXIT_OK } from '../cli-error.js';
import type { CommandContext } from '../global-options.js';

interface ImportOptions {
  output?: string;
  scale: string;
  minSleep: string;
  json?: boolean;
}

export function declareImport(program: Command, cli: CommandContext): void {
  program
    .command('import')
    .description('import a workflow from another format; for now `wfcommons` (WfFormat 1.4/1.5 instances)')
    .argument('<format>', 'wfcommons')
    .argument('<file>', 'the instance (JSON)')
    .option(
      '-o, --output <file>',
      'where to write the runnable Strata workflow (default: <name>.strata.yaml here)',
    )
    .option('--scale <factor>', 'seconds of sleep per second of recorded runtime', '0.001')
    .option('--min-sleep <seconds>', 'shortest sleep of a task', '0')
    .option('--json', 'print the imported workload summary as JSON')
    .action(cli.act(runImport));
}

function runImport(format: string, file: string, opts: ImportOptions): number {
  if (format !== 'wfcommons') {
    throw new CliError(
      'BAD_OPTION',
      `unknown import format ${JSON.stringify(format)}`,
      'the formats are: wfcommons',
    );
  }
  const scale = Number(opts.scale);
  const minSleep = Number(opts.minSleep);
  if (!(scale >= 0) || !(minSleep >= 0)) {
    throw new CliError('BAD_OPTION', '--scale and --min-sleep must be non-negative numbers');
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new EngineError('SPEC_FILE_UNREADABLE', `cannot read ${file}`, 'check the path');
  }
  const result = importWfCommons(text, { file });
  if (!result.ok) throw specInvalid(result.errors);
  const { workload, warnings } = result;
  const yaml = workloadToStrataYaml(workload, { scale, minSleepS: minSleep });
  const output = opts.output ?? `${basename(file).replace(/\.json$/i, '')}.strata.yaml`;
  writeFileSync(output, yaml);
  const edges = workload.tasks.reduce((n, t) => n + t.parents.length, 0);
  const summary = {
    name: workload.name,
    tasks: workload.tasks.length,
    files: workload.files.length,
    edges,
    types: new Set(workload.tasks.map((t) => t.type)).size,
    recordedMakespanS: workload.recorded?.makespanS ?? null,
    runtimeSystem: workload.recorded?.runtimeSystem ?? null,
    machines: workload.recorded?.machines.length ?? 0,
    warnings,
    output,
  };
  if (opts.json) console.log(JSON.stringify(summary, null, 2));
  else {
    const rs = summary.runtimeSystem
      ? `${summary.runtimeSystem.name} ${summary.runtimeSystem.version}`
      : 'unknown';
    console.log(
      `${file}: ${summary.tasks} tasks, ${summary.edges} dependencies, ${summary.files} files, ${summary.types} task types; ` +
        `recorded on ${summary.machines} machine(s) with ${rs}, makespan ${summary.recordedMakespanS ?? '?'} s`,
    );
    for (const w of warnings) console.log(`  warning: ${w}`);
    console.log(`wrote ${output} — run it with \`strata run ${output}\``);
  }
  return EXIT_OK;
}
