/**
 * Reads a platform file into a Platform. The document is checked against the platform schema
 * (platform-schema.ts) with Ajv; the readers tell each mistake it finds where they come to it, with
 * its position and hint, and add what a schema cannot say: units, site references, links between
 * two different sites, where data starts. Like the workflow reader it never stops at the first
 * mistake: a bad field or item is skipped and reading goes on, so one run shows everything wrong.
 */
import type { Link, Platform } from '../model/platform.js';
import { readDocumentRoot, type DocumentFormat, type DocumentRoot } from '../spec/document-root.js';
import { normalizePath } from '../spec/posix-paths.js';
import type { Field } from '../spec/schema-field-reader.js';
import type { SourcePos, SpecErrorCollector } from '../spec/spec-errors.js';
import { fieldPath, type YamlSource } from '../spec/yaml-source.js';
import { NodeTypeReader } from './node-type-reader.js';
import type { PlatformErrorCode } from './platform-errors.js';
import { PlatformFieldReader } from './platform-field-reader.js';
import { BANDWIDTH_HINT, ENERGY_HINT, LATENCY_HINT, PLATFORM_DIALECT } from './platform-hints.js';
import { PLATFORM_FORMAT, PLATFORM_FORMAT_VERSION } from './platform-schema.js';
import { parseBandwidthBps, parseEnergyJPerByte, parseLatencyS } from './platform-units.js';
import { SiteReader } from './site-reader.js';

const FORMAT: DocumentFormat<PlatformErrorCode> = {
  schema: PLATFORM_FORMAT,
  dialect: PLATFORM_DIALECT,
  notAMapping: {
    message: 'a platform must be a mapping with "name", "sites" and "node_types"',
    hint: 'start the file with "name: my-platform" followed by "sites:" and "node_types:" lists',
  },
  version: PLATFORM_FORMAT_VERSION,
  unsupportedVersion: (_written, value) => ({
    message: `platform format version ${value} is not supported (this Strata reads version ${PLATFORM_FORMAT_VERSION})`,
    hint: `write version: ${PLATFORM_FORMAT_VERSION}, or remove the field`,
  }),
  nameWhat: 'platform name',
};

export function readPlatformDocument(
  src: YamlSource,
  errors: SpecErrorCollector<PlatformErrorCode>,
): Platform | undefined {
  const document = readDocumentRoot(src, errors, FORMAT);
  if (document === undefined) return undefined;
  return new PlatformReader(document.context, { siteRefs: [], declaredSites: [] }).read(document);
}

/** The platform's top level: sites and node types (by their readers), links, intra-site network, data. */
class PlatformReader extends PlatformFieldReader {
  read(document: DocumentRoot<PlatformErrorCode>): Platform {
    const { fields: f, root } = document;
    const sites = new SiteReader(this.doc, this.state).readSites(this.required(f, 'sites', root));
    const nodeTypeReader = new NodeTypeReader(this.doc, this.state);
    const nodeTypesField = this.required(f, 'node_types', root);
    const nodeTypes = nodeTypeReader.readNodeTypes(nodeTypesField);
    const linksField = f.get('links');
    const links = linksField ? this.readLinks(linksField) : [];
    const intraSiteField = f.get('intra_site');
    const intraSite = intraSiteField ? this.readIntraSite(intraSiteField) : undefined;
    const dataField = f.get('data');
    const data = dataField ? this.readData(dataField) : {};

    this.checkSiteRefs();
    nodeTypeReader.checkNodeTotal(nodeTypes, nodeTypesField);

    const platform: Platform = { name: document.name ?? '', sites, nodeTypes, links, data };
    if (intraSite !== undefined) platform.intraSite = intraSite;
    return platform;
  }

  private readLinks(field: Field): Link[] {
    const links: Link[] = [];
    if (!this.check(field)) return links;
    const seen = new Map<string, SourcePos>();
    this.src.items(field.node).forEach((node, i) => {
      const link = this.readLink(this.itemField(field, node, i), seen);
      if (link) links.push(link);
    });
    return links;
  }

  private readLink(item: Field, seen: Map<string, SourcePos>): Link | undefined {
    if (!this.check(item)) return undefined;
    const f = this.fields(item.node, item.path);
    const from = this.readSiteRef(f, 'from', item);
    const to = this.readSiteRef(f, 'to', item);
    const bandwidthBps = this.readBandwidth(f, item);
    const latencyS = this.readLatency(f, item);
    const energyField = this.required(f, 'energy', item);
    const energyJPerByte = energyField
      ? this.readUnit(energyField, 'energy per byte', parseEnergyJPerByte, ENERGY_HINT)
      : undefined;
    if (from !== undefined && to !== undefined && from === to) {
      const toField = f.get('to') ?? item;
      this.report(
        'PLATFORM_SELF_LINK',
        toField,
        `the link goes from site "${from}" to itself`,
        'links join two different sites; transfers inside a site use "intra_site"',
      );
      return undefined;
    }
    if (from !== undefined && to !== undefined) {
      const key = from < to ? `${from}\u0000${to}` : `${to}\u0000${from}`;
      const first = seen.get(key);
      if (first !== undefined) {
        this.report(
          'PLATFORM_DUPLICATE_LINK',
          item,
          `sites "${from}" and "${to}" are already linked (line ${first.line}); links go both ways`,
          'keep one link per pair of sites',
        );
        return undefined;
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
      return undefined;
    }
    return { from, to, bandwidthBps, latencyS, energyJPerByte };
  }

  private readIntraSite(field: Field): Platform['intraSite'] {
    if (!this.check(field)) return undefined;
    const f = this.fields(field.node, field.path);
    const bandwidthBps = this.readBandwidth(f, field);
    const latencyS = this.readLatency(f, field);
    if (bandwidthBps === undefined || latencyS === undefined) return undefined;
    return { bandwidthBps, latencyS };
  }

  /** `data`: file name to the site it starts at; two spellings of one file are one file. */
  private readData(field: Field): Record<string, string> {
    const data: Record<string, string> = {};
    if (!this.check(field)) return data;
    const firstAt = new Map<string, SourcePos>();
    const entries = this.src.entries(field.node);
    const written = new Map<string | undefined, number>();
    for (const e of entries) written.set(e.key, (written.get(e.key) ?? 0) + 1);
    for (const entry of entries) {
      const keyPos = this.src.pos(entry.keyNode);
      if (entry.key === undefined || entry.key.trim() === '') {
        const keyNode = this.src.resolve(entry.keyNode);
        this.wrongType(keyPos, field.path, 'a file name', keyNode, 'write data: { "input.csv": site-id }');
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
      const pos = this.valuePos(entry.value, keyPos);
      const value: Field = { key: entry.key, node: entry.value, pos, keyPos, path };
      const site = this.string(value);
      if (site === undefined) continue;
      this.state.siteRefs.push({ field: value, id: site });
      data[file] = site;
    }
    return data;
  }

  private readBandwidth(f: Map<string, Field>, owner: Field): number | undefined {
    const field = this.required(f, 'bandwidth', owner);
    if (!field) return undefined;
    const bps = this.readUnit(field, 'bandwidth', parseBandwidthBps, BANDWIDTH_HINT);
    if (bps === 0) {
      this.report(
        'PLATFORM_BAD_QUANTITY',
        field,
        'bandwidth must be greater than 0',
        'remove the link if the sites cannot exchange data',
      );
      return undefined;
    }
    return bps;
  }

  private readLatency(f: Map<string, Field>, owner: Field): number | undefined {
    const field = this.required(f, 'latency', owner);
    if (!field || !this.check(field)) return undefined;
    const s = parseLatencyS(this.src.scalarValue(field.node) as string | number);
    if (s === undefined) {
      this.report(
        'PLATFORM_BAD_DURATION',
        field,
        `invalid latency "${this.src.scalarText(field.node) ?? ''}"`,
        LATENCY_HINT,
      );
    }
    return s;
  }
}
