/** The timestamp forms found in published WfCommons instances, and what is refused. */
import { describe, expect, it } from 'vitest';
import { parseWfTimestamp } from './wfcommons-timestamps.js';

describe('parseWfTimestamp', () => {
  it.each([
    ['2020-12-26T01:35:40+00:00', 1608946540], // Makeflow
    ['2023-03-21T13:21:06-10:00', 1679440866], // Nextflow, with an offset
    ['12-26-20T01:35:40Z', 1608946540], // Pegasus 5.0: MM-DD-YY
    ['20201226T013540+0000', 1608946540], // Pegasus 4.9.3: compact
    ['2020-12-26T01:35:40.250Z', 1608946540.25],
    ['2020-12-26 01:35:40', 1608946540], // no zone: UTC
  ])('%s is %d s after the epoch', (text, seconds) => {
    expect(parseWfTimestamp(text)).toBe(seconds);
  });

  it.each(['', 'yesterday', '2020-13-01T00:00:00Z', '26/12/2020 01:35'])('refuses %j', (text) => {
    expect(parseWfTimestamp(text)).toBeNull();
  });
});
