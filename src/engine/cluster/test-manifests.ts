/**
 * Test support: ManifestObjects from plain JS objects, with positions derived from the object's
 * index (doc = index, line = index + 1) so tests can check where a problem points.
 */
import type { ManifestObject, ObjectPath } from '../parse/types';

export function manifest(body: Record<string, unknown>, index = 0): ManifestObject {
  const meta = (body['metadata'] ?? {}) as Record<string, unknown>;
  return {
    apiVersion: typeof body['apiVersion'] === 'string' ? body['apiVersion'] : 'v1',
    kind: typeof body['kind'] === 'string' ? body['kind'] : '',
    name: typeof meta['name'] === 'string' ? meta['name'] : '',
    namespace: typeof meta['namespace'] === 'string' ? meta['namespace'] : undefined,
    body,
    source: { doc: index, line: index + 1, col: 1 },
    index,
    locate: (path: ObjectPath) => ({ doc: index, line: index + 1, col: path.length + 1 }),
  };
}

export function manifests(...bodies: Record<string, unknown>[]): ManifestObject[] {
  return bodies.map((b, i) => manifest(b, i));
}
