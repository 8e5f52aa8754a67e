/**
 * Reads blobs through one `git cat-file --batch`: each object is decompressed once, by git, and
 * streamed back. git does not check what it inflates against the object id, and a corrupt loose
 * object can claim a size its data does not have, which would shift every later object in the
 * stream. So each blob is hashed here: one that fails is named and skipped, and a fresh git reads
 * the rest. A missing object is named and skipped; a git that exits is restarted past the object.
 */
import { createHash } from 'node:crypto';
import { spawnGit } from './run.js';

export type BlobRecord =
  | { id: string; content: Uint8Array; size: number }
  | { id: string; size: number; tooLarge: true }
  | { id: string; problem: 'missing' | 'corrupt' | 'not-a-blob'; detail: string };

interface BatchState {
  answered: number;
  /** git ended the stream itself before answering everything. */
  exited: boolean;
  stderr: string;
}

/** Yields one record per id, in order. */
export async function* readBlobs(
  cwd: string,
  ids: readonly string[],
  maxSize: number,
): AsyncGenerator<BlobRecord> {
  let next = 0;
  while (next < ids.length) {
    const state: BatchState = { answered: 0, exited: false, stderr: '' };
    yield* batch(cwd, ids.slice(next), maxSize, state);
    next += state.answered;
    if (next < ids.length && (state.exited || state.answered === 0)) {
      // git stopped before answering: the object it was reading is unreadable.
      const detail = firstLine(state.stderr) || 'git cat-file stopped on it';
      yield { id: ids[next]!, problem: 'corrupt', detail };
      next++;
    }
  }
}

function firstLine(text: string): string {
  return (
    text
      .trim()
      .split('\n')[0]
      ?.replace(/^(fatal|error): /, '') ?? ''
  );
}

/** git's object id: the hash of a `blob SIZE\0` header and the bytes. */
function blobId(content: Uint8Array, algorithm: 'sha1' | 'sha256'): string {
  return createHash(algorithm).update(`blob ${content.length}\0`).update(content).digest('hex');
}

async function* batch(
  cwd: string,
  ids: readonly string[],
  maxSize: number,
  state: BatchState,
): AsyncGenerator<BlobRecord> {
  const child = spawnGit(cwd, ['cat-file', '--batch']);
  child.stderr.on('data', (chunk: Buffer) => (state.stderr += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  child.stdin.on('error', () => {}); // git died mid-write; the reader below reports it.
  void pump(child.stdin, ids);

  let buffer: Buffer = Buffer.alloc(0);
  let expect: { id: string; size: number; type: string } | undefined;
  let content: Uint8Array | undefined;
  let filled = 0;
  const answer = (record: BlobRecord) => {
    state.answered++;
    return record;
  };
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
          const id = ids[state.answered]!;
          if (header[0] !== id) {
            // Out of step with git: stop, name this object, and let a fresh git go on.
            yield answer({
              id,
              problem: 'corrupt',
              detail: 'git returned another object in its place',
            });
            return;
          }
          if (header[1] === 'missing' || header.length < 3) {
            yield answer({ id, problem: 'missing', detail: 'git cannot find it' });
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
          const done = expect;
          const body = content;
          expect = undefined;
          content = undefined;
          if (done.type !== 'blob') {
            yield answer({
              id: done.id,
              problem: 'not-a-blob',
              detail: `object is a ${done.type}`,
            });
          } else if (!body) {
            yield answer({ id: done.id, size: done.size, tooLarge: true });
          } else if (blobId(body, done.id.length === 64 ? 'sha256' : 'sha1') !== done.id) {
            const detail = 'its content does not match its id';
            yield answer({ id: done.id, problem: 'corrupt', detail });
            return;
          } else {
            yield answer({ id: done.id, content: body, size: done.size });
          }
        }
      }
      buffer = offset < buffer.length ? Buffer.from(buffer.subarray(offset)) : Buffer.alloc(0);
    }
    state.exited = state.answered < ids.length;
  } finally {
    if (child.exitCode === null) child.kill();
    await exited;
  }
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
