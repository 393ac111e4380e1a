/**
 * The `strata` CLI as a user runs it: the built binary in a fresh directory, embedded SQLite and the
 * local executor, and once against a real `strata server` over HTTP.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createToken, runCli, serverUrlOf, startCli } from './strata-cli.js';

const root = join(import.meta.dirname, '..');
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'strata-cli-'));
  dirs.push(dir);
  return dir;
}

describe('strata CLI (embedded)', () => {
  it('runs the bundled quickstart end to end, then shows status and logs', async () => {
    const dir = workspace();
    cpSync(join(root, 'examples', 'quickstart.yaml'), join(dir, 'quickstart.yaml'));
    const run = await runCli(['run', 'quickstart.yaml'], dir);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/succeeded: 8 succeeded, 0 failed/);

    const status = await runCli(['status', '--json'], dir);
    const list = JSON.parse(status.stdout) as Array<{
      name: string;
      state: string;
      counts: { succeeded: number };
    }>;
    expect(list[0]).toMatchObject({ name: 'quickstart', state: 'succeeded', counts: { succeeded: 8 } });

    const logs = await runCli(['logs', 'report'], dir);
    expect(logs.code).toBe(0);
    expect(logs.stdout).toMatch(/words: +17/);

    const one = await runCli(['status', 'quickstart'], dir);
    expect(one.stdout).toMatch(/state +succeeded/);
  });

  it('validate reports spec errors with file:line:column, code and hint, exit 2', async () => {
    const dir = workspace();
    writeFileSync(
      join(dir, 'bad.yaml'),
      [
        'name: bad',
        'tasks:',
        '  - name: a',
        '    comand: [true]',
        '  - name: b',
        '    shell: x',
        '    after: [c]',
        '',
      ].join('\n'),
    );
    const res = await runCli(['validate', 'bad.yaml'], dir);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('error SPEC_INVALID');
    expect(res.stderr).toMatch(/bad\.yaml:4:5 error SPEC_UNKNOWN_FIELD at tasks\[0\]\.comand/);
    expect(res.stderr).toMatch(/did you mean "command"/);
    expect(res.stderr).toMatch(/bad\.yaml:7:\d+ error SPEC_UNKNOWN_DEPENDENCY/);
    expect(res.stderr).not.toMatch(/\n\s+at .*\.js:\d+/); // no stack trace for a user's mistake

    writeFileSync(join(dir, 'good.yaml'), 'name: good\ntasks:\n  - name: a\n    command: [true]\n');
    const ok = await runCli(['validate', 'good.yaml'], dir);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('valid — workflow good, 1 tasks');
  });

  it('exits 1 when the workflow fails; retry after a fix makes it succeed', async () => {
    const dir = workspace();
    writeFileSync(
      join(dir, 'wf.yaml'),
      [
        'name: flaky',
        'failure: continue',
        'tasks:',
        '  - name: needs-flag',
        "    shell: 'test -f flag && echo ok > out.txt'",
        '    outputs: [out.txt]',
        '  - name: after',
        '    shell: cat out.txt',
        '    inputs: [out.txt]',
        '  - name: independent',
        '    command: [true]',
        '',
      ].join('\n'),
    );
    const first = await runCli(['run', 'wf.yaml', '--no-progress'], dir);
    expect(first.code).toBe(1);
    expect(first.stderr).toMatch(/failed: 1 succeeded, 1 failed, 1 upstream-failed/);

    const status = await runCli(['status', 'flaky', '--json'], dir);
    expect(status.code).toBe(1);
    expect(JSON.parse(status.stdout)).toMatchObject({ state: 'failed' });

    writeFileSync(join(dir, 'flag'), '');
    const retried = await runCli(['retry', 'needs-flag', '-w', 'flaky', '--no-progress'], dir);
    expect(retried.code, retried.stderr).toBe(0);
    expect(retried.stdout).toMatch(/succeeded: 3 succeeded/);
    const logs = await runCli(['logs', 'after'], dir);
    expect(logs.stdout).toBe('ok\n');
  });

  it('exports a run as a WfCommons instance that the twin can learn from (--history)', async () => {
    const dir = workspace();
    writeFileSync(
      join(dir, 'wf.yaml'),
      [
        'name: busy-then-idle',
        'tasks:',
        // A shell busy loop (CPU-bound) writes a file; a sleep (CPU idle) reads it.
        '  - name: burn',
        '    shell: i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done; echo done > out.txt',
        '    outputs: [out.txt]',
        '  - name: nap',
        '    command: [sleep, "0.5"]',
        '    inputs: [out.txt]',
        '',
      ].join('\n'),
    );
    const run = await runCli(['run', 'wf.yaml', '--no-progress'], dir);
    expect(run.code, run.stderr).toBe(0);
    const exported = await runCli(['export', 'wfcommons', 'busy-then-idle', '-o', 'run.json'], dir);
    expect(exported.code, exported.stderr).toBe(0);
    const instance = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as {
      schemaVersion: string;
      runtimeSystem: { name: string };
      workflow: {
        specification: {
          tasks: Array<{ id: string; parents: string[] }>;
          files: Array<{ id: string; sizeInBytes: number }>;
        };
        execution: {
          makespanInSeconds: number;
          tasks: Array<{ id: string; runtimeInSeconds: number; avgCPU?: number; machines: string[] }>;
        };
      };
    };
    expect(instance).toMatchObject({ schemaVersion: '1.5', runtimeSystem: { name: 'Strata' } });
    expect(instance.workflow.specification.tasks.map((t) => [t.id, t.parents])).toEqual([
      ['burn', []],
      ['nap', ['burn']],
    ]);
    expect(instance.workflow.specification.files).toEqual([{ id: 'out.txt', sizeInBytes: 5 }]);
    const [burn, nap] = instance.workflow.execution.tasks;
    // Measured by GNU time around each attempt: the loop keeps its core busy, the sleep does not.
    // On a loaded machine the loop gets less than its core (49 % was seen at load 12 on 2 cores),
    // so the check is relative: far more CPU than the sleep, and clearly more than none.
    expect(burn!.avgCPU).toBeGreaterThan(20);
    expect(nap!.avgCPU).toBeLessThan(20);
    expect(burn!.avgCPU!).toBeGreaterThan(3 * nap!.avgCPU!);
    expect(nap!.runtimeInSeconds).toBeGreaterThanOrEqual(0.5);
    expect(nap!.machines).toEqual(['local']);
    expect(instance.workflow.execution.makespanInSeconds).toBeGreaterThanOrEqual(
      burn!.runtimeInSeconds + nap!.runtimeInSeconds,
    );

    // The run is history for the twin: the same spec, simulated with runtimes and CPU use learnt from it.
    const sim = await runCli(
      [
        'simulate',
        '--workflow',
        'wf.yaml',
        '--platform',
        join(root, 'examples', 'platforms', 'continuum.yaml'),
        '--history',
        'run.json',
        '--json',
      ],
      dir,
    );
    expect(sim.code, sim.stderr).toBe(0);
    const report = JSON.parse(sim.stdout) as { plannedOn: string; cpuUtilisation: { tasks: number } };
    expect(report.plannedOn).toMatch(/history \(1 runs, 2 tasks; 0 of 2 tasks had no run/);
    expect(report.cpuUtilisation.tasks).toBe(2);

    const unknown = await runCli(['export', 'yaml', 'busy-then-idle'], dir);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown export format "yaml"/);
  });

  it('gives clear errors for a bad store URL, an unknown workflow and an empty store', async () => {
    const dir = workspace();
    const badDb = await runCli(['--db', 'mysql://x', 'status'], dir);
    expect(badDb.code).toBe(2);
    expect(badDb.stderr).toMatch(/^error STORE_BAD_URL: /);

    const none = await runCli(['resume'], dir);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/error NO_WORKFLOWS: no workflows yet\n {2}hint: run one/);

    const unknown = await runCli(['status', 'nope'], dir);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/error WORKFLOW_NOT_FOUND/);

    const option = await runCli(['--cpus', '0', 'run', 'x.yaml'], dir);
    expect(option.code).toBe(2);
  });

  it('submit stores a workflow without running it; resume runs it', async () => {
    const dir = workspace();
    writeFileSync(
      join(dir, 'wf.yaml'),
      "name: later\ntasks:\n  - name: a\n    shell: 'echo hi > a.txt'\n    outputs: [a.txt]\n",
    );
    const submitted = await runCli(['submit', 'wf.yaml'], dir);
    expect(submitted.code).toBe(0);
    const id = submitted.stdout.trim();
    expect(id).toMatch(/^wf-/);
    const status = JSON.parse((await runCli(['status', id, '--json'], dir)).stdout) as {
      state: string;
      counts: { ready: number };
    };
    expect(status).toMatchObject({ state: 'running', counts: { ready: 1 } });
    const resumed = await runCli(['resume', id, '--no-progress'], dir);
    expect(resumed.code, resumed.stderr).toBe(0);
  });
});

describe('strata import wfcommons', () => {
  it('imports a WfCommons instance and writes a Strata workflow that runs the same DAG', async () => {
    const dir = workspace();
    const instance = join(root, 'test', 'fixtures', 'wfcommons', 'helloworld-chain-5-chameleon.json');
    const imported = await runCli(
      ['import', 'wfcommons', instance, '-o', 'chain.yaml', '--scale', '0.0001'],
      dir,
    );
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(/5 tasks, 4 dependencies/);
    expect(imported.stdout).toMatch(/Pegasus 5\.0, makespan 661 s/);
    const run = await runCli(['run', 'chain.yaml', '--no-progress'], dir);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/succeeded: 5 succeeded/);

    writeFileSync(join(dir, 'broken.json'), '{"schemaVersion": "1.5", "name": "x"');
    const broken = await runCli(['import', 'wfcommons', 'broken.json'], dir);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/broken\.json:1:\d+ error WFC_NOT_JSON/);
  });
});

describe('strata simulate', () => {
  const instance = join(root, 'test', 'fixtures', 'wfcommons', 'srasearch-chameleon-10a-001.json');
  const continuum = join(root, 'examples', 'platforms', 'continuum.yaml');

  it('plays a WfCommons instance on a platform with a policy, and on its recorded machines', async () => {
    const dir = workspace();
    const heft = await runCli(
      ['simulate', '--workflow', instance, '--platform', continuum, '--policy', 'heft', '--json'],
      dir,
    );
    expect(heft.code, heft.stderr).toBe(0);
    const report = JSON.parse(heft.stdout) as {
      tasks: number;
      makespanS: number;
      energyKWh: number;
      policy: string;
      plannedOn: string;
    };
    expect(report).toMatchObject({
      tasks: 22,
      policy: 'heft',
      plannedOn: expect.stringMatching(/^estimated/),
    });
    expect(report.makespanS).toBeGreaterThan(0);
    expect(report.energyKWh).toBeGreaterThan(0);
    // Every task records its avgCPU: the twin charges dynamic power for the busy share only.
    const cpu = (JSON.parse(heft.stdout) as { cpuUtilisation: { tasks: number; mean: number } })
      .cpuUtilisation;
    expect(cpu.tasks).toBe(22);
    expect(cpu.mean).toBeGreaterThan(0);
    expect(cpu.mean).toBeLessThan(1);

    // Planned on the truth on request; online (plan-guided) too.
    const oracle = await runCli(
      [
        'simulate',
        '--workflow',
        instance,
        '--platform',
        continuum,
        '--policy',
        'carbon-aware',
        '--runtimes',
        'oracle',
        '--online',
        '--json',
      ],
      dir,
    );
    expect(oracle.code, oracle.stderr).toBe(0);
    expect(JSON.parse(oracle.stdout)).toMatchObject({
      policy: 'carbon-aware (plan-guided online)',
      plannedOn: 'oracle (the recorded runtimes)',
    });

    const replay = await runCli(
      ['simulate', '--workflow', instance, '--platform', 'recorded', '--gantt', 'g.svg'],
      dir,
    );
    expect(replay.code, replay.stderr).toBe(0);
    expect(replay.stdout).toMatch(/recorded makespan +3488 s/);
    expect(replay.stdout).toMatch(/task CPU use +known for 22 of 22 tasks \(mean \d+\.\d % busy/);
    expect(readFileSync(join(dir, 'g.svg'), 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>$/);
  });

  it('--placements writes where each task went, when, at what frequency, and why', async () => {
    const dir = workspace();
    type Placements = {
      policy: string;
      placements: Array<{
        task: string;
        node: string;
        site: string;
        plannedStartS?: number;
        startS: number | null;
        finishS: number | null;
        attempts: number;
        cpuFrequencyHz?: number;
        reason: Record<string, number | string>;
      }>;
    };
    const sites = ['hpc', 'cloud', 'edge', 'devices'];
    const planned = await runCli(
      [
        'simulate',
        '--workflow',
        instance,
        '--platform',
        continuum,
        '--policy',
        'energy-heft',
        '--runtimes',
        'oracle',
        '--placements',
        'p.json',
        '--json',
      ],
      dir,
    );
    expect(planned.code, planned.stderr).toBe(0);
    const report = JSON.parse(planned.stdout) as { slowedTasks: number; makespanS: number };
    const p = JSON.parse(readFileSync(join(dir, 'p.json'), 'utf8')) as Placements;
    expect(p.policy).toBe('energy-heft');
    expect(p.placements).toHaveLength(22);
    for (const x of p.placements) {
      expect(x.node).toMatch(/^[a-z0-9-]+#\d+$/);
      expect(sites).toContain(x.site);
      expect(x.reason).toHaveProperty('energyJ');
      expect(x.plannedStartS).toBeGreaterThanOrEqual(0);
      expect(x.finishS).toBeLessThanOrEqual(report.makespanS);
      expect(x.attempts).toBe(1);
    }
    // The tasks the plan slows are exactly those the twin ran below nominal frequency.
    expect(p.placements.filter((x) => x.cpuFrequencyHz !== undefined)).toHaveLength(report.slowedTasks);

    // Followed online (plan-guided): the frequencies travel in the placements too.
    const guided = await runCli(
      [
        'simulate',
        '--workflow',
        instance,
        '--platform',
        continuum,
        '--policy',
        'energy-heft',
        '--runtimes',
        'oracle',
        '--online',
        '--placements',
        'g.json',
        '--json',
      ],
      dir,
    );
    expect(guided.code, guided.stderr).toBe(0);
    const g = JSON.parse(readFileSync(join(dir, 'g.json'), 'utf8')) as Placements;
    expect(g.policy).toBe('energy-heft (plan-guided online)');
    expect(g.placements).toHaveLength(22);
    expect(g.placements.every((x) => sites.includes(x.site) && x.startS !== null)).toBe(true);
    expect(g.placements.filter((x) => x.cpuFrequencyHz !== undefined)).toHaveLength(
      (JSON.parse(guided.stdout) as { slowedTasks: number }).slowedTasks,
    );

    const online = await runCli(
      [
        'simulate',
        '--workflow',
        instance,
        '--platform',
        continuum,
        '--policy',
        'first-fit',
        '--placements',
        'o.json',
      ],
      dir,
    );
    expect(online.code, online.stderr).toBe(0);
    expect(online.stdout).toMatch(/placements +o\.json/);
    const o = JSON.parse(readFileSync(join(dir, 'o.json'), 'utf8')) as Placements;
    expect(o.placements).toHaveLength(22);
    expect(o.placements.every((x) => sites.includes(x.site) && Object.keys(x.reason).length > 0)).toBe(true);

    const both = await runCli(
      ['simulate', '--workflow', instance, '--platform', continuum, '--compare', '--placements', 'c.json'],
      dir,
    );
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--placements writes one schedule/);
  });

  it('plays a Strata workflow with runtimes the performance model learnt from earlier runs', async () => {
    const dir = workspace();
    writeFileSync(
      join(dir, 'wf.yaml'),
      [
        'name: search',
        'tasks:',
        '  - { name: index, command: [bowtie2-build, ref.fa], outputs: [ref.idx] }',
        '  - { name: dump, foreach: { range: [1, 4] }, command: [fasterq-dump, "SRR{{item}}"], outputs: ["r{{item}}.fq"] }',
        '  - { name: align, foreach: { range: [1, 4] }, command: [bowtie2, "r{{item}}.fq"], inputs: [ref.idx, "r{{item}}.fq"] }',
        '',
      ].join('\n'),
    );
    const none = await runCli(['simulate', '--workflow', 'wf.yaml', '--platform', continuum], dir);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/Strata workflow: it declares no runtimes[\s\S]*--history/);
    const r = await runCli(
      ['simulate', '--workflow', 'wf.yaml', '--platform', continuum, '--history', instance, '--json'],
      dir,
    );
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as {
      tasks: number;
      makespanS: number;
      plannedOn: string;
      cpuUtilisation: { tasks: number };
    };
    expect(report.tasks).toBe(7); // range [1, 4] is 1, 2, 3
    // Each program's CPU use is estimated from the history run, like its runtime.
    expect(report.cpuUtilisation.tasks).toBe(7);
    expect(report.plannedOn).toMatch(/history \(1 runs, 22 tasks; 0 of 7 tasks had no run/);
    // bowtie2-build, then fasterq-dump and bowtie2 in parallel: minutes, as in the recorded run.
    expect(report.makespanS).toBeGreaterThan(60);
  });

  it('--compare plays every policy side by side, against HEFT', async () => {
    const dir = workspace();
    const r = await runCli(
      [
        'simulate',
        '--workflow',
        instance,
        '--platform',
        continuum,
        '--compare',
        '--runtimes',
        'oracle',
        '--json',
      ],
      dir,
    );
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as {
      plannedOn: string;
      results: Array<{ policy: string; makespanVsHeft: number; carbonVsHeft: number }>;
    };
    expect(out.plannedOn).toBe('oracle (the recorded runtimes)');
    expect(out.results.map((x) => x.policy)).toEqual([
      'first-fit',
      'heft',
      'min-min',
      'energy-heft',
      'carbon-aware',
      'locality',
      'multi-objective',
    ]);
    const heft = out.results.find((x) => x.policy === 'heft')!;
    expect([heft.makespanVsHeft, heft.carbonVsHeft]).toEqual([1, 1]);
    // The carbon-aware plan never emits more than HEFT's by its own model; the twin agrees here.
    expect(out.results.find((x) => x.policy === 'carbon-aware')!.carbonVsHeft).toBeLessThanOrEqual(1);
  });

  it('refuses an unknown policy and a malformed platform with clear errors', async () => {
    const dir = workspace();
    const policy = await runCli(
      ['simulate', '--workflow', instance, '--platform', continuum, '--policy', 'fastest'],
      dir,
    );
    expect(policy.code).toBe(2);
    expect(policy.stderr).toMatch(
      /error BAD_OPTION: unknown policy "fastest"\n {2}hint: policies: first-fit, heft/,
    );

    writeFileSync(
      join(dir, 'p.yaml'),
      'name: p\nsites:\n  - id: a\n    kind: hpc\n    carbon: 100\nnode_types:\n  - id: n\n    site: b\n',
    );
    const bad = await runCli(['simulate', '--workflow', instance, '--platform', 'p.yaml'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/error SPEC_INVALID: the platform has \d+ errors?:/);
    expect(bad.stderr).toMatch(/p\.yaml:8:11 error PLATFORM_UNKNOWN_SITE/);
  });
});

describe('strata CLI interruption', () => {
  it('Ctrl-C stops cleanly (exit 130, workflow resumable) and `resume` finishes the work', async () => {
    const dir = workspace();
    writeFileSync(
      join(dir, 'wf.yaml'),
      [
        'name: slow',
        'tasks:',
        '  - name: s',
        '    foreach: { range: [0, 6] }',
        "    shell: 'sleep 1; echo {{index}} >> done.txt'",
        '',
      ].join('\n'),
    );
    const run = startCli(['--cpus', '2', 'run', 'wf.yaml', '--no-progress'], dir);
    for (let i = 0; i < 200 && !/slow: 6 tasks/.test(run.output()); i++)
      await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300));
    run.kill('SIGINT');
    const stopped = await run.result;
    expect(stopped.code, stopped.stderr).toBe(130);
    expect(stopped.stderr).toMatch(/interrupted — `strata resume wf-\S+` continues/);

    const status = JSON.parse((await runCli(['status', 'slow', '--json'], dir)).stdout) as { state: string };
    expect(status.state).toBe('running');

    const resumed = await runCli(['resume', '--no-progress'], dir);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/succeeded: 6 succeeded/);
  });
});

describe('strata perfmodel bench-power', () => {
  it('says what is missing on a node without cpufreq, and when the energy counter does not move', async () => {
    const dir = workspace();
    const none = await runCli(['perfmodel', 'bench-power', '--sysfs', dir], dir);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(
      /error PERFMODEL_NO_CPUFREQ: .*no CPU frequency control[\s\S]*hint: run on the node itself/,
    );
    // A made-up sysfs tree (test double) whose RAPL counter never changes: no power to calibrate.
    const cpu = join(dir, 'sys', 'devices', 'system', 'cpu', 'cpu0', 'cpufreq');
    const rapl = join(dir, 'sys', 'class', 'powercap', 'intel-rapl:0');
    mkdirSync(cpu, { recursive: true });
    mkdirSync(rapl, { recursive: true });
    writeFileSync(join(cpu, 'scaling_max_freq'), '2000000');
    writeFileSync(join(cpu, 'scaling_available_frequencies'), '2000000 1000000');
    writeFileSync(join(rapl, 'energy_uj'), '42');
    const still = await runCli(['perfmodel', 'bench-power', '--sysfs', dir, '--seconds', '0.1'], dir);
    expect(still.code).toBe(1);
    expect(still.stderr).toMatch(
      /error PERFMODEL_BAD_POWER: busy power at 2 GHz \(0\.0 W\) is not above idle/,
    );
    expect(readFileSync(join(cpu, 'scaling_max_freq'), 'utf8')).toBe('2000000'); // put back
  });
});

describe('strata CLI against a server', () => {
  it('runs a workflow through `strata server` with --server, and reads its status and logs', async () => {
    const dir = workspace();
    cpSync(join(root, 'examples', 'quickstart.yaml'), join(dir, 'quickstart.yaml'));
    const admin = await createToken(dir, 'admin');
    const server = startCli(['server', '--port', '0'], dir);
    try {
      const url = await serverUrlOf(server);
      expect(url, server.output()).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(server.output()).not.toContain('no admin token yet');
      const operator = await createToken(dir, 'operator', ['--server', url], { STRATA_TOKEN: admin });
      const as = { STRATA_TOKEN: operator };
      const run = await runCli(['--server', url, 'run', 'quickstart.yaml', '--no-progress'], dir, as);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/succeeded: 8 succeeded/);
      const logs = await runCli(['--server', url, 'logs', 'report'], dir, as);
      expect(logs.stdout).toMatch(/words: +17/);
      const missing = await runCli(['--server', url, 'retry', 'report'], dir, as);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(/error TASK_NOT_RETRYABLE/);
      const status = await runCli(['--server', url, 'status', 'quickstart', '--json'], dir, as);
      expect(JSON.parse(status.stdout)).toMatchObject({
        submittedBy: expect.stringMatching(/^operator-[0-9a-f]{12} \(/),
      });
      // The run, exported over HTTP: every task with its runtime; the node by name only (the
      // server's machine is not the client's).
      const exported = await runCli(['--server', url, 'export', 'wfcommons', 'quickstart'], dir, as);
      expect(exported.code, exported.stderr).toBe(0);
      const instance = JSON.parse(exported.stdout) as {
        workflow: { execution: { tasks: unknown[]; machines: Array<Record<string, unknown>> } };
      };
      expect(instance.workflow.execution.tasks).toHaveLength(8);
      expect(instance.workflow.execution.machines).toEqual([{ nodeName: 'local' }]);

      // Without a token, or with a role too low, the server refuses.
      const anonymous = await runCli(['--server', url, 'status'], dir);
      expect(anonymous.code).toBe(1);
      expect(anonymous.stderr).toMatch(/error UNAUTHORIZED: this request needs a bearer token/);
      const notAdmin = await runCli(['--server', url, 'token', 'list'], dir, as);
      expect(notAdmin.stderr).toMatch(/error FORBIDDEN/);
      // Tokens managed over the API by an admin; a revoked one stops working.
      const list = await runCli(['--server', url, 'token', 'list', '--json'], dir, { STRATA_TOKEN: admin });
      const ids = (JSON.parse(list.stdout) as Array<{ id: string; role: string }>).map((t) => t.role);
      expect(ids).toEqual(['admin', 'operator']);
      const operatorId = operator.split('_')[1]!;
      const revoked = await runCli(['--server', url, 'token', 'revoke', operatorId], dir, {
        STRATA_TOKEN: admin,
      });
      expect(revoked.stdout).toContain(`${operatorId} revoked`);
      const refused = await runCli(['--server', url, 'status'], dir, as);
      expect(refused.stderr).toMatch(/error UNAUTHORIZED: the bearer token was revoked/);
    } finally {
      server.kill('SIGTERM');
      const end = await server.result;
      expect(end.code).toBe(0);
    }
  });

  it('tells how to make the first admin token when the store has none, and makes it on the store', async () => {
    const dir = workspace();
    const server = startCli(['server', '--port', '0'], dir);
    try {
      await serverUrlOf(server);
      for (let i = 0; i < 100 && !server.output().includes('token create'); i++)
        await new Promise((r) => setTimeout(r, 50));
      expect(server.output()).toMatch(
        /no admin token yet.*\n\s+strata --home '.*\.strata' token create --role admin/,
      );
    } finally {
      server.kill('SIGTERM');
      await server.result;
    }
    const made = await runCli(
      ['token', 'create', '--role', 'viewer', '--name', 'grafana', '--expires', '30d'],
      dir,
    );
    expect(made.code, made.stderr).toBe(0);
    expect(made.stdout.trim()).toMatch(/^strata_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(made.stderr).toContain('shown this once');
    const list = await runCli(['token', 'list'], dir);
    expect(list.stdout).toMatch(/grafana +viewer +active/);
    expect(list.stdout).not.toContain(made.stdout.trim());
    const bad = await runCli(['token', 'create', '--role', 'root'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/error BAD_OPTION: --role must be one of viewer, operator, admin/);
  });

  it('says clearly when the server cannot be reached', async () => {
    const res = await runCli(['--server', 'http://127.0.0.1:9', 'status'], workspace());
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/error SERVER_UNREACHABLE: cannot reach Strata server/);
  });
});
