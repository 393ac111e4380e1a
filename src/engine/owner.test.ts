import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { currentOwnerId, isOwnerDead, processExists, processStartTicks } from './owner.js';

describe('isOwnerDead', () => {
  const host = hostname();
  const start = processStartTicks(process.pid);

  it('a live owner on this host (same pid, same start) is alive', () => {
    expect(isOwnerDead(currentOwnerId())).toBe(false);
  });

  it('a pid that no longer exists on this host is dead', () => {
    const exited = spawnSync('true').pid;
    expect(processExists(exited)).toBe(false);
    expect(isOwnerDead(`${host}:${exited}:123`)).toBe(true);
  });

  it('a pid now held by a process that started at another time is dead', () => {
    expect(start).not.toBeNull();
    expect(isOwnerDead(`${host}:${process.pid}:${Number(start) + 1}`)).toBe(true);
  });

  it('an owner on another host is judged by its lease alone: never dead here', () => {
    expect(isOwnerDead(`elsewhere.example.org:999999:1`)).toBe(false);
  });

  it('a live pid whose start time is unknown (/proc hidden, or no /proc) counts as alive', () => {
    // The id an engine writes where /proc cannot be read (`t` + epoch ms instead of clock ticks).
    expect(isOwnerDead(`${host}:${process.pid}:t${Date.now()}`)).toBe(false);
    // pid 1 always exists; whether its stat is readable or not, a start that cannot match ⇒ judged by
    // the kernel only when both are known.
    expect(isOwnerDead(`${host}:1:t1`)).toBe(false);
  });

  it('an owner id it cannot read is alive', () => {
    expect(isOwnerDead('engine-a')).toBe(false);
    expect(isOwnerDead(`${host}:abc:1`)).toBe(false);
  });
});
