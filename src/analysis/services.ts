/**
 * Which service, tenant or environment a file belongs to, for the shared-across-tenants check.
 * Configurable with `serviceBoundaries` globs; the default reads common layouts.
 */
import picomatch from 'picomatch';

/** Folders whose children are services in monorepos. */
const SERVICE_PARENTS = new Set([
  'services',
  'service',
  'apps',
  'packages',
  'cmd',
  'functions',
  'tenants',
  'clients',
  'charts',
]);
const ENVIRONMENTS =
  /(?:^|[./_-])(prod|production|staging|stage|stg|dev|development|test|testing|qa|uat|preprod|sandbox|local)(?=$|[./_-])/i;

export interface Placement {
  service: string;
  environment?: string;
}

export function placementOf(path: string, boundaries: string[]): Placement {
  const parts = path.split('/');
  const environment = ENVIRONMENTS.exec(
    parts.slice(0, -1).join('/') + '/' + parts.at(-1),
  )?.[1]?.toLowerCase();

  for (const glob of boundaries) {
    const match = picomatch(glob, { dot: true });
    for (let depth = 1; depth < parts.length; depth++) {
      const folder = parts.slice(0, depth).join('/');
      if (match(folder)) return { service: folder, environment };
    }
  }
  for (let depth = 0; depth < parts.length - 2; depth++) {
    if (SERVICE_PARENTS.has(parts[depth]!.toLowerCase())) {
      return { service: parts.slice(0, depth + 2).join('/'), environment };
    }
  }
  // A file at the top level belongs to the repository's one service.
  return { service: parts.length > 1 ? parts[0]! : '.', environment };
}

export function placementKey(placement: Placement): string {
  return placement.environment
    ? `${placement.service} (${placement.environment})`
    : placement.service;
}
