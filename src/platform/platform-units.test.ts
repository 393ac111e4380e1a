/**
 * The unit grammars of platform files, pinned value by value: what is accepted, what it is worth in
 * Strata's units, what is refused, and the spelling suggested for common slips.
 */
import { describe, expect, it } from 'vitest';
import { parseDurationSeconds } from '../spec/durations.js';
import {
  parseBandwidthBps,
  parseEnergyJPerByte,
  parseLatencyS,
  parsePowerW,
  REFERENCE_CORE_GFLOPS,
  suggestUnit,
} from './platform-units.js';

describe('parseBandwidthBps', () => {
  it('reads bits and bytes per second', () => {
    expect(parseBandwidthBps('10Gbps')).toBe(1.25e9);
    expect(parseBandwidthBps('1.25GB/s')).toBe(1.25e9);
    expect(parseBandwidthBps('100Mbps')).toBe(12.5e6);
    expect(parseBandwidthBps('8bps')).toBe(1);
    expect(parseBandwidthBps('1GiB/s')).toBe(2 ** 30);
    expect(parseBandwidthBps(500)).toBe(500);
  });
  it.each(['10 Gbps', '10gbps', '10GBs', '1Gibps', '10G', 'fast', '-1Gbps', ''])('refuses %j', (text) => {
    expect(parseBandwidthBps(text)).toBeUndefined();
  });
  it('refuses negative and infinite numbers', () => {
    expect(parseBandwidthBps(-1)).toBeUndefined();
    expect(parseBandwidthBps(Number.POSITIVE_INFINITY)).toBeUndefined();
  });
});

describe('parseLatencyS', () => {
  it('reads durations without rounding them to milliseconds', () => {
    expect(parseLatencyS('5ms')).toBe(0.005);
    expect(parseLatencyS('0.2ms')).toBe(0.0002);
    expect(parseLatencyS('2us')).toBe(2e-6);
    expect(parseLatencyS('1m30s')).toBe(90);
    expect(parseLatencyS(0.01)).toBe(0.01);
    expect(parseDurationSeconds('0.5ms')).toBe(0.0005);
  });
  it.each(['5 ms', '-5ms', '1m1h', 'soon'])('refuses %j', (text) => {
    expect(parseLatencyS(text)).toBeUndefined();
  });
});

describe('parsePowerW and parseEnergyJPerByte', () => {
  it('reads watts and kilowatts', () => {
    expect(parsePowerW('350W')).toBe(350);
    expect(parsePowerW('1.2kW')).toBe(1200);
    expect(parsePowerW(94.6)).toBe(94.6);
    expect(parsePowerW('350w')).toBeUndefined();
    expect(parsePowerW(-1)).toBeUndefined();
  });
  it('reads joules per byte with prefixes, and kWh per GB', () => {
    expect(parseEnergyJPerByte('2nJ/B')).toBe(2e-9);
    expect(parseEnergyJPerByte('6nJ/B')).toBe(6e-9);
    expect(parseEnergyJPerByte('500pJ/B')).toBe(5e-10);
    expect(parseEnergyJPerByte('3µJ/B')).toBe(3e-6);
    expect(parseEnergyJPerByte('0.06kWh/GB')).toBeCloseTo(2.16e-4, 18);
    expect(parseEnergyJPerByte(2e-9)).toBe(2e-9);
    expect(parseEnergyJPerByte('2nJ/b')).toBeUndefined();
    expect(parseEnergyJPerByte('2nJ')).toBeUndefined();
  });
});

describe('suggestUnit', () => {
  it.each([
    ['10 Gbps', parseBandwidthBps, '10Gbps'],
    ['10gbps', parseBandwidthBps, '10Gbps'],
    ['10GBs', parseBandwidthBps, '10GB/s'],
    ['350w', parsePowerW, '350W'],
    ['1.2KW', parsePowerW, '1.2kW'],
    ['2nj/b', parseEnergyJPerByte, '2nJ/B'],
  ])('%j → %j', (text, parse, expected) => {
    expect(suggestUnit(text, parse)).toBe(expected);
  });
  it('suggests nothing for what is not a slip', () => {
    expect(suggestUnit('fast', parseBandwidthBps)).toBeUndefined();
  });
});

it('the reference core is 10 GFLOPS', () => {
  expect(REFERENCE_CORE_GFLOPS).toBe(10);
});
