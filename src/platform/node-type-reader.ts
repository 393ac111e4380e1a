/**
 * Reads a platform's `node_types`: counts, cores, speed, memory, GPUs, power and DVFS levels. The
 * schema has checked the fields and their types; this converts units and checks what the schema
 * cannot say: speed or gflops, GPU figures without GPUs, idle below max, DVFS levels below the
 * nominal frequency and drawing less as they go down, and the platform's total node count.
 */
import type { DvfsLevel, NodeType } from '../model/platform.js';
import type { Field } from '../spec/schema-field-reader.js';
import type { SourcePos } from '../spec/spec-errors.js';
import { PlatformFieldReader } from './platform-field-reader.js';
import { FREQUENCY_HINT, GFLOPS_HINT, GPU_SPEED_HINT, POWER_HINT, SPEED_HINT } from './platform-hints.js';
import { parseFrequencyHz, parsePowerW, REFERENCE_CORE_GFLOPS, suggestFrequency } from './platform-units.js';
import { checkDvfsLevels, type RawDvfsLevel } from './dvfs-levels.js';

/** More nodes than this is a mistake (or a platform the simulator cannot hold in memory). */
export const MAX_PLATFORM_NODES = 1_000_000;

/** What readPower gives a node type: host power (`gpu`: each GPU's apart) and its DVFS levels. */
interface NodePower {
  idleW: number;
  maxW: number;
  gpu?: { idleW: number; maxW: number };
  /** Sorted fastest first; empty when none. */
  dvfs: DvfsLevel[];
}

/** A node type's `frequency`: absent (undefined), or its Hz (undefined when bad) and its text for messages. */
export type Nominal = { hz: number | undefined; text: string } | undefined;

export class NodeTypeReader extends PlatformFieldReader {
  readNodeTypes(field: Field | undefined): NodeType[] {
    const types: NodeType[] = [];
    if (field === undefined || !this.check(field)) return types;
    const seen = new Map<string, SourcePos>();
    this.src.items(field.node).forEach((item, i) => {
      const type = this.readNodeType(this.itemField(field, item, i), seen);
      if (type) types.push(type);
    });
    return types;
  }

  private readNodeType(item: Field, seen: Map<string, SourcePos>): NodeType | undefined {
    if (!this.check(item)) return undefined;
    const f = this.fields(item.node, item.path);
    const id = this.readId(f, item, seen, 'node type');
    const site = this.readSiteRef(f, 'site', item);
    const count = this.readRequiredInteger(f, item, 'count', 0, 'how many nodes of this type');
    const cores = this.readRequiredInteger(f, item, 'cores', 1, 'cores per node');
    const speed = this.readSpeed(f, item);
    const frequencyField = f.get('frequency');
    const nominal: Nominal = frequencyField
      ? { hz: this.readFrequency(frequencyField), text: this.src.scalarText(frequencyField.node) ?? '' }
      : undefined;
    const memoryField = this.required(f, 'memory', item);
    const memoryBytes = memoryField ? this.readMemory(memoryField) : undefined;
    const gpusField = f.get('gpus');
    const gpus = gpusField ? this.readInteger(gpusField, 0, 'GPUs per node') : 0;
    const gpuSpeedField = f.get('gpu_speed');
    const gpuSpeed = gpuSpeedField
      ? this.readGpuSpeed(gpuSpeedField, gpus)
      : gpus !== undefined && gpus > 0
        ? 1
        : 0;
    const powerField = this.required(f, 'power', item);
    const power = powerField ? this.readPower(powerField, gpus, nominal) : undefined;
    if (
      id === undefined ||
      site === undefined ||
      count === undefined ||
      cores === undefined ||
      speed === undefined ||
      memoryBytes === undefined ||
      gpus === undefined ||
      gpuSpeed === undefined ||
      power === undefined ||
      (nominal !== undefined && nominal.hz === undefined)
    ) {
      return undefined;
    }
    const type: NodeType = {
      id,
      site,
      count,
      cores,
      speed,
      memoryBytes,
      gpus,
      gpuSpeed,
      idleW: power.idleW,
      maxW: power.maxW,
      ...(power.gpu ? { gpuPower: power.gpu } : {}),
    };
    if (nominal?.hz !== undefined) type.cpuFrequencyHz = nominal.hz;
    if (power.dvfs.length > 0) type.dvfs = power.dvfs;
    return type;
  }

  /** `gpu_speed`, which needs GPUs (`gpus` undefined: that field was wrong, and is reported). */
  private readGpuSpeed(field: Field, gpus: number | undefined): number | undefined {
    const speed = this.readPositive(field, GPU_SPEED_HINT);
    if (speed === undefined || gpus === undefined) return undefined;
    if (gpus === 0) {
      this.errors.add(
        'PLATFORM_GPU_SPEED_WITHOUT_GPUS',
        field.keyPos,
        field.path,
        'the node type has "gpu_speed" but no GPUs',
        'add "gpus: N", or remove gpu_speed',
      );
      return undefined;
    }
    return speed;
  }

  /** `speed` (relative to the reference core) or `gflops` per core: exactly one. */
  private readSpeed(f: Map<string, Field>, item: Field): number | undefined {
    const speedField = f.get('speed');
    const gflopsField = f.get('gflops');
    if (
      this.bothGiven(
        speedField,
        gflopsField,
        'PLATFORM_SPEED_AND_GFLOPS',
        'the node type has both "speed" and "gflops"',
        `keep one: speed is relative to the reference core, gflops per core is divided by ${REFERENCE_CORE_GFLOPS}`,
      )
    )
      return undefined;
    if (speedField) return this.readPositive(speedField, SPEED_HINT);
    if (gflopsField) {
      const g = this.readPositive(gflopsField, GFLOPS_HINT);
      return g === undefined ? undefined : g / REFERENCE_CORE_GFLOPS;
    }
    if (!this.doc.suggested.has(`${item.path}.speed`) && !this.doc.suggested.has(`${item.path}.gflops`)) {
      this.report(
        'PLATFORM_NO_SPEED',
        item,
        'the node type has neither "speed" nor "gflops"',
        `add speed: 1 for a reference core, or gflops: N per core (${REFERENCE_CORE_GFLOPS} GFLOPS = speed 1)`,
      );
    }
    return undefined;
  }

  /** `power` (with `gpu` for each GPU's, apart); `nominal` is the node type's `frequency`, for `dvfs`. */
  private readPower(field: Field, gpus: number | undefined, nominal: Nominal): NodePower | undefined {
    if (!this.check(field)) return undefined;
    const f = this.fields(field.node, field.path);
    const idleW = this.readWatts(f, 'idle', field);
    const maxW = this.readWatts(f, 'max', field);
    const gpuField = f.get('gpu');
    const gpu = gpuField ? this.readGpuPower(gpuField) : undefined;
    const dvfsField = f.get('dvfs');
    const dvfs = dvfsField ? this.readDvfsLevels(dvfsField, nominal, idleW, maxW) : [];
    if (gpuField && gpus === 0) {
      this.errors.add(
        'PLATFORM_GPU_POWER_WITHOUT_GPUS',
        gpuField.keyPos,
        gpuField.path,
        'the node type gives GPU power ("power.gpu") but has no GPUs',
        'add "gpus: N", or remove power.gpu',
      );
      return undefined;
    }
    if (idleW === undefined || maxW === undefined || (gpuField && !gpu) || dvfs === undefined) {
      return undefined;
    }
    if (!this.powerInOrder(idleW, maxW, f.get('max') ?? field)) return undefined;
    const power: NodePower = { idleW, maxW, dvfs };
    if (gpu) power.gpu = gpu;
    return power;
  }

  /** `power.gpu`: the idle and max power of ONE GPU. */
  private readGpuPower(field: Field): { idleW: number; maxW: number } | undefined {
    if (!this.check(field)) return undefined;
    const f = this.fields(field.node, field.path);
    const idleW = this.readWatts(f, 'idle', field);
    const maxW = this.readWatts(f, 'max', field);
    if (idleW === undefined || maxW === undefined) return undefined;
    return this.powerInOrder(idleW, maxW, f.get('max') ?? field) ? { idleW, maxW } : undefined;
  }

  private readWatts(f: Map<string, Field>, key: 'idle' | 'max', owner: Field): number | undefined {
    const field = this.required(f, key, owner);
    return field ? this.readUnit(field, 'power', parsePowerW, POWER_HINT) : undefined;
  }

  private powerInOrder(idleW: number, maxW: number, at: Field): boolean {
    if (maxW !== 0 && idleW <= maxW) return true;
    this.report(
      'PLATFORM_POWER_ORDER',
      at,
      maxW === 0
        ? 'the power at full load is 0 W'
        : `the power at idle (${idleW} W) is more than at full load (${maxW} W)`,
      'idle is the power of a node doing nothing, max at 100 % load; idle <= max, max > 0',
    );
    return false;
  }

  /** `power.dvfs`: the levels sorted fastest first, [] for none, or undefined when something is wrong (reported). */
  private readDvfsLevels(
    field: Field,
    nominal: Nominal,
    idleW: number | undefined,
    maxW: number | undefined,
  ): DvfsLevel[] | undefined {
    if (!this.check(field)) return undefined;
    const levels: RawDvfsLevel[] = [];
    let ok = true;
    this.src.items(field.node).forEach((node, i) => {
      const level = this.readDvfsLevel(this.itemField(field, node, i));
      if (level) levels.push(level);
      else ok = false;
    });
    if (levels.length === 0 && ok) return [];
    return checkDvfsLevels(this.errors, field, levels, ok, nominal, idleW, maxW);
  }

  /** One item of `power.dvfs`: `{ frequency, max }`, both read (or undefined, reported). */
  private readDvfsLevel(item: Field): RawDvfsLevel | undefined {
    if (!this.check(item)) return undefined;
    const f = this.fields(item.node, item.path);
    const frequencyField = this.required(f, 'frequency', item);
    const frequencyHz = frequencyField ? this.readFrequency(frequencyField) : undefined;
    const maxField = this.required(f, 'max', item);
    const maxW = maxField ? this.readUnit(maxField, 'power', parsePowerW, POWER_HINT) : undefined;
    if (frequencyField === undefined || maxField === undefined) return undefined;
    if (frequencyHz === undefined || maxW === undefined) return undefined;
    const frequencyText = this.src.scalarText(frequencyField.node) ?? '';
    return { frequencyHz, maxW, frequencyText, frequencyField, maxField };
  }

  /** A CPU frequency: a positive number with a unit; a plain number is refused, it could be Hz or GHz. */
  private readFrequency(field: Field): number | undefined {
    if (!this.check(field)) return undefined;
    const text = this.src.scalarText(field.node) ?? '';
    const raw = this.src.scalarValue(field.node) as string | number;
    const hz = typeof raw === 'string' ? parseFrequencyHz(raw) : undefined;
    if (hz !== undefined && hz > 0) return hz;
    const suggestion = typeof raw === 'string' ? suggestFrequency(raw) : undefined;
    this.report(
      'PLATFORM_BAD_FREQUENCY',
      field,
      typeof raw === 'number'
        ? `frequency ${text} has no unit`
        : hz === 0
          ? `frequency must be greater than 0 (${text})`
          : `invalid frequency "${text}"`,
      suggestion !== undefined ? `did you mean ${suggestion}?` : FREQUENCY_HINT,
    );
    return undefined;
  }

  /** The platform's node count, once every site reference is checked. */
  checkNodeTotal(types: NodeType[], field: Field | undefined): void {
    if (!field || this.src.kind(field.node) !== 'list') return;
    const total = types.reduce((n, t) => n + t.count, 0);
    // Only when every node type was read: a broken one may be where the nodes are.
    const allRead = types.length === this.src.items(field.node).length;
    if (total === 0 && allRead) {
      this.report(
        'PLATFORM_NO_NODES',
        field,
        types.length === 0
          ? 'the platform has no node types'
          : 'the platform has no nodes (every count is 0)',
        'add a node type with a count of at least 1',
      );
    } else if (total > MAX_PLATFORM_NODES) {
      this.report(
        'PLATFORM_TOO_MANY_NODES',
        field,
        `the platform has ${total} nodes, more than ${MAX_PLATFORM_NODES}`,
        'check the counts; a platform this large is not supported',
      );
    }
  }
}
