/**
 * The energy and carbon of moving a task's inputs to the site it runs at, counted as the digital
 * twin charges them (src/sim/input-transfers.ts, src/sim/energy-accounting.ts): each input file
 * goes from its producer's site (or the site `platform.data` puts it at) to the reading site over
 * their link, at the link's joules per byte, once per site — a file already there, or on its way there for an earlier task, costs
 * nothing more. The carbon of a transfer is its energy at the intensity of the receiving site.
 *
 * Policies that minimise energy or carbon must count this: on the example continuum, moving 1 GB
 * between sites costs 14.4 kJ (0.004 kWh/GB), as much as a 2.5-hour single-core task on an HPC node;
 * a policy that sends a short task to a greener site and ignores its inputs can emit more, not less.
 *
 * A ledger follows one plan as it is built: ask {@link TransferLedger.cost} for each candidate site,
 * then {@link TransferLedger.commit} the chosen one.
 *
 * @example
 * const ledger = new TransferLedger(model);
 * ledger.cost(t, site).joules; // energy to bring t's inputs to `site`
 * ledger.commit(t, site);
 */
import type { CarbonIntensity } from '../../model/index.js';
import { intensityAt } from '../../energy/index.js';
import type { PlatformPlan } from './heft-policy.js';
import type { PlatformCostModel } from './platform-costs.js';

export interface TransferCost {
  /** Bytes that would cross sites. */
  bytes: number;
  joules: number;
}

export class TransferLedger {
  /** Site each committed task runs at (-1 until committed). */
  readonly siteOfTask: Int32Array;
  private readonly sites: number;
  /** File × site: 1 when the file is (or will be) at that site. */
  private readonly present: Uint8Array;

  /** Tasks that read each file (CSR over files), for the look-ahead at outputs. */
  private readonly readerOffset: Int32Array;
  private readonly readers: Int32Array;
  /** Sites already counted for the current file (`seen[site] === stamp`). */
  private readonly seen: Int32Array;
  private stamp = 0;
  private readonly outScratch: Float64Array;

  constructor(private readonly model: PlatformCostModel) {
    this.sites = model.siteIds.length;
    this.seen = new Int32Array(this.sites);
    this.outScratch = new Float64Array(this.sites);
    const tasks = model.workload.tasks;
    const nFiles = model.workload.files.length;
    this.readerOffset = new Int32Array(nFiles + 1);
    for (const task of tasks) for (const f of task.inputs) this.readerOffset[f + 1]!++;
    for (let f = 0; f < nFiles; f++) this.readerOffset[f + 1]! += this.readerOffset[f]!;
    this.readers = new Int32Array(this.readerOffset[nFiles]!);
    const fill = this.readerOffset.slice(0, nFiles);
    tasks.forEach((task, t) => {
      for (const f of task.inputs) this.readers[fill[f]!++] = t;
    });
    this.siteOfTask = new Int32Array(model.tasks).fill(-1);
    this.present = new Uint8Array(model.workload.files.length * this.sites);
    model.initialSite.forEach((s, f) => {
      if (s >= 0) this.present[f * this.sites + s] = 1;
    });
  }

  /** Where file f comes from: its producer's site, or its initial site; -1 when nowhere known (local). */
  private source(f: number): number {
    const p = this.model.producer[f]!;
    return p >= 0 ? this.siteOfTask[p]! : this.model.initialSite[f]!;
  }

  /** What bringing task t's inputs to `site` would cost now (its parents committed). */
  cost(t: number, site: number): TransferCost {
    const files = this.model.workload.files;
    let bytes = 0;
    let joules = 0;
    for (const f of this.model.workload.tasks[t]!.inputs) {
      const src = this.source(f);
      if (src < 0 || src === site || this.present[f * this.sites + site] === 1) continue;
      const size = files[f]?.sizeBytes ?? 0;
      bytes += size;
      joules += size * this.model.transferJPerByte(src, site);
    }
    return { bytes, joules };
  }

  /**
   * Look-ahead: the bytes and energy of later moving t's outputs, were t at `site`, to the sites where their
   * readers are expected to run (`expectedSite`, e.g. HEFT's plan), once per file and site. A greedy
   * choice that sees only inputs sends a task to a green site and forgets that its children, staying
   * put, must fetch its outputs back; `perSite` (joules by receiving site, added to) lets a caller
   * price them at each site's intensity.
   */
  outputCost(t: number, site: number, expectedSite: ArrayLike<number>, perSite?: Float64Array): TransferCost {
    const files = this.model.workload.files;
    let bytes = 0;
    let joules = 0;
    for (const f of this.model.workload.tasks[t]!.outputs) {
      const size = files[f]?.sizeBytes ?? 0;
      if (size <= 0) continue;
      const mark = ++this.stamp;
      for (let k = this.readerOffset[f]!; k < this.readerOffset[f + 1]!; k++) {
        const dst = expectedSite[this.readers[k]!]!;
        if (dst < 0 || dst === site || this.seen[dst] === mark) continue;
        this.seen[dst] = mark;
        const j = size * this.model.transferJPerByte(site, dst);
        bytes += size;
        joules += j;
        if (perSite) perSite[dst]! += j;
      }
    }
    return { bytes, joules };
  }

  /**
   * All the data movement of running t at `site`: its inputs brought there, and — with `expected`
   * (the look-ahead) — its outputs taken to where their readers are expected. Energy, and carbon at
   * each receiving site's intensity: the inputs' at `readyAtS`, the outputs' at `finishAtS` (seconds
   * on the sites' carbon series).
   */
  move(
    t: number,
    site: number,
    expected: ArrayLike<number> | null,
    readyAtS: number,
    finishAtS: number,
  ): { inBytes: number; outBytes: number; joules: number; grams: number } {
    const sites = this.model.platform.sites;
    const input = this.cost(t, site);
    let grams = transferCarbonG(sites[site]!.carbon, input.joules, readyAtS);
    let out: TransferCost = { bytes: 0, joules: 0 };
    if (expected) {
      this.outScratch.fill(0);
      out = this.outputCost(t, site, expected, this.outScratch);
      this.outScratch.forEach((j, s) => {
        grams += transferCarbonG(sites[s]!.carbon, j, finishAtS);
      });
    }
    return { inBytes: input.bytes, outBytes: out.bytes, joules: input.joules + out.joules, grams };
  }

  /** Records that t runs at `site`: its inputs are now there too, and its outputs start there. */
  commit(t: number, site: number): void {
    this.siteOfTask[t] = site;
    const task = this.model.workload.tasks[t]!;
    for (const f of task.inputs) if (this.source(f) >= 0) this.present[f * this.sites + site] = 1;
    for (const f of task.outputs) this.present[f * this.sites + site] = 1;
  }
}

/** Grams of CO2e of `joules` of transfer into a site of intensity `carbon` at `atS` (series clock). */
export function transferCarbonG(carbon: CarbonIntensity, joules: number, atS: number): number {
  return joules > 0 ? (joules * intensityAt(carbon, atS)) / 3.6e6 : 0;
}

/**
 * The transfer energy (J) and carbon (g) of a whole plan, replayed in plan order. Carbon at the
 * receiving site's intensity when the task's inputs are ready (`startAtS` + readyAt).
 */
export function planTransfers(plan: PlatformPlan, startAtS = 0): { joules: number; grams: number } {
  const model = plan.model;
  const ledger = new TransferLedger(model);
  let joules = 0;
  let grams = 0;
  for (const pt of plan.tasks) {
    const site = model.siteOfType[plan.nodes.typeOf(pt.processor)]!;
    const { joules: j } = ledger.cost(pt.task, site);
    ledger.commit(pt.task, site);
    joules += j;
    const ready = typeof pt.reason.readyAt === 'number' ? pt.reason.readyAt : pt.start;
    grams += transferCarbonG(model.platform.sites[site]!.carbon, j, startAtS + ready);
  }
  return { joules, grams };
}
