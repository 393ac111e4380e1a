/**
 * The checks of a node type's DVFS levels against each other and against the node type: below the
 * nominal frequency, each frequency once, full-load power between idle and max and not rising as
 * the frequency goes down. A schema sees one level at a time; these need them all.
 */
import type { DvfsLevel } from '../model/platform.js';
import type { Field } from '../spec/schema-field-reader.js';
import type { SourcePos, SpecErrorCollector } from '../spec/spec-errors.js';
import type { Nominal } from './node-type-reader.js';
import type { PlatformErrorCode } from './platform-errors.js';

/** A `power.dvfs` item as written, before the checks against the node type. */
export interface RawDvfsLevel {
  frequencyHz: number;
  maxW: number;
  frequencyText: string;
  frequencyField: Field;
  maxField: Field;
}

/**
 * The levels of `field` (`power.dvfs`) sorted fastest first, or undefined when something is wrong
 * (reported; `ok` false: a level was wrong already). The checks against the type's idle and max
 * power are made only when those were read and are in order: otherwise that mistake is the one
 * reported.
 */
export function checkDvfsLevels(
  errors: SpecErrorCollector<PlatformErrorCode>,
  field: Field,
  levels: RawDvfsLevel[],
  ok: boolean,
  nominal: Nominal,
  idleW: number | undefined,
  maxW: number | undefined,
): DvfsLevel[] | undefined {
  if (nominal === undefined) {
    errors.add(
      'PLATFORM_DVFS_WITHOUT_FREQUENCY',
      field.keyPos,
      field.path,
      'the node type has DVFS levels ("power.dvfs") but no nominal "frequency"',
      'add the CPU frequency that speed and power.max are given at, e.g. "frequency: 2.45GHz", or remove power.dvfs',
    );
    return undefined;
  }
  if (!ok || nominal.hz === undefined) return undefined;
  const nominalHz = nominal.hz;
  const add = (at: Field, code: PlatformErrorCode, message: string, hint: string): void =>
    errors.add(code, at.pos, at.path, message, hint);

  const seen = new Map<number, SourcePos>();
  for (const level of levels) {
    const at = level.frequencyField;
    const first = seen.get(level.frequencyHz);
    if (level.frequencyHz >= nominalHz) {
      add(
        at,
        'PLATFORM_DVFS_FREQUENCY',
        `level frequency ${level.frequencyText} is not below the nominal frequency (${nominal.text})`,
        'list only frequencies lower than the node type\'s "frequency:" (that one is the nominal level already)',
      );
      ok = false;
    } else if (first !== undefined) {
      add(
        at,
        'PLATFORM_DVFS_FREQUENCY',
        `frequency ${level.frequencyText} is listed twice (first on line ${first.line})`,
        'give each level its own frequency; keep one entry',
      );
      ok = false;
    } else seen.set(level.frequencyHz, at.pos);
  }

  // Unchecked against the type's power when that is wrong: PLATFORM_POWER_ORDER or a bad value says so.
  const powerKnown = idleW !== undefined && maxW !== undefined && maxW > 0 && idleW <= maxW;
  if (powerKnown) {
    for (const level of levels) {
      if (level.maxW < idleW) {
        add(
          level.maxField,
          'PLATFORM_DVFS_POWER',
          `the full-load power at ${level.frequencyText} (${level.maxW} W) is less than the idle power (${idleW} W)`,
          'idle power does not change with the frequency: write the power with every core busy at that frequency, between power.idle and power.max',
        );
        ok = false;
      } else if (level.maxW > maxW) {
        add(
          level.maxField,
          'PLATFORM_DVFS_POWER',
          `the full-load power at ${level.frequencyText} (${level.maxW} W) is more than at the nominal frequency (${maxW} W)`,
          'a lower frequency draws less: write the full-load power measured at that frequency, at most power.max',
        );
        ok = false;
      }
    }
  }
  if (!ok) return undefined;

  levels.sort((a, b) => b.frequencyHz - a.frequencyHz);
  for (let i = 1; i < levels.length; i++) {
    const faster = levels[i - 1];
    const slower = levels[i];
    if (faster === undefined || slower === undefined || slower.maxW <= faster.maxW) continue;
    add(
      slower.maxField,
      'PLATFORM_DVFS_POWER',
      `the full-load power at ${slower.frequencyText} (${slower.maxW} W) is more than at ${faster.frequencyText} (${faster.maxW} W)`,
      'power at full load must not increase as the frequency goes down; check the two figures',
    );
    ok = false;
  }
  if (!ok || !powerKnown) return undefined;
  return levels.map((l) => ({
    frequencyHz: l.frequencyHz,
    speedFactor: l.frequencyHz / nominalHz,
    maxW: l.maxW,
  }));
}
