/**
 * Applies a file's mechanical edits (line/column regions in UTF-16 units, as reported) and
 * writes the result atomically: a temporary file beside it, then a rename, mode preserved.
 */
import { chmodSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { lineStarts } from '../sources/text.js';

export interface TextEdit {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  text: string;
}

/** Returns the new text, or undefined when an edit does not fit the file any more. */
export function applyEdits(text: string, edits: TextEdit[]): string | undefined {
  const bom = text.startsWith('\uFEFF') ? '\uFEFF' : '';
  let body = bom ? text.slice(1) : text;
  const starts = lineStarts(body);
  const offset = (line: number, column: number) => (starts[line - 1] ?? Number.NaN) + column - 1;
  const spans = edits
    .map((edit) => ({
      start: offset(edit.line, edit.column),
      end: offset(edit.endLine, edit.endColumn),
      text: edit.text,
    }))
    .sort((a, b) => b.start - a.start);
  for (let i = 0; i < spans.length; i++) {
    const span = spans[i]!;
    if (!(span.start >= 0 && span.end >= span.start && span.end <= body.length)) return undefined;
    if (i > 0 && span.end > spans[i - 1]!.start) return undefined;
  }
  for (const span of spans) body = body.slice(0, span.start) + span.text + body.slice(span.end);
  return bom + body;
}

export function writeAtomically(path: string, text: string): void {
  const mode = statSync(path).mode & 0o7777;
  const temporary = `${path}.unsprawl-${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode });
  chmodSync(temporary, mode);
  renameSync(temporary, path);
}

export function readText(path: string): string {
  return readFileSync(path, 'utf8');
}
