/**
 * The keyword automaton of the built-in pack, built once by `npm run build` and saved beside
 * the compiled rules: building it costs a start-up some 20 ms, a seventh of a pre-commit hook's
 * budget, while reading it back costs one. A run whose keywords differ (custom or disabled
 * rules) builds its own, as before.
 *
 * File layout: a 4-byte length, that many bytes of JSON header (the keywords, the shift and each
 * table's element count), padding to a multiple of 4, then the tables one after another.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { KeywordAutomaton, type AutomatonTables } from './prefilter.js';

interface Header {
  keywords: string[];
  shift: number;
  lengths: { delta: number; outFirst: number; outNext: number; outKeyword: number };
}

const INT_TABLES = ['delta', 'outFirst', 'outNext', 'outKeyword'] as const;
const CLASS_TABLE_BYTES = 65536;

export function saveAutomaton(path: string, automaton: KeywordAutomaton): void {
  const tables = automaton.tables();
  const header: Header = {
    keywords: [...automaton.keywords],
    shift: tables.shift,
    lengths: {
      delta: tables.delta.length,
      outFirst: tables.outFirst.length,
      outNext: tables.outNext.length,
      outKeyword: tables.outKeyword.length,
    },
  };
  const json = Buffer.from(JSON.stringify(header));
  const start = Buffer.alloc(4);
  start.writeUInt32LE(json.length);
  const padding = Buffer.alloc((4 - ((4 + json.length) % 4)) % 4);
  writeFileSync(
    path,
    Buffer.concat([
      start,
      json,
      padding,
      Buffer.from(tables.classOf.buffer, tables.classOf.byteOffset, tables.classOf.byteLength),
      ...INT_TABLES.map((name) => {
        const table = tables[name];
        return Buffer.from(table.buffer, table.byteOffset, table.byteLength);
      }),
    ]),
  );
}

/**
 * The saved automaton when it was built for exactly `keywords`; undefined when the file is
 * missing, damaged or for other keywords.
 */
export function loadAutomaton(
  path: string,
  keywords: readonly string[],
): KeywordAutomaton | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    return undefined;
  }
  try {
    const jsonLength = bytes.readUInt32LE(0);
    const header = JSON.parse(bytes.toString('utf8', 4, 4 + jsonLength)) as Header;
    if (header.keywords.length !== keywords.length) return undefined;
    if (header.keywords.some((keyword, i) => keyword !== keywords[i])) return undefined;

    // A fresh, aligned copy: the tables must not alias Node's pooled read buffer.
    let at = 4 + jsonLength;
    at += (4 - (at % 4)) % 4;
    const body = new Uint8Array(bytes.length - at);
    body.set(bytes.subarray(at));
    const classOf = body.subarray(0, CLASS_TABLE_BYTES);
    let offset = CLASS_TABLE_BYTES;
    const ints = {} as Record<(typeof INT_TABLES)[number], Int32Array>;
    for (const name of INT_TABLES) {
      const count = header.lengths[name];
      ints[name] = new Int32Array(body.buffer, body.byteOffset + offset, count);
      offset += count * 4;
    }
    if (offset !== body.length) return undefined;
    const tables: AutomatonTables = { classOf, shift: header.shift, ...ints };
    return new KeywordAutomaton(keywords, tables);
  } catch {
    return undefined;
  }
}
