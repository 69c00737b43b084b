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

type Body = Record<string, unknown>;

/** A Deployment whose pods carry `app: <name>` and the given container ports. */
export function deployment(name: string, replicas: number, opts: { namespace?: string; ports?: Body[]; podSpec?: Body } = {}): Body {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: opts.namespace ?? 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'main', image: 'nginx:1.27', ports: opts.ports ?? [] }], ...opts.podSpec },
      },
    },
  };
}

export function service(name: string, spec: Body, namespace = 'default'): Body {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec };
}

export function node(name: string, ip: string, extra: { labels?: Record<string, string>; annotations?: Record<string, string>; spec?: Body } = {}): Body {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: extra.labels ?? {}, annotations: extra.annotations ?? {} },
    spec: extra.spec ?? {},
    status: { addresses: [{ type: 'InternalIP', address: ip }, { type: 'Hostname', address: name }] },
  };
}

export function profile(spec: Body): Body {
  return { apiVersion: 'packetwalk.dev/v1alpha1', kind: 'Cluster', metadata: { name: 'test' }, spec };
}
