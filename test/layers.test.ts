/**
 * Enforces the layer rule of docs/architecture.md: the pure layers (model, spec, platform, formats,
 * scheduler, perfmodel, energy, anomaly, sim) do no I/O and never read the clock or draw random numbers
 * themselves, and every layer imports only the layers below it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '..', 'src');

const PURE = ['model', 'spec', 'platform', 'formats', 'scheduler', 'perfmodel', 'energy', 'anomaly', 'sim'];

/** Which of our layers each layer may import (besides itself). */
const BELOW_ENGINE = [
  'model',
  'spec',
  'platform',
  'formats',
  'scheduler',
  'perfmodel',
  'energy',
  'anomaly',
  'host',
  'store',
  'executors',
];
const ALLOWED: Record<string, string[]> = {
  model: [],
  // The workflow format; its document reading (positions, field readers, hints) serves the other formats.
  spec: ['model'],
  platform: ['model', 'spec'],
  formats: ['model', 'spec'],
  perfmodel: ['model'],
  energy: ['model'],
  anomaly: ['model'],
  // Trains the anomaly layer's VAE with tfjs (whose wasm loader reads files and the clock): not pure.
  'anomaly-train': ['model', 'anomaly'],
  scheduler: ['model', 'perfmodel', 'energy'],
  sim: ['model', 'spec', 'platform', 'formats', 'scheduler', 'perfmodel', 'energy', 'anomaly'],
  // Probes of the machine this process runs on (capacity, power): the shell's, not pure.
  host: ['model', 'perfmodel'],
  store: ['model'],
  executors: ['model', 'host'],
  engine: BELOW_ENGINE,
  // The HTTP client implements the engine's StrataApi seam over the server's API.
  client: [...BELOW_ENGINE, 'engine'],
  // The processes: the CLI may start a server (`strata server`); the server never reaches into the CLI.
  server: [...BELOW_ENGINE, 'engine'],
  cli: [...BELOW_ENGINE, 'engine', 'client', 'server', 'sim', 'anomaly-train'],
  agent: [...BELOW_ENGINE, 'engine', 'client'],
};

/** Calls a pure layer must not make: the clock, randomness, the process and the environment. */
const IMPURE_CALLS = [
  /\bDate\.now\(/,
  /\bnew Date\(\s*\)/,
  /\bMath\.random\(/,
  /\bprocess\./,
  /\bperformance\.now\(/,
];

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts') && !path.includes('/testing/'))
      out.push(path);
  }
  return out;
}

function importsOf(text: string): string[] {
  const specs: string[] = [];
  const re = /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const m of text.matchAll(re)) specs.push((m[1] ?? m[2])!);
  return specs;
}

function layerOf(file: string): string {
  return relative(SRC, file).split('/')[0]!;
}

const files = sourceFiles(SRC);

describe('layer rule', () => {
  it('finds the source files it checks', () => {
    expect(files.length).toBeGreaterThan(10);
    expect(files.some((f) => layerOf(f) === 'model')).toBe(true);
  });

  for (const file of files) {
    const layer = layerOf(file);
    const rel = relative(SRC, file);
    const text = readFileSync(file, 'utf8');
    it(`${rel} imports only what its layer may`, () => {
      const allowed = ALLOWED[layer];
      expect(allowed, `unknown layer ${layer}: add it to docs/architecture.md and this test`).toBeDefined();
      for (const spec of importsOf(text)) {
        if (spec.startsWith('.')) {
          const target = relative(SRC, join(file, '..', spec)).split('/')[0]!;
          if (target !== layer) expect(allowed, `${rel} imports ${spec} (layer ${target})`).toContain(target);
        } else if (PURE.includes(layer)) {
          expect(
            spec.startsWith('node:') || BUILTINS.has(spec.split('/')[0]!),
            `${rel} imports ${spec}`,
          ).toBe(false);
        }
      }
    });
    if (PURE.includes(layer)) {
      it(`${rel} (pure) reads no clock, randomness or process state`, () => {
        const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
        for (const re of IMPURE_CALLS) expect(re.test(code), `${rel} uses ${re}`).toBe(false);
      });
    }
  }
});

const BUILTINS = new Set([
  'fs',
  'path',
  'os',
  'child_process',
  'net',
  'http',
  'https',
  'dgram',
  'dns',
  'worker_threads',
  'cluster',
  'crypto',
  'process',
  'readline',
  'tls',
  'zlib',
  'stream',
  'events',
  'timers',
]);
