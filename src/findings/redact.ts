/** The only printable form of a secret: enough to recognise it, not enough to use it. */
export function redact(secret: string): string {
  const firstLine = secret.split(/\r?\n|\r/)[0] ?? '';
  const shown = Math.min(4, Math.floor(secret.length / 5), firstLine.length);
  return `${secret.slice(0, shown)}…(${secret.length} chars)`;
}
