/**
 * Reads the YAML tree of a platform file into a Platform: checks every field's name, type and
 * value, converts units, resolves site references, and reports each mistake with its position and
 * a hint. Like the workflow reader it never stops at the first mistake: a bad field or item is
 * skipped and reading goes on, so one run shows everything that is wrong.
 *
 * The accepted fields are the ones in schemas/platform.schema.json; a test keeps the two in step.
 */
import type {
  CarbonIntensity,
  DvfsLevel,
  Link,
  NodeType,
  Platform,
  Site,
  SiteKind,
  SlurmSiteConfig,
} from '../model/platform.js';
import { parseDurationSeconds } from '../spec/durations.js';
import type { PlatformErrorCode } from './platform-errors.js';
import {
  parseBandwidthBps,
  parseEnergyJPerByte,
  parseLatencyS,
  parsePowerW,
  REFERENCE_CORE_GFLOPS,
  suggestUnit,
} from './platform-units.js';
import { normalizePath } from '../spec/posix-paths.js';
import { parseMemoryBytes, suggestQuantity } from '../spec/quantities.js';
import { NAME_PATTERN } from '../spec/read-workflow-document.js';
import type { SourcePos, SpecErrorCollector } from '../spec/spec-errors.js';
import { closestMatch, quoteList } from '../spec/suggest.js';
import {
  comparePos,
  didYouMean,
  type Field,
  type FieldDialect,
  YamlFieldReader,
} from '../spec/yaml-field-reader.js';
import { fieldPath, type YamlSource } from '../spec/yaml-source.js';

export const PLATFORM_FORMAT_VERSION = 1;
export const SITE_KINDS: readonly SiteKind[] = ['hpc', 'cloud', 'edge', 'device'];
/** More nodes than this is a mistake (or a platform the simulator cannot hold in memory). */
export const MAX_PLATFORM_NODES = 1_000_000;

const NAME_RE = new RegExp(NAME_PATTERN);
/** Slurm partition, account and QoS names. */
const SLURM_NAME_RE = /^[A-Za-z0-9_][A-Za-z0-9_.+-]{0,63}$/;
/** Never starting with '-': ssh would read it as an option (`-oProxyCommand=...`). */
const SSH_HOST_RE = /^[A-Za-z0-9_][A-Za-z0-9._:-]*$/;
const SSH_USER_RE = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;
const SSH_OPTION_RE = /^[A-Za-z]+[ =][^\n]*$/;
const NAME_HINT =
  'use letters, digits, ".", "_" and "-", starting with a letter, digit or "_" (at most 128 characters)';

type Context =
  | 'top'
  | 'site'
  | 'executor'
  | 'ssh'
  | 'location'
  | 'carbon'
  | 'nodeType'
  | 'power'
  | 'gpuPower'
  | 'dvfsLevel'
  | 'link'
  | 'intraSite';

/** The fields allowed in each mapping of the format (the JSON Schema lists the same; a test checks). */
export const PLATFORM_FIELDS: Readonly<Record<Context, readonly string[]>> = {
  top: ['$schema', 'version', 'name', 'sites', 'node_types', 'links', 'intra_site', 'data'],
  site: ['id', 'kind', 'location', 'carbon', 'executor'],
  executor: ['kind', 'partition', 'account', 'qos', 'ssh', 'poll_interval', 'gnu_time'],
  ssh: ['host', 'user', 'port', 'identity', 'options'],
  location: ['lat', 'lon', 'region'],
  carbon: ['series', 'period'],
  nodeType: [
    'id',
    'site',
    'count',
    'cores',
    'speed',
    'gflops',
    'frequency',
    'memory',
    'gpus',
    'gpu_speed',
    'power',
  ],
  power: ['idle', 'max', 'gpu', 'dvfs'],
  gpuPower: ['idle', 'max'],
  dvfsLevel: ['frequency', 'max'],
  link: ['from', 'to', 'bandwidth', 'latency', 'energy'],
  intraSite: ['bandwidth', 'latency'],
};

/** Words people bring from other tools (SimGrid, Kubernetes, cloud consoles), and Strata's. */
const SYNONYMS: Readonly<Record<Context, Readonly<Record<string, string>>>> = {
  top: {
    nodes: 'node_types',
    nodetypes: 'node_types',
    node_type: 'node_types',
    machines: 'node_types',
    hosts: 'node_types',
    network: 'links',
    files: 'data',
    site: 'sites',
    zones: 'sites',
    intra: 'intra_site',
  },
  site: { name: 'id', type: 'kind', carbon_intensity: 'carbon', co2: 'carbon', region: 'location' },
  executor: { type: 'kind', queue: 'partition', project: 'account', login: 'ssh', poll: 'poll_interval' },
  ssh: { hostname: 'host', login: 'host', username: 'user', key: 'identity', identity_file: 'identity' },
  location: { latitude: 'lat', longitude: 'lon', lng: 'lon', long: 'lon' },
  carbon: { points: 'series', values: 'series', repeat: 'period' },
  nodeType: {
    name: 'id',
    number: 'count',
    replicas: 'count',
    instances: 'count',
    nodes: 'count',
    cpus: 'cores',
    cpu: 'cores',
    mem: 'memory',
    ram: 'memory',
    gpu: 'gpus',
    gpu_count: 'gpus',
    speed_factor: 'speed',
    flops: 'gflops',
    watts: 'power',
    freq: 'frequency',
    clock: 'frequency',
    cpu_frequency: 'frequency',
    base_frequency: 'frequency',
  },
  power: {
    idle_w: 'idle',
    min: 'idle',
    max_w: 'max',
    peak: 'max',
    full: 'max',
    gpus: 'gpu',
    per_gpu: 'gpu',
    pstates: 'dvfs',
    p_states: 'dvfs',
    frequencies: 'dvfs',
    levels: 'dvfs',
  },
  gpuPower: { idle_w: 'idle', min: 'idle', max_w: 'max', peak: 'max', full: 'max', tdp: 'max' },
  dvfsLevel: { freq: 'frequency', clock: 'frequency', power: 'max', max_w: 'max', peak: 'max', full: 'max' },
  link: {
    source: 'from',
    src: 'from',
    target: 'to',
    dst: 'to',
    dest: 'to',
    bw: 'bandwidth',
    delay: 'latency',
    energy_per_byte: 'energy',
  },
  intraSite: { bw: 'bandwidth', delay: 'latency' },
};

const BANDWIDTH_HINT = 'write bits or bytes per second with a unit, e.g. 10Gbps, 100Mbps or 1.25GB/s';
const LATENCY_HINT = 'write a duration like 5ms, 0.2ms, 20us or 1s (a plain number is seconds)';

/** A site reference to check once every site is known. */
interface SiteRef {
  field: Field;
  id: string;
}

export function readPlatformDocument(
  src: YamlSource,
  errors: SpecErrorCollector<PlatformErrorCode>,
): Platform | undefined {
  return new PlatformReader(src, errors).read();
}

class PlatformReader extends YamlFieldReader<PlatformErrorCode, Context> {
  private readonly siteRefs: SiteRef[] = [];
  /** Every site id written, even of a site with other mistakes: references to it are not errors. */
  private readonly declaredSites: string[] = [];

  constructor(src: YamlSource, errors: SpecErrorCollector<PlatformErrorCode>) {
    super(src, errors, PLATFORM_DIALECT);
  }

  read(): Platform | undefined {
    const f = this.rootFields(
      'top',
      'a platform must be a mapping with "name", "sites" and "node_types"',
      'start the file with "name: my-platform" followed by "sites:" and "node_types:" lists',
    );
    if (f === undefined) return undefined;
    const rootPos = this.src.pos(this.src.root);

    this.readSchemaRef(f.get('$schema'), 'schemas/platform.schema.json');
    const version = f.get('version');
    if (version) this.readVersion(version);

    let name = '';
    const nameField = f.get('name');
    if (nameField) name = this.readName(nameField, 'platform name') ?? '';
    else this.missing(rootPos, 'name', 'add a line like "name: my-platform" at the top');

    const sites = this.readSites(f.get('sites'), rootPos);
    const nodeTypes = this.readNodeTypes(f.get('node_types'), rootPos);
    const links = this.readLinks(f.get('links'));
    const intraSiteField = f.get('intra_site');
    const intraSite = intraSiteField ? this.readIntraSite(intraSiteField) : undefined;
    const dataField = f.get('data');
    const data = dataField ? this.readData(dataField) : {};

    this.checkSiteRefs();
    this.checkNodeTotal(nodeTypes, f.get('node_types'));

    const platform: Platform = { name, sites, nodeTypes, links, data };
    if (intraSite !== undefined) platform.intraSite = intraSite;
    return platform;
  }

  // ---------------------------------------------------------------- sites

  private readSites(field: Field | undefined, rootPos: SourcePos): Site[] {
    const sites: Site[] = [];
    if (!field) {
      this.missing(rootPos, 'sites', 'add a "sites:" list, e.g. "- { id: hpc, kind: hpc, carbon: 50 }"');
      return sites;
    }
    if (!this.expectKind(field, ['list'], 'a list of sites', 'write each site as an item "- id: ..."')) {
      return sites;
    }
    const items = this.src.items(field.node);
    if (items.length === 0) {
      this.errors.add(
        'PLATFORM_NO_SITES',
        field.pos,
        field.path,
        'the platform has no sites',
        'add at least one site, e.g. "- { id: hpc, kind: hpc, carbon: 50 }"',
      );
    }
    const seen = new Map<string, SourcePos>();
    items.forEach((item, i) => {
      const site = this.readSite(this.itemField(field, item, i), seen);
      if (site) sites.push(site);
    });
    return sites;
  }

  private readSite(item: Field, seen: Map<string, SourcePos>): Site | undefined {
    if (!this.expectKind(item, ['mapping'], 'a site (a mapping with id, kind and carbon)', SITE_HINT)) {
      return undefined;
    }
    const f = this.fields(item.node, item.path, 'site');
    const idField = f.get('id');
    // Declared even when invalid or duplicated: that mistake is reported once, not at every use.
    if (idField && this.src.kind(idField.node) === 'string') {
      this.declaredSites.push(this.src.scalarText(idField.node) ?? '');
    }
    const id = this.readId(idField, item, seen, 'site');
    let kind: SiteKind | undefined;
    const kindField = f.get('kind');
    if (kindField) kind = this.readChoice(kindField, SITE_KINDS);
    else this.missing(item.pos, `${item.path}.kind`, `add "kind:" with one of ${quoteList(SITE_KINDS)}`);
    let carbon: CarbonIntensity | undefined;
    const carbonField = f.get('carbon');
    if (carbonField) carbon = this.readCarbon(carbonField);
    else {
      this.missing(
        item.pos,
        `${item.path}.carbon`,
        'add the grid carbon intensity in gCO2e/kWh, e.g. "carbon: 300", or a daily series',
      );
    }
    const locationField = f.get('location');
    const location = locationField ? this.readLocation(locationField) : undefined;
    const executorField = f.get('executor');
    let executor: string | undefined;
    let slurm: SlurmSiteConfig | undefined;
    if (executorField && this.src.kind(executorField.node) === 'mapping') {
      slurm = this.readSlurmExecutor(executorField, kind);
      if (slurm) executor = slurm.partition ? `slurm:${slurm.partition}` : 'slurm';
    } else if (executorField) {
      executor = this.readString(
        executorField,
        'an executor name or an executor block',
        'write e.g. executor: local, or executor: { kind: slurm, partition: batch }',
      );
    }
    if (id === undefined || kind === undefined || carbon === undefined) return undefined;
    const site: Site = { id, kind, carbon };
    if (location !== undefined) site.location = location;
    if (executor !== undefined) site.executor = executor;
    if (slurm !== undefined) site.slurm = slurm;
    return site;
  }

  /** `executor: { kind: slurm, partition, account, qos, ssh: {...}, poll_interval, gnu_time }` of an hpc site. */
  private readSlurmExecutor(field: Field, siteKind: SiteKind | undefined): SlurmSiteConfig | undefined {
    const f = this.fields(field.node, field.path, 'executor');
    const kindField = f.get('kind');
    let ok = true;
    if (!kindField) {
      this.missing(field.pos, `${field.path}.kind`, 'add "kind: slurm" (the only executor block so far)');
      ok = false;
    } else if (this.readChoice(kindField, ['slurm'] as const) === undefined) {
      ok = false;
    }
    if (siteKind !== undefined && siteKind !== 'hpc') {
      this.errors.add(
        'PLATFORM_BAD_EXECUTOR',
        field.pos,
        field.path,
        `a Slurm executor needs a site of kind "hpc", this site is "${siteKind}"`,
        'set "kind: hpc" on the site, or remove its executor block',
      );
      ok = false;
    }
    const config: SlurmSiteConfig = {};
    for (const key of ['partition', 'account', 'qos'] as const) {
      const value = f.get(key);
      if (!value) continue;
      const text = this.readString(value, `a Slurm ${key} name`, `write e.g. ${key}: batch`);
      if (text === undefined) ok = false;
      else if (!SLURM_NAME_RE.test(text)) {
        this.errors.add(
          'PLATFORM_BAD_EXECUTOR',
          value.pos,
          value.path,
          `${JSON.stringify(text)} is not a Slurm ${key} name`,
          'use letters, digits, "_", "-", "." and "+" (as `sinfo`/`sacctmgr` show them)',
        );
        ok = false;
      } else config[key] = text;
    }
    const pollField = f.get('poll_interval');
    if (pollField) {
      const s = this.readDurationS(pollField, 'write a duration like 2s or 500ms');
      if (s === undefined) ok = false;
      else if (s < 0.1 || s > 3600) {
        this.errors.add(
          'PLATFORM_BAD_EXECUTOR',
          pollField.pos,
          pollField.path,
          `poll_interval must be between 100ms and 1h, got ${this.src.scalarText(pollField.node) ?? ''}`,
          'write e.g. poll_interval: 2s (one squeue per poll for all jobs)',
        );
        ok = false;
      } else config.pollIntervalS = s;
    }
    const timeField = f.get('gnu_time');
    if (timeField) {
      const gnuTime = this.readGnuTime(timeField);
      if (gnuTime === undefined) ok = false;
      else config.gnuTime = gnuTime;
    }
    const sshField = f.get('ssh');
    if (sshField) {
      const ssh = this.readSsh(sshField);
      if (ssh === undefined) ok = false;
      else config.ssh = ssh;
    }
    return ok ? config : undefined;
  }

  /** `gnu_time: false` (run commands bare) or the absolute path of GNU time on the compute nodes. */
  private readGnuTime(field: Field): string | null | undefined {
    const hint = 'write gnu_time: false (no CPU time or peak memory), or its path, e.g. /usr/bin/time';
    if (this.src.kind(field.node) === 'boolean' && this.src.scalarValue(field.node) === false) return null;
    const path = this.readString(field, 'false or an absolute path', hint);
    if (path === undefined) return undefined;
    if (!path.startsWith('/') || path.includes('\0')) {
      this.errors.add(
        'PLATFORM_BAD_EXECUTOR',
        field.pos,
        field.path,
        `gnu_time must be an absolute path on the compute nodes, got ${JSON.stringify(path)}`,
        hint,
      );
      return undefined;
    }
    return path;
  }

  private readSsh(field: Field): SlurmSiteConfig['ssh'] {
    const hint = 'write e.g. ssh: { host: login1.example.org, user: alice, port: 22 }';
    if (!this.expectKind(field, ['mapping'], 'an ssh block (host, user, port, identity, options)', hint)) {
      return undefined;
    }
    const f = this.fields(field.node, field.path, 'ssh');
    const bad = (at: Field, message: string, fix: string) =>
      this.errors.add('PLATFORM_BAD_SSH', at.pos, at.path, message, fix);
    let ok = true;
    const hostField = f.get('host');
    let host: string | undefined;
    if (!hostField) {
      this.missing(field.pos, `${field.path}.host`, 'add "host:" with the login node, e.g. host: login1');
      ok = false;
    } else {
      host = this.readString(hostField, 'a host name', hint);
      if (host !== undefined && !SSH_HOST_RE.test(host)) {
        bad(
          hostField,
          `${JSON.stringify(host)} is not a host name or address`,
          'write a name like login1.example.org (not starting with "-")',
        );
        ok = false;
      }
    }
    const ssh: NonNullable<SlurmSiteConfig['ssh']> = { host: host ?? '' };
    const userField = f.get('user');
    if (userField) {
      const user = this.readString(userField, 'a user name', hint);
      if (user !== undefined && !SSH_USER_RE.test(user)) {
        bad(
          userField,
          `${JSON.stringify(user)} is not a user name`,
          'write the login name, e.g. user: alice',
        );
        ok = false;
      } else if (user !== undefined) ssh.user = user;
    }
    const portField = f.get('port');
    if (portField) {
      const port = this.readInteger(portField, 'a TCP port', 1, 'the SSH port, usually 22');
      if (port !== undefined && port > 65535) {
        bad(portField, `port ${port} is not a TCP port`, 'write a port from 1 to 65535');
        ok = false;
      } else if (port !== undefined) ssh.port = port;
      else ok = false;
    }
    const identityField = f.get('identity');
    if (identityField) {
      const identity = this.readString(
        identityField,
        'a key file path',
        'write e.g. identity: ~/.ssh/id_ed25519',
      );
      if (identity !== undefined) ssh.identity = identity;
    }
    const optionsField = f.get('options');
    if (optionsField) {
      const optionsHint = 'write ssh -o options, e.g. options: [ControlMaster=auto, ControlPersist=60]';
      if (this.expectKind(optionsField, ['list'], 'a list of ssh options', optionsHint)) {
        const options: string[] = [];
        this.src.items(optionsField.node).forEach((node, i) => {
          const item = this.itemField(optionsField, node, i);
          const text = this.readString(item, 'an ssh option (Name=value)', optionsHint);
          if (text !== undefined && !SSH_OPTION_RE.test(text)) {
            bad(item, `${JSON.stringify(text)} is not an ssh option of the form Name=value`, optionsHint);
            ok = false;
          } else if (text !== undefined) options.push(text);
        });
        ssh.options = options;
      } else ok = false;
    }
    return ok && host !== undefined ? ssh : undefined;
  }

  private readLocation(field: Field): Site['location'] {
    const hint = 'write e.g. location: { lat: 46.2, lon: 6.1, region: CH }';
    if (!this.expectKind(field, ['mapping'], 'a location (lat, lon, region)', hint)) return undefined;
    const f = this.fields(field.node, field.path, 'location');
    const lat = this.readRequiredNumber(f, field, 'lat', 'a latitude in degrees', hint, -90, 90);
    const lon = this.readRequiredNumber(f, field, 'lon', 'a longitude in degrees', hint, -180, 180);
    const regionField = f.get('region');
    const region = regionField
      ? this.readString(regionField, 'a region name', 'write e.g. region: eu-west-1')
      : undefined;
    if (lat === undefined || lon === undefined) return undefined;
    return region === undefined ? { lat, lon } : { lat, lon, region };
  }

  private readCarbon(field: Field): CarbonIntensity | undefined {
    const kind = this.src.kind(field.node);
    if (kind === 'number') {
      const g = this.readNumber(field, 'a carbon intensity', CARBON_HINT);
      if (g === undefined) return undefined;
      if (g < 0) {
        this.errors.add(
          'PLATFORM_BAD_CARBON',
          field.pos,
          field.path,
          `carbon intensity ${g} is negative`,
          'write gCO2e per kWh, 0 or more (e.g. 50 for a hydro/nuclear grid, 400 for a gas-heavy one)',
        );
        return undefined;
      }
      return { kind: 'constant', gPerKWh: g };
    }
    if (kind !== 'mapping') {
      this.wrongType(field.pos, field.path, 'a carbon intensity', field.node, CARBON_HINT);
      return undefined;
    }
    const f = this.fields(field.node, field.path, 'carbon');
    const seriesField = f.get('series');
    let points: Array<{ atS: number; gPerKWh: number }> | undefined;
    if (seriesField) points = this.readSeries(seriesField);
    else this.missing(field.pos, `${field.path}.series`, CARBON_HINT);
    let periodS: number | undefined;
    const periodField = f.get('period');
    if (periodField) {
      periodS = this.readDurationS(periodField, 'write a duration like 24h or 7d, or a number of seconds');
      const last = points?.[points.length - 1];
      if (periodS !== undefined && last !== undefined && periodS <= last.atS) {
        this.errors.add(
          'PLATFORM_BAD_CARBON',
          periodField.pos,
          periodField.path,
          `the period (${periodS} s) must be longer than the time of the last point (${last.atS} s)`,
          'make the period the length of the whole profile, e.g. 24h for a daily one',
        );
        return undefined;
      }
      if (periodS === undefined) return undefined;
    }
    if (points === undefined) return undefined;
    return periodS === undefined ? { kind: 'series', points } : { kind: 'series', points, periodS };
  }

  private readSeries(field: Field): Array<{ atS: number; gPerKWh: number }> | undefined {
    if (!this.expectKind(field, ['list'], 'a list of [time, gCO2e/kWh] pairs', CARBON_HINT)) return undefined;
    const items = this.src.items(field.node);
    if (items.length === 0) {
      this.errors.add('PLATFORM_BAD_CARBON', field.pos, field.path, 'the series is empty', CARBON_HINT);
      return undefined;
    }
    const points: Array<{ atS: number; gPerKWh: number }> = [];
    let ok = true;
    let previous: number | undefined;
    items.forEach((item, i) => {
      const pair = this.itemField(field, item, i);
      const parts = this.src.items(pair.node);
      if (this.src.kind(pair.node) !== 'list' || parts.length !== 2) {
        this.wrongType(pair.pos, pair.path, 'a [time, gCO2e/kWh] pair', pair.node, PAIR_HINT);
        ok = false;
        return;
      }
      const timeField = this.itemField(pair, parts[0] ?? null, 0);
      const valueField = this.itemField(pair, parts[1] ?? null, 1);
      const atS = this.readDurationS(
        timeField,
        'write seconds from the start of the series, or a duration like 6h',
      );
      const g = this.readNumber(valueField, 'a carbon intensity in gCO2e/kWh', PAIR_HINT);
      if (g !== undefined && g < 0) {
        this.errors.add(
          'PLATFORM_BAD_CARBON',
          valueField.pos,
          valueField.path,
          `carbon intensity ${g} is negative`,
          'write gCO2e per kWh, 0 or more',
        );
        ok = false;
      }
      if (atS !== undefined) {
        if (i === 0 && atS !== 0) {
          this.errors.add(
            'PLATFORM_BAD_CARBON',
            timeField.pos,
            timeField.path,
            `the series starts at ${atS} s, not at 0`,
            'start the series with a point at time 0 (the value until the second point)',
          );
          ok = false;
        } else if (previous !== undefined && atS <= previous) {
          this.errors.add(
            'PLATFORM_BAD_CARBON',
            timeField.pos,
            timeField.path,
            `the series is not sorted: ${atS} s comes after ${previous} s`,
            'list the points in increasing time order, each time once',
          );
          ok = false;
        }
        previous = atS;
      }
      if (atS === undefined || g === undefined) ok = false;
      else points.push({ atS, gPerKWh: g });
    });
    return ok ? points : undefined;
  }

  // ---------------------------------------------------------------- node types

  private readNodeTypes(field: Field | undefined, rootPos: SourcePos): NodeType[] {
    const types: NodeType[] = [];
    if (!field) {
      this.missing(
        rootPos,
        'node_types',
        'add a "node_types:" list, e.g. "- { id: cpu, site: hpc, count: 32, cores: 64, ... }"',
      );
      return types;
    }
    if (
      !this.expectKind(field, ['list'], 'a list of node types', 'write each node type as an item "- id: ..."')
    ) {
      return types;
    }
    const seen = new Map<string, SourcePos>();
    this.src.items(field.node).forEach((item, i) => {
      const type = this.readNodeType(this.itemField(field, item, i), seen);
      if (type) types.push(type);
    });
    return types;
  }

  private readNodeType(item: Field, seen: Map<string, SourcePos>): NodeType | undefined {
    if (!this.expectKind(item, ['mapping'], 'a node type (a mapping with id, site, count, ...)', NODE_HINT)) {
      return undefined;
    }
    const f = this.fields(item.node, item.path, 'nodeType');
    const id = this.readId(f.get('id'), item, seen, 'node type');
    const site = this.readSiteRef(f.get('site'), item, 'site');
    const count = this.readRequiredInteger(
      f,
      item,
      'count',
      'a node count',
      0,
      'how many nodes of this type',
    );
    const cores = this.readRequiredInteger(f, item, 'cores', 'a number of cores', 1, 'cores per node');
    const speed = this.readSpeed(f, item);
    const frequencyField = f.get('frequency');
    const nominal: Nominal = frequencyField
      ? { hz: this.readFrequency(frequencyField), text: this.src.scalarText(frequencyField.node) ?? '' }
      : undefined;
    let memoryBytes: number | undefined;
    const memoryField = f.get('memory');
    if (memoryField) memoryBytes = this.readMemory(memoryField);
    else this.missing(item.pos, `${item.path}.memory`, 'add the memory per node, e.g. "memory: 256Gi"');

    const gpusField = f.get('gpus');
    const gpus = gpusField ? this.readInteger(gpusField, 'a number of GPUs', 0, 'GPUs per node') : 0;
    const gpuSpeedField = f.get('gpu_speed');
    const gpuSpeed = gpuSpeedField
      ? this.readGpuSpeed(gpuSpeedField, gpus)
      : gpus !== undefined && gpus > 0
        ? 1
        : 0;

    let power: NodePower | undefined;
    const powerField = f.get('power');
    if (powerField) power = this.readPower(powerField, 'power', gpus, nominal);
    else {
      this.missing(
        item.pos,
        `${item.path}.power`,
        'add the node\'s power at idle and full load, e.g. "power: { idle: 100W, max: 400W }"',
      );
    }
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
    const speed = this.readPositive(
      field,
      'a relative GPU speed',
      'write e.g. gpu_speed: 1.0 (1 = reference GPU)',
    );
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
    if (speedField && gflopsField) {
      const later = comparePos(speedField.keyPos, gflopsField.keyPos) > 0 ? speedField : gflopsField;
      this.errors.add(
        'PLATFORM_SPEED_AND_GFLOPS',
        later.keyPos,
        later.path,
        'the node type has both "speed" and "gflops"',
        `keep one: speed is relative to the reference core, gflops per core is divided by ${REFERENCE_CORE_GFLOPS}`,
      );
      return undefined;
    }
    if (speedField) {
      return this.readPositive(
        speedField,
        'a relative core speed',
        'write e.g. speed: 1.5 (1 = the reference core)',
      );
    }
    if (gflopsField) {
      const g = this.readPositive(gflopsField, 'GFLOPS per core', 'write e.g. gflops: 25 (per core)');
      return g === undefined ? undefined : g / REFERENCE_CORE_GFLOPS;
    }
    const path = `${item.path}.speed`;
    if (!this.suggested.has(path) && !this.suggested.has(`${item.path}.gflops`)) {
      this.errors.add(
        'PLATFORM_NO_SPEED',
        item.pos,
        item.path,
        'the node type has neither "speed" nor "gflops"',
        `add speed: 1 for a reference core, or gflops: N per core (${REFERENCE_CORE_GFLOPS} GFLOPS = speed 1)`,
      );
    }
    return undefined;
  }

  /** `power`, or (context gpuPower) its `gpu`; `nominal` is the node type's `frequency`, for `dvfs`. */
  private readPower(
    field: Field,
    context: 'power' | 'gpuPower' = 'power',
    gpus?: number,
    nominal?: Nominal,
  ): NodePower | undefined {
    const hint =
      context === 'power'
        ? 'write e.g. power: { idle: 100W, max: 400W } (the whole node), or with GPUs apart: power: { idle: 60W, max: 270W, gpu: { idle: 50W, max: 400W } }'
        : 'write the power of ONE GPU, e.g. gpu: { idle: 50W, max: 400W }';
    if (!this.expectKind(field, ['mapping'], 'a mapping with idle and max watts', hint)) return undefined;
    const f = this.fields(field.node, field.path, context);
    const read = (key: 'idle' | 'max'): number | undefined => {
      const sub = f.get(key);
      if (!sub) {
        this.missing(field.pos, `${field.path}.${key}`, hint);
        return undefined;
      }
      return this.readUnit(sub, 'power', parsePowerW, POWER_HINT);
    };
    const idleW = read('idle');
    const maxW = read('max');
    const gpuField = context === 'power' ? f.get('gpu') : undefined;
    const gpu = gpuField ? this.readPower(gpuField, 'gpuPower') : undefined;
    const dvfsField = context === 'power' ? f.get('dvfs') : undefined;
    const dvfs = dvfsField ? this.readDvfs(dvfsField, nominal, idleW, maxW) : [];
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
    if (maxW === 0 || idleW > maxW) {
      const at = f.get('max') ?? field;
      this.errors.add(
        'PLATFORM_POWER_ORDER',
        at.pos,
        at.path,
        maxW === 0
          ? 'the power at full load is 0 W'
          : `the power at idle (${idleW} W) is more than at full load (${maxW} W)`,
        'idle is the power of a node doing nothing, max at 100 % load; idle <= max, max > 0',
      );
      return undefined;
    }
    const power: NodePower = { idleW, maxW, dvfs };
    if (gpu) power.gpu = { idleW: gpu.idleW, maxW: gpu.maxW };
    return power;
  }

  /**
   * `power.dvfs`: the levels sorted fastest first, [] for none, or undefined when something is
   * wrong (reported). The checks against the type's idle and max power are made only when those
   * were read and are in order: otherwise that mistake is the one reported.
   */
  private readDvfs(
    field: Field,
    nominal: Nominal,
    idleW: number | undefined,
    maxW: number | undefined,
  ): DvfsLevel[] | undefined {
    if (!this.expectKind(field, ['list'], 'a list of DVFS levels', DVFS_HINT)) return undefined;
    const levels: RawDvfsLevel[] = [];
    let ok = true;
    this.src.items(field.node).forEach((node, i) => {
      const item = this.itemField(field, node, i);
      const level = this.readDvfsLevel(item);
      if (level) levels.push(level);
      else ok = false;
    });
    if (levels.length === 0 && ok) return [];
    if (nominal === undefined) {
      this.errors.add(
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

    const seen = new Map<number, SourcePos>();
    for (const level of levels) {
      const at = level.frequencyField;
      const first = seen.get(level.frequencyHz);
      if (level.frequencyHz >= nominalHz) {
        this.errors.add(
          'PLATFORM_DVFS_FREQUENCY',
          at.pos,
          at.path,
          `level frequency ${level.frequencyText} is not below the nominal frequency (${nominal.text})`,
          'list only frequencies lower than the node type\'s "frequency:" (that one is the nominal level already)',
        );
        ok = false;
      } else if (first !== undefined) {
        this.errors.add(
          'PLATFORM_DVFS_FREQUENCY',
          at.pos,
          at.path,
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
        const at = level.maxField;
        if (level.maxW < idleW) {
          this.errors.add(
            'PLATFORM_DVFS_POWER',
            at.pos,
            at.path,
            `the full-load power at ${level.frequencyText} (${level.maxW} W) is less than the idle power (${idleW} W)`,
            'idle power does not change with the frequency: write the power with every core busy at that frequency, between power.idle and power.max',
          );
          ok = false;
        } else if (level.maxW > maxW) {
          this.errors.add(
            'PLATFORM_DVFS_POWER',
            at.pos,
            at.path,
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
      this.errors.add(
        'PLATFORM_DVFS_POWER',
        slower.maxField.pos,
        slower.maxField.path,
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

  /** One item of `power.dvfs`: `{ frequency, max }`, both read (or undefined, reported). */
  private readDvfsLevel(item: Field): RawDvfsLevel | undefined {
    if (!this.expectKind(item, ['mapping'], 'a DVFS level (a mapping with frequency and max)', DVFS_HINT)) {
      return undefined;
    }
    const f = this.fields(item.node, item.path, 'dvfsLevel');
    const frequencyField = f.get('frequency');
    const maxField = f.get('max');
    let frequencyHz: number | undefined;
    if (frequencyField) frequencyHz = this.readFrequency(frequencyField);
    else this.missing(item.pos, `${item.path}.frequency`, DVFS_HINT);
    let maxW: number | undefined;
    if (maxField) maxW = this.readUnit(maxField, 'power', parsePowerW, POWER_HINT);
    else this.missing(item.pos, `${item.path}.max`, DVFS_HINT);
    if (frequencyField === undefined || maxField === undefined) return undefined;
    if (frequencyHz === undefined || maxW === undefined) return undefined;
    return {
      frequencyHz,
      maxW,
      frequencyText: this.src.scalarText(frequencyField.node) ?? '',
      frequencyField,
      maxField,
    };
  }

  /** A CPU frequency: a positive number with a unit; a plain number is refused, it could be Hz or GHz. */
  private readFrequency(field: Field): number | undefined {
    const kind = this.src.kind(field.node);
    if (kind !== 'number' && kind !== 'string') {
      this.wrongType(field.pos, field.path, 'a frequency', field.node, FREQUENCY_HINT);
      return undefined;
    }
    const text = this.src.scalarText(field.node) ?? '';
    const raw = this.src.scalarValue(field.node) as string | number;
    const hz = typeof raw === 'string' ? parseFrequencyHz(raw) : undefined;
    if (hz !== undefined && hz > 0) return hz;
    const suggestion = typeof raw === 'string' ? suggestFrequency(raw) : undefined;
    this.errors.add(
      'PLATFORM_BAD_FREQUENCY',
      field.pos,
      field.path,
      typeof raw === 'number'
        ? `frequency ${text} has no unit`
        : hz === 0
          ? `frequency must be greater than 0 (${text})`
          : `invalid frequency "${text}"`,
      suggestion !== undefined ? `did you mean ${suggestion}?` : FREQUENCY_HINT,
    );
    return undefined;
  }

  private checkNodeTotal(types: NodeType[], field: Field | undefined): void {
    if (!field || this.src.kind(field.node) !== 'list') return;
    const total = types.reduce((n, t) => n + t.count, 0);
    // Only when every node type was read: a broken one may be where the nodes are.
    const allRead = types.length === this.src.items(field.node).length;
    if (total === 0 && allRead) {
      this.errors.add(
        'PLATFORM_NO_NODES',
        field.pos,
        field.path,
        types.length === 0
          ? 'the platform has no node types'
          : 'the platform has no nodes (every count is 0)',
        'add a node type with a count of at least 1',
      );
    } else if (total > MAX_PLATFORM_NODES) {
      this.errors.add(
        'PLATFORM_TOO_MANY_NODES',
        field.pos,
        field.path,
        `the platform has ${total} nodes, more than ${MAX_PLATFORM_NODES}`,
        'check the counts; a platform this large is not supported',
      );
    }
  }

  // ---------------------------------------------------------------- links, intra-site, data

  private readLinks(field: Field | undefined): Link[] {
    const links: Link[] = [];
    if (!field) return links;
    const hint =
      'write each link as an item "- { from: a, to: b, bandwidth: 10Gbps, latency: 5ms, energy: 6nJ/B }"';
    if (!this.expectKind(field, ['list'], 'a list of links', hint)) return links;
    const seen = new Map<string, SourcePos>();
    this.src.items(field.node).forEach((node, i) => {
      const item = this.itemField(field, node, i);
      if (!this.expectKind(item, ['mapping'], 'a link (a mapping with from, to, bandwidth, ...)', hint))
        return;
      const f = this.fields(item.node, item.path, 'link');
      const fromField = f.get('from');
      const toField = f.get('to');
      const from = this.readSiteRef(fromField, item, 'from');
      const to = this.readSiteRef(toField, item, 'to');
      const bandwidthBps = this.readBandwidth(f, item);
      const latencyS = this.readLatency(f, item);
      let energyJPerByte: number | undefined;
      const energyField = f.get('energy');
      if (energyField) {
        energyJPerByte = this.readUnit(
          energyField,
          'energy per byte',
          parseEnergyJPerByte,
          'write joules per byte, e.g. 6nJ/B, 0.5nJ/B or 0.06kWh/GB (a plain number is J/B)',
        );
      } else {
        this.missing(
          item.pos,
          `${item.path}.energy`,
          'add the energy per byte moved, e.g. "energy: 6nJ/B" (0 to ignore it)',
        );
      }
      if (from !== undefined && to !== undefined && from === to) {
        this.errors.add(
          'PLATFORM_SELF_LINK',
          toField?.pos ?? item.pos,
          toField?.path ?? item.path,
          `the link goes from site "${from}" to itself`,
          'links join two different sites; transfers inside a site use "intra_site"',
        );
        return;
      }
      if (from !== undefined && to !== undefined) {
        const key = from < to ? `${from}\u0000${to}` : `${to}\u0000${from}`;
        const first = seen.get(key);
        if (first !== undefined) {
          this.errors.add(
            'PLATFORM_DUPLICATE_LINK',
            item.pos,
            item.path,
            `sites "${from}" and "${to}" are already linked (line ${first.line}); links go both ways`,
            'keep one link per pair of sites',
          );
          return;
        }
        seen.set(key, item.pos);
      }
      if (
        from === undefined ||
        to === undefined ||
        bandwidthBps === undefined ||
        latencyS === undefined ||
        energyJPerByte === undefined
      ) {
        return;
      }
      links.push({ from, to, bandwidthBps, latencyS, energyJPerByte });
    });
    return links;
  }

  private readIntraSite(field: Field): Platform['intraSite'] {
    const hint = 'write e.g. intra_site: { bandwidth: 100Gbps, latency: 2us }';
    if (!this.expectKind(field, ['mapping'], 'a mapping with bandwidth and latency', hint)) return undefined;
    const f = this.fields(field.node, field.path, 'intraSite');
    const bandwidthBps = this.readBandwidth(f, field);
    const latencyS = this.readLatency(f, field);
    if (bandwidthBps === undefined || latencyS === undefined) return undefined;
    return { bandwidthBps, latencyS };
  }

  private readData(field: Field): Record<string, string> {
    const data: Record<string, string> = {};
    const hint = 'write data: { "input.csv": site-id }';
    if (!this.expectKind(field, ['mapping'], 'a mapping of file names to site ids', hint)) return data;
    const firstAt = new Map<string, SourcePos>();
    const entries = this.src.entries(field.node);
    const written = new Map<string | undefined, number>();
    for (const e of entries) written.set(e.key, (written.get(e.key) ?? 0) + 1);
    for (const entry of entries) {
      const keyPos = this.src.pos(entry.keyNode);
      if (entry.key === undefined || entry.key.trim() === '') {
        this.wrongType(keyPos, field.path, 'a file name', this.src.resolve(entry.keyNode), hint);
        continue;
      }
      const path = fieldPath(field.path, entry.key);
      const file = normalizePath(entry.key);
      const first = firstAt.get(file);
      if (first !== undefined) {
        // The same text twice is the YAML layer's duplicate key; here it is two spellings of one file.
        if (written.get(entry.key) === 1) {
          this.errors.add(
            'PLATFORM_DUPLICATE_ID',
            keyPos,
            path,
            `file "${file}" is listed twice (first on line ${first.line})`,
            'a file starts in one place; keep one entry',
          );
        }
        continue;
      }
      firstAt.set(file, keyPos);
      const value: Field = {
        key: entry.key,
        node: entry.value,
        pos: this.valuePos(entry.value, keyPos),
        keyPos,
        path,
      };
      const site = this.readString(value, 'a site id', hint);
      if (site === undefined) continue;
      this.siteRefs.push({ field: value, id: site });
      data[file] = site;
    }
    return data;
  }

  private readBandwidth(f: Map<string, Field>, owner: Field): number | undefined {
    const field = f.get('bandwidth');
    if (!field) {
      this.missing(owner.pos, `${owner.path}.bandwidth`, `add "bandwidth:"; ${BANDWIDTH_HINT}`);
      return undefined;
    }
    const bps = this.readUnit(field, 'bandwidth', parseBandwidthBps, BANDWIDTH_HINT);
    if (bps === 0) {
      this.errors.add(
        'PLATFORM_BAD_QUANTITY',
        field.pos,
        field.path,
        'bandwidth must be greater than 0',
        'remove the link if the sites cannot exchange data',
      );
      return undefined;
    }
    return bps;
  }

  private readLatency(f: Map<string, Field>, owner: Field): number | undefined {
    const field = f.get('latency');
    if (!field) {
      this.missing(owner.pos, `${owner.path}.latency`, `add "latency:"; ${LATENCY_HINT}`);
      return undefined;
    }
    const kind = this.src.kind(field.node);
    if (kind !== 'number' && kind !== 'string') {
      this.wrongType(field.pos, field.path, 'a latency', field.node, LATENCY_HINT);
      return undefined;
    }
    const s = parseLatencyS(this.src.scalarValue(field.node) as string | number);
    if (s === undefined) {
      this.errors.add(
        'PLATFORM_BAD_DURATION',
        field.pos,
        field.path,
        `invalid latency "${this.src.scalarText(field.node) ?? ''}"`,
        LATENCY_HINT,
      );
    }
    return s;
  }

  // ---------------------------------------------------------------- site references

  private readSiteRef(
    field: Field | undefined,
    owner: Field,
    key: 'site' | 'from' | 'to',
  ): string | undefined {
    if (!field) {
      this.missing(owner.pos, `${owner.path}.${key}`, `name the site, e.g. "${key}: hpc"`);
      return undefined;
    }
    const id = this.readString(field, 'a site id', 'write the id of a site listed under "sites:"');
    if (id !== undefined) this.siteRefs.push({ field, id });
    return id;
  }

  private checkSiteRefs(): void {
    const ids = this.declaredSites;
    // No site at all is reported as such (PLATFORM_NO_SITES or a missing "sites"), not at every use.
    if (ids.length === 0) return;
    for (const { field, id } of this.siteRefs) {
      if (ids.includes(id)) continue;
      const close = closestMatch(id, ids);
      this.errors.add(
        'PLATFORM_UNKNOWN_SITE',
        field.pos,
        field.path,
        `unknown site "${id}"`,
        close !== undefined
          ? `did you mean "${close}"?`
          : `define it under "sites:", or use one of ${quoteList(ids)}`,
      );
    }
  }

  // ---------------------------------------------------------------- values

  private readId(
    field: Field | undefined,
    owner: Field,
    seen: Map<string, SourcePos>,
    what: 'site' | 'node type',
  ): string | undefined {
    if (!field) {
      this.missing(owner.pos, `${owner.path}.id`, `add "id: <${what.replace(' ', '-')}-id>"`);
      return undefined;
    }
    const id = this.readName(field, `${what} id`);
    if (id === undefined) return undefined;
    const first = seen.get(id);
    if (first !== undefined) {
      this.errors.add(
        'PLATFORM_DUPLICATE_ID',
        field.pos,
        field.path,
        `${what} id "${id}" is already used (line ${first.line})`,
        `give each ${what} its own id`,
      );
      return undefined;
    }
    seen.set(id, field.pos);
    return id;
  }

  private readName(field: Field, what: string): string | undefined {
    const name = this.readString(field, `a ${what}`, NAME_HINT);
    if (name === undefined) return undefined;
    if (!NAME_RE.test(name)) {
      this.errors.add('PLATFORM_INVALID_NAME', field.pos, field.path, `invalid ${what} "${name}"`, NAME_HINT);
      return undefined;
    }
    return name;
  }

  private readVersion(field: Field): void {
    const hint = `write version: ${PLATFORM_FORMAT_VERSION}, or remove the field`;
    const v = this.readNumber(field, 'a format version number', hint);
    if (v === undefined || v === PLATFORM_FORMAT_VERSION) return;
    this.errors.add(
      'PLATFORM_UNSUPPORTED_VERSION',
      field.pos,
      field.path,
      `platform format version ${v} is not supported (this Strata reads version ${PLATFORM_FORMAT_VERSION})`,
      hint,
    );
  }

  private readMemory(field: Field): number | undefined {
    const hint = 'write bytes with a suffix, e.g. 256Gi or 512G (Ki/Mi/Gi/Ti binary, k/M/G/T decimal)';
    const kind = this.src.kind(field.node);
    if (kind !== 'number' && kind !== 'string') {
      this.wrongType(field.pos, field.path, 'a memory quantity', field.node, hint);
      return undefined;
    }
    const raw = this.src.scalarValue(field.node) as string | number;
    const bytes = parseMemoryBytes(raw);
    if (bytes === undefined || bytes === 0) {
      const text = this.src.scalarText(field.node) ?? '';
      const suggestion = typeof raw === 'string' ? suggestQuantity(raw) : undefined;
      this.errors.add(
        'PLATFORM_BAD_QUANTITY',
        field.pos,
        field.path,
        bytes === 0 ? 'memory must be greater than 0' : `invalid memory quantity "${text}"`,
        suggestion !== undefined ? `did you mean ${suggestion}?` : hint,
      );
      return undefined;
    }
    return bytes;
  }

  /** A value with a unit (bandwidth, power, energy per byte): a number in the base unit, or a string. */
  private readUnit(
    field: Field,
    what: string,
    parse: (value: string | number) => number | undefined,
    hint: string,
  ): number | undefined {
    const kind = this.src.kind(field.node);
    if (kind !== 'number' && kind !== 'string') {
      this.wrongType(field.pos, field.path, withArticle(what), field.node, hint);
      return undefined;
    }
    const raw = this.src.scalarValue(field.node) as string | number;
    const value = parse(raw);
    if (value === undefined) {
      const suggestion = typeof raw === 'string' ? suggestUnit(raw, parse) : undefined;
      const text = this.src.scalarText(field.node) ?? '';
      this.errors.add(
        'PLATFORM_BAD_QUANTITY',
        field.pos,
        field.path,
        typeof raw === 'number' ? `${what} cannot be negative (${text})` : `invalid ${what} "${text}"`,
        suggestion !== undefined ? `did you mean ${suggestion}?` : hint,
      );
    }
    return value;
  }

  private readDurationS(field: Field, hint: string): number | undefined {
    return this.readDurationWith(field, hint, parseDurationSeconds);
  }

  private readRequiredNumber(
    f: Map<string, Field>,
    owner: Field,
    key: string,
    what: string,
    hint: string,
    min: number,
    max: number,
  ): number | undefined {
    const field = f.get(key);
    if (!field) {
      this.missing(owner.pos, `${owner.path}.${key}`, hint);
      return undefined;
    }
    const n = this.readNumber(field, what, hint);
    if (n === undefined) return undefined;
    if (n < min || n > max) {
      this.errors.add(
        'PLATFORM_BAD_NUMBER',
        field.pos,
        field.path,
        `${key} ${n} is out of range (${min} to ${max})`,
        hint,
      );
      return undefined;
    }
    return n;
  }

  private readRequiredInteger(
    f: Map<string, Field>,
    owner: Field,
    key: string,
    what: string,
    min: number,
    meaning: string,
  ): number | undefined {
    const field = f.get(key);
    if (!field) {
      this.missing(owner.pos, `${owner.path}.${key}`, `add "${key}:" (${meaning})`);
      return undefined;
    }
    return this.readInteger(field, what, min, meaning);
  }

  private readInteger(field: Field, what: string, min: number, meaning: string): number | undefined {
    const hint = `write a whole number, ${min} or more (${meaning})`;
    const n = this.readNumber(field, what, hint);
    if (n === undefined) return undefined;
    if (!Number.isSafeInteger(n) || n < min) {
      this.errors.add(
        'PLATFORM_BAD_NUMBER',
        field.pos,
        field.path,
        `${field.key} must be a whole number, ${min} or more, got ${this.src.scalarText(field.node) ?? ''}`,
        hint,
      );
      return undefined;
    }
    return n;
  }

  private readPositive(field: Field, what: string, hint: string): number | undefined {
    const n = this.readNumber(field, what, hint);
    if (n === undefined) return undefined;
    if (n <= 0) {
      this.errors.add(
        'PLATFORM_BAD_NUMBER',
        field.pos,
        field.path,
        `${field.key} must be greater than 0, got ${this.src.scalarText(field.node) ?? ''}`,
        hint,
      );
      return undefined;
    }
    return n;
  }
}

const POWER_HINT = 'write watts, e.g. 350W or 1.2kW (a plain number is watts)';
const FREQUENCY_HINT = 'write e.g. frequency: 2.45GHz (units Hz, kHz, MHz, GHz; a unit is required)';
const DVFS_HINT =
  'write each level as { frequency, max }, e.g. dvfs: [{ frequency: 2.0GHz, max: 300W }, { frequency: 1.5GHz, max: 210W }]';

/** A CPU frequency with its unit; the schema's frequency pattern is this one (a test checks). */
export const FREQUENCY_PATTERN = '^\\d+(\\.\\d+)?(Hz|kHz|MHz|GHz)$';
const FREQUENCY_RE = /^(\d+(?:\.\d+)?)(Hz|kHz|MHz|GHz)$/;
const FREQUENCY_EXPONENT: Readonly<Record<string, number>> = { Hz: 0, kHz: 3, MHz: 6, GHz: 9 };

/** Hz in `2.45GHz`, `800MHz`, …, or undefined. */
export function parseFrequencyHz(value: string): number | undefined {
  const match = FREQUENCY_RE.exec(value);
  if (match === null) return undefined;
  const [, amount = '', unit = ''] = match;
  // Through the exponent, so that 2.45GHz is exactly 2450000000 rather than 2.45 × 1e9's rounding.
  const hz = Number(`${amount}e${FREQUENCY_EXPONENT[unit] ?? 0}`);
  return Number.isFinite(hz) ? hz : undefined;
}

/** `2.45 GHz`, `2.45ghz`, `2.45G` → `2.45GHz`, when that is what a refused value meant. */
function suggestFrequency(value: string): string | undefined {
  const match = /^(\d+(?:\.\d+)?)([kmg]?)(hz)?$/i.exec(value.replace(/\s+/g, ''));
  if (match === null) return undefined;
  const [, amount = '', prefix = '', hz] = match;
  if (prefix === '' && hz === undefined) return undefined;
  const unit = `${prefix.toLowerCase() === 'k' ? 'k' : prefix.toUpperCase()}Hz`;
  const fixed = `${amount}${unit}`;
  return fixed !== value && parseFrequencyHz(fixed) ? fixed : undefined;
}

/** What readPower gives a node type: host power (`gpu`: each GPU's apart) and its DVFS levels. */
interface NodePower {
  idleW: number;
  maxW: number;
  gpu?: { idleW: number; maxW: number };
  /** Sorted fastest first; empty when none. */
  dvfs: DvfsLevel[];
}

/** A node type's `frequency`: absent (undefined), or its Hz (undefined when bad) and its text for messages. */
type Nominal = { hz: number | undefined; text: string } | undefined;

/** A `power.dvfs` item as written, before the checks against the node type. */
interface RawDvfsLevel {
  frequencyHz: number;
  maxW: number;
  frequencyText: string;
  frequencyField: Field;
  maxField: Field;
}

const SITE_HINT = 'write a site as "- id: hpc" with kind and carbon indented below';
const NODE_HINT = 'write a node type as "- id: cpu" with site, count, cores, speed, memory and power below';
const CARBON_HINT =
  'write gCO2e/kWh as a number (carbon: 300), or a series: carbon: { series: [[0, 300], [6h, 250]], period: 24h }';
const PAIR_HINT = 'write each point as [time, gCO2e/kWh], e.g. [6h, 250] or [21600, 250]';

/** "a power", "an energy per byte". */
function withArticle(noun: string): string {
  return /^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`;
}

const SECTION_OF: Readonly<Record<string, string>> = {
  cores: 'a node type',
  memory: 'a node type',
  gpus: 'a node type',
  speed: 'a node type',
  count: 'a node type',
  power: 'a node type',
  frequency: 'a node type',
  dvfs: "a node type's power (GPU power does not change with the CPU frequency)",
  carbon: 'a site',
  kind: 'a site',
  location: 'a site',
  bandwidth: 'a link (or intra_site)',
  latency: 'a link (or intra_site)',
  energy: 'a link',
};

/**
 * A hint for an unknown field: a misplaced field, a word from another tool, a typo, or the list.
 * `suggestion` is the field of this mapping the key was probably meant to be.
 */
function unknownFieldHint(context: Context, key: string): { hint: string; suggestion?: string } {
  const lower = key.toLowerCase();
  if (key === '<<')
    return { hint: 'YAML merge keys are not supported; use anchors and aliases (&x, *x) for whole values' };
  const allowed = PLATFORM_FIELDS[context];
  const typo = didYouMean(key, allowed, SYNONYMS[context]);
  if (typo !== undefined) return typo;
  const section = SECTION_OF[lower];
  if (section !== undefined) return { hint: `"${lower}" is a field of ${section}, not of this mapping` };
  return { hint: `allowed fields here: ${allowed.join(', ')}` };
}

const PLATFORM_DIALECT: FieldDialect<PlatformErrorCode, Context> = {
  codes: {
    notAMapping: 'PLATFORM_NOT_A_MAPPING',
    unknownField: 'PLATFORM_UNKNOWN_FIELD',
    wrongType: 'PLATFORM_WRONG_TYPE',
    missingField: 'PLATFORM_MISSING_FIELD',
    invalidChoice: 'PLATFORM_INVALID_CHOICE',
    badDuration: 'PLATFORM_BAD_DURATION',
  },
  fields: PLATFORM_FIELDS,
  unknownFieldHint,
  keyHint: 'field names are plain words like "id"',
  // The platform reader gives no hint of its own for an empty value of the wrong type.
  emptyValueHint: '',
};
