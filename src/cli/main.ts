#!/usr/bin/env node
/**
 * `strata` — the command line. Every command works embedded (engine and store in this process:
 * SQLite under .strata/ by default, local executor) or against a server (`--server URL`).
 *
 * Exit codes: 0 the workflow succeeded (or the command did what it was asked); 1 the workflow
 * failed or was cancelled, or a request was refused; 2 bad input (spec errors, bad options);
 * 130 interrupted by Ctrl-C (a later `strata resume` continues).
 *
 * @example
 * strata run examples/quickstart.yaml
 * strata status --json
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { Command, Option } from 'commander';
import type { WorkflowView, StrataApi } from '../engine/strata-api.js';
import { EngineError, coerceError } from '../engine/errors.js';
import { loadSpecFile, specInvalid } from '../engine/load-spec.js';
import { importWfCommons, workloadToStrataYaml } from '../formats/wfcommons/index.js';
import type { NodeCapacity, WorkflowState } from '../model/index.js';
import { openEmbedded } from './embedded.js';
import type { Embedded } from './embedded.js';
import { CliError } from './cli-error.js';
import { executorFromFlags, type ExecutorFlags } from './executor-option.js';
import { formatWorkflowDetail, formatWorkflowTable } from './format.js';
import { HttpClient } from '../client/http-client.js';
import { Progress } from './progress.js';
import { STRATA_VERSION } from './version.js';
import type { SimulateCommandOptions } from './simulate-command.js';
import type { AnomalyEvalOptions } from './anomaly-command.js';
import type { PerfmodelEvalOptions } from './perfmodel-command.js';
import type { BenchPowerOptions } from './bench-power-command.js';

import { EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE } from './cli-error.js';
import { exitStatusOf } from './exit-status.js';

interface GlobalOptions extends ExecutorFlags {
  db?: string;
  home?: string;
  server?: string;
  cpus?: string;
  gpus?: string;
}

/** Exit code of the command that ran; each action returns one. */
let actionExitCode = EXIT_OK;

function act<A extends unknown[]>(
  fn: (...args: A) => number | Promise<number>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    actionExitCode = await fn(...args);
  };
}

const program = new Command();
program
  .name('strata')
  .description('Run scientific and AI workflows across the compute continuum.')
  .version(STRATA_VERSION)
  .option(
    '--db <url>',
    'store: sqlite:PATH or postgres://… (default: $STRATA_DB, else SQLite in $STRATA_HOME or ./.strata)',
  )
  .option(
    '--home <dir>',
    'state directory for the embedded store and logs (default: $STRATA_HOME or ./.strata)',
  )
  .option(
    '--server <url>',
    'talk to a running `strata server` instead of running the engine here (default: $STRATA_SERVER)',
  )
  .option('--cpus <n>', 'CPUs the local executor may use (default: all this machine has)')
  .option('--gpus <ids>', 'GPU indices the local executor may hand out, e.g. 0,1 (default: detected)')
  .option('--executor <kind>', 'where attempts run: local (default) or slurm (docs/executors.md)')
  .option('--partition <name>', 'Slurm partition (sbatch --partition; with --executor slurm)')
  .option('--account <name>', 'Slurm account (sbatch --account; with --executor slurm)')
  .option('--qos <name>', 'Slurm QoS (sbatch --qos; with --executor slurm)')
  .option(
    '--platform <file>',
    'platform file whose --site names the executor (an hpc site with a Slurm block)',
  )
  .option('--site <id>', 'the site of --platform to run on')
  .showHelpAfterError();

program
  .command('run')
  .description(
    'run a workflow in the foreground with a live progress bar; Ctrl-C stops it, `strata resume` continues',
  )
  .argument('<file>', 'workflow spec (YAML or JSON)')
  .option('--json', 'print the final state as JSON instead of a summary')
  .option('--no-progress', 'no progress bar (one line per state change of the workflow)')
  .action(
    act(async (file: string, opts: { json?: boolean; progress: boolean }) => {
      const g = globals();
      if (serverUrl(g)) {
        const api = new HttpClient(serverUrl(g)!);
        const wf = await api.submit(submitInput(file));
        return watchRemote(api, wf, opts);
      }
      const loaded = loadSpecFile(file); // report spec errors before opening anything
      const env = await embedded(g);
      const record = await env.engine.submit(loaded.spec, { baseDir: loaded.baseDir, source: file });
      return driveInForeground(env, record.id, opts);
    }),
  );

program
  .command('submit')
  .description('store a workflow for a server (or a later `strata resume`) to run, and print its id')
  .argument('<file>', 'workflow spec (YAML or JSON)')
  .option('--json', 'print the workflow as JSON')
  .action(
    act(async (file: string, opts: { json?: boolean }) => {
      const g = globals();
      let wf: WorkflowView;
      if (serverUrl(g)) wf = await new HttpClient(serverUrl(g)!).submit(submitInput(file));
      else {
        const loaded = loadSpecFile(file);
        const env = await embedded(g);
        // Stored, not driven: a server or `resume` takes it.
        const record = await env.engine.submit(
          loaded.spec,
          { baseDir: loaded.baseDir, source: file },
          { drive: false },
        );
        wf = await env.api.getWorkflow(record.id);
        await env.close();
      }
      console.log(opts.json ? JSON.stringify(wf, null, 2) : wf.id);
      return EXIT_OK;
    }),
  );

program
  .command('status')
  .description('list workflows, or show one (by id or name) with its tasks by state')
  .argument('[workflow]', 'workflow id or name')
  .option('--json', 'machine-readable output')
  .option('--limit <n>', 'how many workflows to list', '20')
  .action(
    act(async (ref: string | undefined, opts: { json?: boolean; limit: string }) => {
      return withApi(async (api) => {
        if (!ref) {
          const list = await api.listWorkflows({ limit: positiveInt(opts.limit, '--limit') });
          console.log(opts.json ? JSON.stringify(list, null, 2) : formatWorkflowTable(list));
          return EXIT_OK;
        }
        const wf = await api.getWorkflow(ref);
        const notable = await api.listTasks(wf.id, { states: ['failed', 'running', 'queued'], limit: 50 });
        if (opts.json) console.log(JSON.stringify({ ...wf, tasks: notable }, null, 2));
        else console.log(formatWorkflowDetail(wf, notable));
        return wf.state === 'failed' || wf.state === 'cancelled' ? EXIT_FAILED : EXIT_OK;
      });
    }),
  );

program
  .command('logs')
  .description("print a task's stdout (or stderr) of its latest attempt, or of --attempt N")
  .argument('<task>', 'task name, e.g. merge or work[3]')
  .option('-w, --workflow <ref>', 'workflow id or name (default: the most recent workflow)')
  .option('--attempt <n>', 'attempt number (default: latest)')
  .option('--stderr', 'print stderr instead of stdout')
  .option('--tail <bytes>', 'print at most this many bytes from the end', String(1024 * 1024))
  .action(
    act(
      async (task: string, opts: { workflow?: string; attempt?: string; stderr?: boolean; tail: string }) => {
        return withApi(async (api) => {
          const ref = opts.workflow ?? (await latestWorkflow(api));
          const text = await api.readLog(ref, task, {
            stream: opts.stderr ? 'stderr' : 'stdout',
            tailBytes: positiveInt(opts.tail, '--tail'),
            ...(opts.attempt ? { attempt: positiveInt(opts.attempt, '--attempt') } : {}),
          });
          process.stdout.write(text);
          return EXIT_OK;
        });
      },
    ),
  );

program
  .command('cancel')
  .description('cancel a workflow: tasks not started are cancelled, running attempts are killed')
  .argument('[workflow]', 'workflow id or name (default: the most recent workflow)')
  .action(
    act(async (ref: string | undefined) => {
      return withApi(async (api, env) => {
        const id = ref ?? (await latestWorkflow(api));
        let wf = await api.cancel(id);
        if (env) {
          await env.engine.waitFor(wf.id);
          wf = await api.getWorkflow(wf.id);
        }
        console.log(`${wf.id} ${wf.state}`);
        return EXIT_OK;
      });
    }),
  );

program
  .command('retry')
  .description('run a failed task again, with what is downstream of it (embedded: in the foreground)')
  .argument('<task>', 'task name')
  .option('-w, --workflow <ref>', 'workflow id or name (default: the most recent workflow)')
  .option('--json', 'print the final state as JSON')
  .option('--no-progress', 'no progress bar')
  .action(
    act(async (task: string, opts: { workflow?: string; json?: boolean; progress: boolean }) => {
      return reopenCommand(opts.workflow, (api, id) => api.retry(id, task), opts);
    }),
  );

program
  .command('resume')
  .description(
    'continue an interrupted or crashed workflow, and run its failed tasks again (embedded: in the foreground)',
  )
  .argument('[workflow]', 'workflow id or name (default: the most recent workflow)')
  .option('--json', 'print the final state as JSON')
  .option('--no-progress', 'no progress bar')
  .action(
    act(async (ref: string | undefined, opts: { json?: boolean; progress: boolean }) => {
      return reopenCommand(ref, (api, id) => api.resume(id), opts);
    }),
  );

program
  .command('validate')
  .description('check a workflow spec without running it')
  .argument('<file>', 'workflow spec (YAML or JSON)')
  .option('--json', 'print the normalised workflow as JSON')
  .action(
    act((file: string, opts: { json?: boolean }) => {
      const { spec } = loadSpecFile(file);
      if (opts.json) console.log(JSON.stringify(spec, null, 2));
      else {
        const edges = spec.tasks.reduce((n, t) => n + t.deps.length, 0);
        console.log(
          `${file}: valid — workflow ${spec.name}, ${spec.tasks.length} tasks, ${edges} dependencies`,
        );
      }
      return EXIT_OK;
    }),
  );

program
  .command('export')
  .description(
    'write a workflow run in another format; for now `wfcommons` (WfFormat 1.5: history for strata simulate)',
  )
  .argument('<format>', 'wfcommons')
  .argument('<workflow>', 'workflow id or name')
  .option('-o, --output <file>', 'where to write the instance (default: standard output)')
  .action(
    act(async (format: string, ref: string, opts: { output?: string }) => {
      const { runExport } = await import('./export-command.js');
      return withApi((api, env) => runExport(api, format, ref, { ...opts, embedded: env !== undefined }));
    }),
  );

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
  .action(
    act(
      (
        format: string,
        file: string,
        opts: { output?: string; scale: string; minSleep: string; json?: boolean },
      ) => {
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
      },
    ),
  );

program
  .command('simulate')
  .description('play a workflow on a platform in the digital twin with a placement policy')
  .requiredOption('--workflow <file>', 'a WfCommons instance (WfFormat 1.4/1.5 JSON)')
  // Not `requiredOption`: the program's own --platform (the Slurm site of `run`) may take it first;
  // the action reads either, and says so when neither was given.
  .option(
    '--platform <file|recorded>',
    'a platform file, or `recorded`: the machines and mapping recorded in the instance',
  )
  .option(
    '--policy <name>',
    'placement policy: first-fit, heft, min-min, energy-heft, carbon-aware, locality, multi-objective',
    'heft',
  )
  .option('--start-at <seconds>', "seconds into the sites' carbon series at which the workflow starts", '0')
  .option(
    '--online',
    'run a planning policy as the engine would: its plan followed online (each task on a free node of its planned type), not replayed node for node',
  )
  .option('--compare', 'play every policy and print them side by side, against HEFT')
  .option(
    '--runtimes <estimated|oracle>',
    "what planning policies plan on: the performance model's estimates (default) or the recorded truth",
    'estimated',
  )
  .option(
    '--history <files...>',
    'WfCommons instances of earlier runs for the performance model to learn from',
  )
  .option('--seed <n>', 'random seed (failures, stragglers, retry jitter)', '1')
  .option('--mtbf <seconds>', 'inject node crashes with this mean time between failures per node')
  .option('--stragglers <p>', 'probability that an attempt runs slow')
  .option('--gantt <out.svg>', 'draw the schedule')
  .option('--placements <out.json>', "write each task's node, times and the reason for its placement")
  .option('--json', 'machine-readable report')
  .action(
    act(async (opts: Partial<SimulateCommandOptions>, cmd: Command) => {
      const platform = opts.platform ?? (cmd.optsWithGlobals() as { platform?: string }).platform;
      if (platform === undefined) {
        throw new CliError(
          'BAD_OPTION',
          'strata simulate needs --platform FILE or --platform recorded',
          'e.g. strata simulate --workflow wf.json --platform examples/platforms/continuum.yaml',
        );
      }
      const { runSimulate } = await import('./simulate-command.js');
      return runSimulate({ ...(opts as SimulateCommandOptions), platform });
    }),
  );

const anomaly = program
  .command('anomaly')
  .description('anomaly detection over metric series: evaluate detectors (docs/anomaly.md)');
anomaly
  .command('eval')
  .description('fit a detector on a training series, score a labelled test series, report honest metrics')
  .option('--train <file>', 'training series: CSV or gzip CSV, one row per step, one column per metric')
  .option('--test <file>', 'test series, same layout and columns as --train')
  .option('--labels <file>', 'one 0/1 per line, one line per test row')
  .option('--interpretation <file>', 'SMD interpretation_label file (start-end:m1,m2,…) for HitRate')
  .option('--nab <dir>', 'evaluate every stream of a NAB folder (data/, labels/combined_windows.json)')
  .option('--model <name>', 'detector: vae, pca, robust-z, random, a comma list, or all', 'vae')
  .option('--seed <n>', 'random seed (VAE initialisation and batches, random baseline)', '1')
  .option('--epochs <n>', 'VAE training epochs (default 20, within a 45 s budget)')
  .option(
    '--save-model <file>',
    'write the fitted detector and its threshold calibration (edge bundle, JSON)',
  )
  .option('--json', 'machine-readable report')
  .action(
    act(async (opts: AnomalyEvalOptions) => {
      const { runAnomalyEval } = await import('./anomaly-command.js');
      return runAnomalyEval(opts);
    }),
  );

const perfmodel = program
  .command('perfmodel')
  .description('performance models: predict task runtimes and memory, learn online (docs/perfmodel.md)');
perfmodel
  .command('eval')
  .description('replay WfCommons instances through the models: online, cross-machine and drift evaluation')
  .option('--traces <paths...>', 'WfCommons instances (WfFormat 1.4/1.5 JSON) or directories of them')
  .option('--models <list>', 'comma list of models (mean, median, last, lotaru, ensemble), or all', 'all')
  .option(
    '--noise <dir>',
    'Azure VM noise folder for the drift scenario (../shared/data/perfmodel/azure-vm-noise-2024)',
  )
  .option('--drift-adaptation', 'in the online evaluation, refit a node type on each drift event')
  .option('--json', 'machine-readable report')
  .action(
    act(async (opts: PerfmodelEvalOptions) => {
      const { runPerfmodelEval } = await import('./perfmodel-command.js');
      return runPerfmodelEval(opts);
    }),
  );
perfmodel
  .command('bench-node')
  .description("measure this machine's speed factor with the micro-benchmark executors run")
  .option('--reference-s <s>', 'seconds the benchmark takes on the reference node')
  .option('--json', 'machine-readable output')
  .action(
    act(async (opts: { referenceS?: string; json?: boolean }) => {
      const { runPerfmodelBenchNode } = await import('./perfmodel-command.js');
      return runPerfmodelBenchNode(opts);
    }),
  );

perfmodel
  .command('bench-power')
  .description(
    "measure this node's CPU package power at each CPU frequency (RAPL, cpufreq; root) and print its platform-file DVFS levels",
  )
  .option('--seconds <s>', 'seconds per measurement (idle, then each frequency)', '5')
  .option('--idle <watts>', "the node's idle power (wall), to scale the levels to")
  .option('--max <watts>', "the node's full-load power (wall)")
  .option('--sysfs <dir>', 'root of the sysfs tree (default /)')
  .option('--json', 'machine-readable output')
  .action(
    act(async (opts: BenchPowerOptions) => {
      const { runBenchPower } = await import('./bench-power-command.js');
      return runBenchPower(opts);
    }),
  );

program
  .command('server')
  .description('run the HTTP API (and /metrics) with the engine, driving every workflow in the store')
  .addOption(new Option('--port <port>', 'port to listen on').default('8080').env('STRATA_PORT'))
  .addOption(new Option('--host <host>', 'address to listen on').default('127.0.0.1').env('STRATA_LISTEN'))
  .action(
    act(async (opts: { port: string; host: string }) => {
      const { runServer } = await import('./run-server.js');
      const g = globals();
      const executor = executorFromFlags(g);
      await runServer({
        host: opts.host,
        port: portNumber(opts.port),
        ...(g.db ? { db: g.db } : {}),
        ...(g.home ? { home: g.home } : {}),
        ...capacityOption(g),
        ...(executor ? { executor } : {}),
      });
      return new Promise<number>(() => undefined); // runs until a signal stops it
    }),
  );

// ------------------------------------------------------------------ helpers

function globals(): GlobalOptions {
  return program.opts<GlobalOptions>();
}

function serverUrl(g: GlobalOptions): string | undefined {
  return g.server || process.env.STRATA_SERVER || undefined;
}

function capacityOption(g: GlobalOptions): { capacity?: Partial<NodeCapacity> } {
  const capacity: Partial<NodeCapacity> = {};
  if (g.cpus !== undefined) {
    const cpus = Number(g.cpus);
    if (!(cpus > 0)) throw new CliError('BAD_OPTION', `--cpus must be a positive number, got ${g.cpus}`);
    capacity.cpus = cpus;
  }
  if (g.gpus !== undefined) {
    const ids = g.gpus === '' ? [] : g.gpus.split(',').map((s) => Number(s.trim()));
    if (ids.some((n) => !Number.isInteger(n) || n < 0)) {
      throw new CliError('BAD_OPTION', `--gpus must list GPU indices like 0,1, got ${g.gpus}`);
    }
    capacity.gpuIds = ids;
  }
  return Object.keys(capacity).length > 0 ? { capacity } : {};
}

function embedded(g: GlobalOptions): Promise<Embedded> {
  const executor = executorFromFlags(g);
  return openEmbedded({
    ...(g.db ? { db: g.db } : {}),
    ...(g.home ? { home: g.home } : {}),
    ...capacityOption(g),
    ...(executor ? { executor } : {}),
  });
}

function submitInput(file: string) {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new EngineError('SPEC_FILE_UNREADABLE', `cannot read workflow file ${file}`, 'check the path');
  }
  return { text, file, baseDir: dirname(resolve(file)) };
}

function portNumber(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new CliError('BAD_OPTION', `--port must be a port number (0 picks a free one), got ${text}`);
  }
  return n;
}

function positiveInt(text: string, what: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0)
    throw new CliError('BAD_OPTION', `${what} must be a positive integer, got ${text}`);
  return n;
}

async function latestWorkflow(api: StrataApi): Promise<string> {
  const [latest] = await api.listWorkflows({ limit: 1 });
  if (!latest)
    throw new CliError('NO_WORKFLOWS', 'no workflows yet', 'run one with `strata run FILE`', EXIT_FAILED);
  return latest.id;
}

/** Runs `body` against the server if one is named, else against an embedded control plane. */
async function withApi(body: (api: StrataApi, env?: Embedded) => Promise<number>): Promise<number> {
  const g = globals();
  if (serverUrl(g)) return body(new HttpClient(serverUrl(g)!));
  const env = await embedded(g);
  try {
    return await body(env.api, env);
  } finally {
    await env.close();
  }
}

async function reopenCommand(
  ref: string | undefined,
  reopen: (api: StrataApi, id: string) => Promise<WorkflowView>,
  opts: { json?: boolean; progress: boolean },
): Promise<number> {
  const g = globals();
  if (serverUrl(g)) {
    const api = new HttpClient(serverUrl(g)!);
    const wf = await reopen(api, ref ?? (await latestWorkflow(api)));
    return watchRemote(api, wf, opts);
  }
  const env = await embedded(g);
  try {
    const id = (await env.api.resolve(ref ?? (await latestWorkflow(env.api)))).id;
    // Adopting an interrupted or crashed workflow re-attaches what still runs; then the request reopens.
    await reopen(env.api, id);
    return await driveInForeground(env, id, opts);
  } catch (e) {
    await env.close();
    throw e;
  }
}

/** Drives a workflow in this process until it finishes or Ctrl-C interrupts it. */
async function driveInForeground(
  env: Embedded,
  id: string,
  opts: { json?: boolean; progress: boolean },
): Promise<number> {
  const wf = await env.api.getWorkflow(id);
  const progress = new Progress(wf, { bar: opts.progress && process.stderr.isTTY === true && !opts.json });
  const update = () => {
    const counts = env.engine.progress(id);
    if (counts) progress.update(counts);
  };
  env.engine.on('turn', update);
  let interrupts = 0;
  const onSignal = () => {
    interrupts += 1;
    if (interrupts === 1) {
      progress.note('stopping: killing running tasks (Ctrl-C again to leave them running and exit now)');
      void env.engine.interrupt(id);
    } else {
      progress.stop();
      process.stderr.write(`left running tasks alone; \`strata resume ${id}\` re-attaches them\n`);
      process.exit(EXIT_INTERRUPTED);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let errored: Error | null = null;
  env.engine.on('error', (e) => (errored = e));
  const state = await env.engine.waitFor(id);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  update();
  progress.stop();
  if (errored) throw errored;
  const final = await env.api.getWorkflow(id);
  await env.close();
  return report(final, state, opts.json);
}

/** Follows a workflow a server runs; Ctrl-C stops watching (the server keeps running it). */
async function watchRemote(
  api: StrataApi,
  first: WorkflowView,
  opts: { json?: boolean; progress: boolean },
): Promise<number> {
  const progress = new Progress(first, { bar: opts.progress && process.stderr.isTTY === true && !opts.json });
  let stop = false;
  const onSignal = () => (stop = true);
  process.on('SIGINT', onSignal);
  let wf = first;
  while (!stop && wf.state === 'running') {
    progress.update(wf.counts);
    await new Promise((r) => setTimeout(r, 500));
    wf = await api.getWorkflow(first.id);
  }
  process.off('SIGINT', onSignal);
  progress.update(wf.counts);
  progress.stop();
  if (stop && wf.state === 'running') {
    process.stderr.write(
      `stopped watching; the server keeps running ${wf.id} (\`strata status ${wf.id}\`)\n`,
    );
    return EXIT_INTERRUPTED;
  }
  return report(wf, wf.state, opts.json);
}

function report(wf: WorkflowView, state: WorkflowState | 'interrupted', json: boolean | undefined): number {
  if (json) console.log(JSON.stringify({ ...wf, outcome: state }, null, 2));
  else if (state === 'interrupted') {
    console.error(`${wf.id} interrupted — \`strata resume ${wf.id}\` continues where it stopped`);
  } else {
    const c = wf.counts;
    const line = `${wf.id} ${state}: ${c.succeeded} succeeded, ${c.failed} failed, ${c['upstream-failed']} upstream-failed, ${c.cancelled} cancelled`;
    if (state === 'succeeded') console.log(line);
    else console.error(`${line}\n  see \`strata status ${wf.id}\` and \`strata logs TASK -w ${wf.id}\``);
  }
  if (state === 'interrupted') return EXIT_INTERRUPTED;
  return state === 'succeeded' ? EXIT_OK : EXIT_FAILED;
}

function printError(e: unknown): number {
  const err = coerceError(e);
  const coded = err as Error & { code?: unknown; hint?: unknown };
  if (typeof coded.code === 'string' && /^[A-Z][A-Z_]+$/.test(coded.code)) {
    process.stderr.write(`error ${coded.code}: ${err.message}\n`);
    if (typeof coded.hint === 'string') process.stderr.write(`  hint: ${coded.hint}\n`);
    return exitStatusOf(err);
  }
  process.stderr.write(`error: ${err.message}\n`);
  if (process.env.STRATA_DEBUG) process.stderr.write(`${err.stack}\n`);
  else process.stderr.write('  (set STRATA_DEBUG=1 for details)\n');
  return exitStatusOf(err);
}

async function main(argv: string[]): Promise<void> {
  let code = EXIT_OK;
  program.exitOverride();
  try {
    await program.parseAsync(argv);
    code = actionExitCode;
  } catch (e) {
    const ce = e as { code?: string; exitCode?: number };
    if (typeof ce.code === 'string' && ce.code.startsWith('commander.')) {
      code = ce.code === 'commander.helpDisplayed' || ce.code === 'commander.version' ? EXIT_OK : EXIT_USAGE;
    } else {
      code = printError(e);
    }
  }
  process.exitCode = code;
  // Open handles (pools, timers) must not keep a finished command alive.
  setTimeout(() => process.exit(code), 50).unref();
}

void main(process.argv);
