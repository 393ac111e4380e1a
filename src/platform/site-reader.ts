/**
 * Reads a platform's `sites`: ids, kinds, locations, carbon intensity (a number or a repeating
 * series) and executor blocks (Slurm, with its ssh access). The schema has checked the fields and
 * their types; this converts units and checks what the schema cannot say (a series in time order,
 * an executor that fits the site, names that must not start an ssh option).
 */
import type { CarbonIntensity, Site, SiteKind, SlurmSiteConfig } from '../model/platform.js';
import type { Field } from '../spec/schema-field-reader.js';
import type { SourcePos } from '../spec/spec-errors.js';
import { PlatformFieldReader } from './platform-field-reader.js';
import {
  CARBON_HINT,
  GNU_TIME_HINT,
  LOCATION_HINT,
  PAIR_HINT,
  PERIOD_HINT,
  POINT_TIME_HINT,
  POLL_HINT,
  SSH_OPTIONS_HINT,
} from './platform-hints.js';
import {
  SLURM_NAME_PATTERN,
  SSH_HOST_PATTERN,
  SSH_OPTION_PATTERN,
  SSH_USER_PATTERN,
} from './platform-schema.js';

const SLURM_NAME_RE = new RegExp(SLURM_NAME_PATTERN);
const SSH_HOST_RE = new RegExp(SSH_HOST_PATTERN);
const SSH_USER_RE = new RegExp(SSH_USER_PATTERN);
const SSH_OPTION_RE = new RegExp(SSH_OPTION_PATTERN);

type CarbonPoint = { atS: number; gPerKWh: number };

export class SiteReader extends PlatformFieldReader {
  readSites(field: Field | undefined): Site[] {
    const sites: Site[] = [];
    if (field === undefined || !this.check(field)) return sites;
    const items = this.src.items(field.node);
    if (items.length === 0) {
      this.report(
        'PLATFORM_NO_SITES',
        field,
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
    if (!this.check(item)) return undefined;
    const f = this.fields(item.node, item.path);
    const idField = f.get('id');
    // Declared even when invalid or duplicated: that mistake is reported once, not at every use.
    if (idField && this.src.kind(idField.node) === 'string') {
      this.state.declaredSites.push(this.src.scalarText(idField.node) ?? '');
    }
    const id = this.readId(f, item, seen, 'site');
    const kindField = this.required(f, 'kind', item);
    const kind = kindField ? this.choice<SiteKind>(kindField) : undefined;
    const carbonField = this.required(f, 'carbon', item);
    const carbon = carbonField ? this.readCarbon(carbonField) : undefined;
    const locationField = f.get('location');
    const location = locationField ? this.readLocation(locationField) : undefined;
    const executorField = f.get('executor');
    let executor: string | undefined;
    let slurm: SlurmSiteConfig | undefined;
    if (executorField && this.src.kind(executorField.node) === 'mapping') {
      slurm = this.readSlurmExecutor(executorField, kind);
      if (slurm) executor = slurm.partition ? `slurm:${slurm.partition}` : 'slurm';
    } else if (executorField) {
      executor = this.string(executorField);
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
    const f = this.fields(field.node, field.path);
    const kindField = this.required(f, 'kind', field);
    let ok = kindField !== undefined && this.choice(kindField) !== undefined;
    if (siteKind !== undefined && siteKind !== 'hpc') {
      this.report(
        'PLATFORM_BAD_EXECUTOR',
        field,
        `a Slurm executor needs a site of kind "hpc", this site is "${siteKind}"`,
        'set "kind: hpc" on the site, or remove its executor block',
      );
      ok = false;
    }
    const config: SlurmSiteConfig = {};
    for (const key of ['partition', 'account', 'qos'] as const) {
      const value = f.get(key);
      if (!value) continue;
      const text = this.string(value);
      if (text === undefined) ok = false;
      else if (!SLURM_NAME_RE.test(text)) {
        this.report(
          'PLATFORM_BAD_EXECUTOR',
          value,
          `${JSON.stringify(text)} is not a Slurm ${key} name`,
          'use letters, digits, "_", "-", "." and "+" (as `sinfo`/`sacctmgr` show them)',
        );
        ok = false;
      } else config[key] = text;
    }
    const pollField = f.get('poll_interval');
    if (pollField) {
      const s = this.readDurationS(pollField, POLL_HINT);
      if (s === undefined) ok = false;
      else if (s < 0.1 || s > 3600) {
        this.report(
          'PLATFORM_BAD_EXECUTOR',
          pollField,
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
    if (this.src.kind(field.node) === 'boolean' && this.src.scalarValue(field.node) === false) return null;
    const path = this.string(field);
    if (path === undefined) return undefined;
    if (!path.startsWith('/') || path.includes('\0')) {
      this.report(
        'PLATFORM_BAD_EXECUTOR',
        field,
        `gnu_time must be an absolute path on the compute nodes, got ${JSON.stringify(path)}`,
        GNU_TIME_HINT,
      );
      return undefined;
    }
    return path;
  }

  private readSsh(field: Field): SlurmSiteConfig['ssh'] {
    if (!this.check(field)) return undefined;
    const f = this.fields(field.node, field.path);
    let ok = true;
    const hostField = this.required(f, 'host', field);
    const host = hostField ? this.string(hostField) : undefined;
    if (hostField === undefined) ok = false;
    else if (host !== undefined && !SSH_HOST_RE.test(host)) {
      this.report(
        'PLATFORM_BAD_SSH',
        hostField,
        `${JSON.stringify(host)} is not a host name or address`,
        'write a name like login1.example.org (not starting with "-")',
      );
      ok = false;
    }
    const ssh: NonNullable<SlurmSiteConfig['ssh']> = { host: host ?? '' };
    const userField = f.get('user');
    if (userField) {
      const user = this.string(userField);
      if (user !== undefined && !SSH_USER_RE.test(user)) {
        this.report(
          'PLATFORM_BAD_SSH',
          userField,
          `${JSON.stringify(user)} is not a user name`,
          'write the login name, e.g. user: alice',
        );
        ok = false;
      } else if (user !== undefined) ssh.user = user;
    }
    const portField = f.get('port');
    if (portField) {
      const port = this.readInteger(portField, 1, 'the SSH port, usually 22');
      if (port !== undefined && port > 65535) {
        this.report(
          'PLATFORM_BAD_SSH',
          portField,
          `port ${port} is not a TCP port`,
          'write a port from 1 to 65535',
        );
        ok = false;
      } else if (port !== undefined) ssh.port = port;
      else ok = false;
    }
    const identityField = f.get('identity');
    const identity = identityField ? this.string(identityField) : undefined;
    if (identity !== undefined) ssh.identity = identity;
    const optionsField = f.get('options');
    if (optionsField) {
      const options = this.readSshOptions(optionsField);
      if (options === undefined) ok = false;
      else ssh.options = options;
    }
    return ok && host !== undefined ? ssh : undefined;
  }

  private readSshOptions(field: Field): string[] | undefined {
    if (!this.check(field)) return undefined;
    let ok = true;
    const options: string[] = [];
    this.src.items(field.node).forEach((node, i) => {
      const item = this.itemField(field, node, i);
      const text = this.string(item);
      if (text !== undefined && !SSH_OPTION_RE.test(text)) {
        const message = `${JSON.stringify(text)} is not an ssh option of the form Name=value`;
        this.report('PLATFORM_BAD_SSH', item, message, SSH_OPTIONS_HINT);
        ok = false;
      } else if (text !== undefined) options.push(text);
    });
    return ok ? options : undefined;
  }

  private readLocation(field: Field): Site['location'] {
    if (!this.check(field)) return undefined;
    const f = this.fields(field.node, field.path);
    const lat = this.readRequiredNumber(f, field, 'lat', LOCATION_HINT, -90, 90);
    const lon = this.readRequiredNumber(f, field, 'lon', LOCATION_HINT, -180, 180);
    const regionField = f.get('region');
    const region = regionField ? this.string(regionField) : undefined;
    if (lat === undefined || lon === undefined) return undefined;
    return region === undefined ? { lat, lon } : { lat, lon, region };
  }

  private readCarbon(field: Field): CarbonIntensity | undefined {
    if (!this.check(field)) return undefined;
    if (this.src.kind(field.node) === 'number') {
      const g = Number(this.src.scalarValue(field.node));
      if (g < 0) {
        this.report(
          'PLATFORM_BAD_CARBON',
          field,
          `carbon intensity ${g} is negative`,
          'write gCO2e per kWh, 0 or more (e.g. 50 for a hydro/nuclear grid, 400 for a gas-heavy one)',
        );
        return undefined;
      }
      return { kind: 'constant', gPerKWh: g };
    }
    const f = this.fields(field.node, field.path);
    const seriesField = this.required(f, 'series', field);
    const points = seriesField ? this.readSeries(seriesField) : undefined;
    let periodS: number | undefined;
    const periodField = f.get('period');
    if (periodField) {
      periodS = this.readDurationS(periodField, PERIOD_HINT);
      const last = points?.[points.length - 1];
      if (periodS !== undefined && last !== undefined && periodS <= last.atS) {
        this.report(
          'PLATFORM_BAD_CARBON',
          periodField,
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

  private readSeries(field: Field): CarbonPoint[] | undefined {
    if (!this.check(field)) return undefined;
    const items = this.src.items(field.node);
    if (items.length === 0) {
      this.report('PLATFORM_BAD_CARBON', field, 'the series is empty', CARBON_HINT);
      return undefined;
    }
    const points: CarbonPoint[] = [];
    let ok = true;
    let previous: number | undefined;
    items.forEach((item, i) => {
      const pair = this.itemField(field, item, i);
      const point = this.readPoint(pair, i, previous);
      if (point?.atS !== undefined) previous = point.atS;
      if (point?.gPerKWh === undefined || point.atS === undefined || !point.ok) ok = false;
      else points.push({ atS: point.atS, gPerKWh: point.gPerKWh });
    });
    return ok ? points : undefined;
  }

  /** One `[time, gCO2e/kWh]` point of a series; `ok` false when something about it was reported. */
  private readPoint(
    pair: Field,
    i: number,
    previous: number | undefined,
  ): { atS?: number; gPerKWh?: number; ok: boolean } | undefined {
    const parts = this.src.items(pair.node);
    if (!this.check(pair)) return undefined;
    if (parts.length !== 2) {
      this.wrongType(pair.pos, pair.path, 'a [time, gCO2e/kWh] pair', pair.node, PAIR_HINT);
      return undefined;
    }
    const timeField = this.itemField(pair, parts[0] ?? null, 0);
    const valueField = this.itemField(pair, parts[1] ?? null, 1);
    const atS = this.readDurationS(timeField, POINT_TIME_HINT);
    const g = this.number(valueField);
    let ok = true;
    if (g !== undefined && g < 0) {
      this.report(
        'PLATFORM_BAD_CARBON',
        valueField,
        `carbon intensity ${g} is negative`,
        'write gCO2e per kWh, 0 or more',
      );
      ok = false;
    }
    if (atS !== undefined) {
      if (i === 0 && atS !== 0) {
        this.report(
          'PLATFORM_BAD_CARBON',
          timeField,
          `the series starts at ${atS} s, not at 0`,
          'start the series with a point at time 0 (the value until the second point)',
        );
        ok = false;
      } else if (previous !== undefined && atS <= previous) {
        this.report(
          'PLATFORM_BAD_CARBON',
          timeField,
          `the series is not sorted: ${atS} s comes after ${previous} s`,
          'list the points in increasing time order, each time once',
        );
        ok = false;
      }
    }
    return { ...(atS === undefined ? {} : { atS }), ...(g === undefined ? {} : { gPerKWh: g }), ok };
  }
}
