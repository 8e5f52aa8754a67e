/**
 * Reads blobs through one `git cat-file --batch`: each object is decompressed once, by git, and
 * streamed back. A missing object is named and skipped; a corrupt one makes git exit, so the
 * reader names it, starts a fresh git and goes on with the rest.
 */
import { spawnGit } from './run.js';

export type BlobRecord =
  | { id: string; content: Uint8Array; size: number }
  | { id: string; size: number; tooLarge: true }
  | { id: string; problem: 'missing' | 'corrupt' | 'not-a-blob'; detail: string };

/** Yields one record per id, in order. */
export async function* readBlobs(
  cwd: string,
  ids: readonly string[],
  maxSize: number,
): AsyncGenerator<BlobRecord> {
  let next = 0;
  while (next < ids.length) {
    let answered = 0;
    let failure = '';
    for await (const record of batch(cwd, ids.slice(next), maxSize, (stderr) => (failure = stderr))) {
      answered++;
      yield record;
    }
    next += answered;
    if (next < ids.length) {
      // git stopped before answering: the object it was reading is unreadable.
      yield { id: ids[next]!, problem: 'corrupt', detail: failure || 'git cat-file stopped' };
      next++;
    }
  }
}

async function* batch(
  cwd: string,
  ids: readonly string[],
  maxSize: number,
  onFailure: (stderr: string) => void,
): AsyncGenerator<BlobRecord> {
  const child = spawnGit(cwd, ['cat-file', '--batch']);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  child.stdin.on('error', () => {}); // git died mid-write; the reader below reports it.
  void pump(child.stdin, ids);

  let buffer: Buffer = Buffer.alloc(0);
  let expect: { id: string; size: number; type: string } | undefined;
  let content: Uint8Array | undefined;
  let filled = 0;
  let index = 0;
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
      let offset = 0;
      while (offset < buffer.length) {
        if (!expect) {
          const newline = buffer.indexOf(10, offset);
          if (newline === -1) break;
          const header = buffer.toString('latin1', offset, newline).split(' ');
          offset = newline + 1;
          const id = ids[index] ?? header[0]!;
          if (header[1] === 'missing' || header.length < 3) {
            index++;
            yield { id, problem: 'missing', detail: 'git cannot read it (absent or corrupt)' };
            continue;
          }
          expect = { id, type: header[1]!, size: Number(header[2]) };
          const wanted = expect.type === 'blob' && expect.size <= maxSize;
          content = wanted ? new Uint8Array(expect.size) : undefined;
          filled = 0;
        }
        // Body plus its trailing newline.
        const take = Math.min(buffer.length - offset, expect.size + 1 - filled);
        if (content && filled < expect.size) {
          const bodyPart = Math.min(take, expect.size - filled);
          content.set(buffer.subarray(offset, offset + bodyPart), filled);
        }
        filled += take;
        offset += take;
        if (filled === expect.size + 1) {
          index++;
          const done = expect;
          expect = undefined;
          if (done.type !== 'blob') {
            yield { id: done.id, problem: 'not-a-blob', detail: `object is a ${done.type}` };
          } else if (content) yield { id: done.id, content, size: done.size };
          else yield { id: done.id, size: done.size, tooLarge: true };
          content = undefined;
        }
      }
      buffer = offset < buffer.length ? Buffer.from(buffer.subarray(offset)) : Buffer.alloc(0);
    }
  } finally {
    if (child.exitCode === null) child.kill();
    await exited;
  }
  if (index < ids.length) onFailure(stderr.trim().split('\n')[0] ?? '');
}

async function pump(stdin: NodeJS.WritableStream, ids: readonly string[]): Promise<void> {
  const CHUNK = 2048;
  for (let i = 0; i < ids.length; i += CHUNK) {
    const text = `${ids.slice(i, i + CHUNK).join('\n')}\n`;
    if (!stdin.write(text)) {
      const drained = await new Promise<boolean>((resolve) => {
        stdin.once('drain', () => resolve(true));
        stdin.once('error', () => resolve(false));
        stdin.once('close', () => resolve(false));
      });
      if (!drained) return;
    }
  }
  stdin.end();
}
