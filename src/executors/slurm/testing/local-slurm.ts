/**
 * How the tests find a real Slurm: the daemons on this machine, started with the project's own
 * script (`scripts/slurm/start-slurm.sh`) when they are installed but not running.
 *
 * - Slurm answers: used as it is.
 * - Installed (slurmctld, slurmd, sbatch) but not running, and we are root: started in
 *   `STRATA_SLURM_STATE` (default `$TMPDIR/strata-slurm`), left running for the next test run.
 * - Otherwise: unavailable, with the reason. With `STRATA_REQUIRE_SLURM=1` (set by `.ci/run`) the
 *   caller must fail instead of skipping (`requireSlurm`).
 *
 * Also the outage tool: stops and starts slurmctld alone, by its PID file, through the same script.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..', '..', '..');
const SCRIPTS = join(ROOT, 'scripts', 'slurm');

export type LocalSlurm = { ok: true; stateDir: string } | { ok: false; reason: string };

function which(program: string): boolean {
  return spawnSync('sh', ['-c', 'command -v "$1"', 'sh', program], { encoding: 'utf8' }).status === 0;
}

function answers(): boolean {
  const r = spawnSync('scontrol', ['ping'], { encoding: 'utf8', timeout: 20_000 });
  return r.status === 0 && /UP/.test(r.stdout);
}

/** The state directory of the running controller (parent of its StateSaveLocation). */
function runningStateDir(): string | null {
  const r = spawnSync('scontrol', ['show', 'config'], { encoding: 'utf8', timeout: 20_000 });
  const m = /^StateSaveLocation\s*=\s*(\S+)/m.exec(r.stdout ?? '');
  return m ? dirname(m[1]!) : null;
}

function nodeReady(): boolean {
  const r = spawnSync('sinfo', ['-h', '-o', '%T'], { encoding: 'utf8', timeout: 20_000 });
  return r.status === 0 && /^(idle|mixed|allocated)/m.test(r.stdout);
}

export function ensureLocalSlurm(): LocalSlurm {
  const missing = ['sbatch', 'squeue', 'scancel', 'scontrol'].filter((p) => !which(p));
  const daemons = ['/usr/sbin/slurmctld', '/usr/sbin/slurmd', '/usr/sbin/munged'].filter(
    (p) => !existsSync(p),
  );
  if (missing.length === 0 && answers() && nodeReady()) {
    const stateDir = runningStateDir();
    if (stateDir) return { ok: true, stateDir };
  }
  if (missing.length > 0 || daemons.length > 0) {
    return {
      ok: false,
      reason: `Slurm is not installed (missing: ${[...missing, ...daemons].join(', ')}); install it with \`apt-get install -y --no-install-recommends slurm-wlm slurmctld slurmd slurm-client munge\``,
    };
  }
  if (process.getuid?.() !== 0) {
    return {
      ok: false,
      reason: 'Slurm is installed but not running, and only root can start it (scripts/slurm/start-slurm.sh)',
    };
  }
  const stateDir = process.env.STRATA_SLURM_STATE ?? join(tmpdir(), 'strata-slurm');
  try {
    execFileSync('sh', [join(SCRIPTS, 'start-slurm.sh'), stateDir], { stdio: 'pipe', timeout: 90_000 });
  } catch (error) {
    const e = error as { stderr?: Buffer; message: string };
    return {
      ok: false,
      reason: `scripts/slurm/start-slurm.sh failed: ${e.stderr?.toString().trim() || e.message}`,
    };
  }
  if (!answers() || !nodeReady())
    return { ok: false, reason: 'Slurm was started but its node never became idle' };
  return { ok: true, stateDir: runningStateDir() ?? stateDir };
}

/** Whether a missing Slurm must fail the suite (CI) rather than skip it. */
export function requireSlurm(): boolean {
  return process.env.STRATA_REQUIRE_SLURM === '1';
}

/** Stops slurmctld alone (its PID file), as an outage would. */
export function stopController(stateDir: string): void {
  execFileSync('sh', [join(SCRIPTS, 'stop-slurm.sh'), '--ctld-only', stateDir], { stdio: 'pipe' });
}

/** Starts slurmctld again with the same state, and waits until it answers. */
export function startController(stateDir: string): void {
  execFileSync('sh', [join(SCRIPTS, 'start-slurm.sh'), '--ctld-only', stateDir], {
    stdio: 'pipe',
    timeout: 60_000,
  });
}

export function controllerAnswers(): boolean {
  return answers();
}
