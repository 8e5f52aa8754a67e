/**
 * Inline allow comments. The marker is looked for as text on the line, so it works in any comment
 * syntax (`#`, `//`, `/* *\/`, `<!-- -->`, `--`); markers of other scanners are honoured so teams
 * can migrate without touching every file.
 */

export interface AllowMatch {
  justification?: string;
}

/** Markers that allow the line they are on. */
const SAME_LINE = [
  /unsprawl:allow(?!-next-line)\b/,
  /gitleaks:allow\b/,
  /pragma:\s*allowlist\s+secret\b/,
];
/** Markers that allow the line below them. */
const NEXT_LINE = [/unsprawl:allow-next-line\b/, /pragma:\s*allowlist\s+nextline\s+secret\b/];

/** The text after `-- ` following the marker, without a closing comment token. */
function reasonAfter(line: string, marker: RegExp): string | undefined {
  const match = marker.exec(line);
  if (!match) return undefined;
  const rest = line.slice(match.index + match[0].length);
  const reason = /^\s*--\s*(.+?)\s*(?:\*\/|-->)?\s*$/.exec(rest)?.[1];
  return reason || undefined;
}

/** Whether the finding on `line` is allowed, given that line and the one above it. */
export function allowedBy(line: string, previous: string | undefined): AllowMatch | undefined {
  for (const marker of SAME_LINE) {
    if (marker.test(line)) return { justification: reasonAfter(line, marker) };
  }
  if (previous !== undefined) {
    for (const marker of NEXT_LINE) {
      if (marker.test(previous)) return { justification: reasonAfter(previous, marker) };
    }
  }
  return undefined;
}
