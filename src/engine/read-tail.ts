/** Reads at most `limit` bytes from the end of a file; '' when it does not exist. */
import { open } from 'node:fs/promises';

export async function readTail(path: string, limit: number): Promise<string> {
  return (await readTailOf(path, limit)).text;
}

/** The end of a file, and whether there was more before it (`truncated`). Empty when it does not exist. */
export async function readTailOf(path: string, limit: number): Promise<{ text: string; truncated: boolean }> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    return { text: '', truncated: false };
  }
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, limit);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    return { text: buffer.toString('utf8'), truncated: size > length };
  } finally {
    await handle.close();
  }
}
