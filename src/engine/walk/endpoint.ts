/**
 * Trace endpoints as users type them (`pod/<ns>/<name>`, `pod/<name>`, `node/<name>`,
 * `svc/<ns>/<name>[:port]`, `external/<ip>`, `<ip>[:<port>]`, `dns:<name>[:port]`), parsed and then
 * resolved against the cluster. Both steps return errors as values with a hint of what exists.
 */
import type { Cluster, ClusterNode, Pod, Service, ServicePort } from '../cluster/types';
import { isIPv4 } from '../net/ipv4';
import { podIndex } from './context';

export type EndpointSyntax =
  | { kind: 'pod'; namespace: string; name: string }
  | { kind: 'node'; name: string }
  | { kind: 'service'; namespace: string; name: string; port?: string }
  | { kind: 'external'; ip: string }
  | { kind: 'address'; ip: string; port?: number }
  | { kind: 'dns'; name: string; port?: number };

const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

export function parseEndpoint(text: string): EndpointSyntax | { error: string } {
  const t = text.trim();
  const bad = (why: string) => ({
    error: `bad endpoint '${text}': ${why} (expected pod/<ns>/<name>, pod/<name>, node/<name>, svc/<ns>/<name>[:port], external/<ip>, <ip>:<port> or dns:<name>)`,
  });
  if (t === '') return bad('empty');
  if (t.startsWith('dns:')) {
    const m = /^dns:([^:\s]+?)(?::(\d+))?$/.exec(t);
    if (!m || !/^[A-Za-z0-9_]([-A-Za-z0-9_.]*)\.?$/.test(m[1]!)) return bad('not a DNS name');
    const name = m[1]!;
    return m[2] ? { kind: 'dns', name, port: portOf(m[2]) } : { kind: 'dns', name };
  }
  const slash = t.indexOf('/');
  if (slash < 0) {
    const m = /^([\d.]+)(?::(\d+))?$/.exec(t);
    if (!m || !isIPv4(m[1]!)) return bad('not an address');
    if (m[2] !== undefined && !validPort(m[2])) return bad(`port ${m[2]} is outside 1-65535`);
    return m[2] !== undefined ? { kind: 'address', ip: m[1]!, port: Number(m[2]) } : { kind: 'address', ip: m[1]! };
  }
  const kind = t.slice(0, slash);
  const rest = t.slice(slash + 1).split('/');
  if (kind === 'pod' || kind === 'po' || kind === 'pods') {
    const [ns, name] = rest.length === 1 ? ['default', rest[0]!] : rest;
    if (rest.length > 2 || !ns || !name || !NAME.test(ns) || !NAME.test(name)) return bad('pod names are lower-case DNS labels');
    return { kind: 'pod', namespace: ns, name };
  }
  if (kind === 'node' || kind === 'no' || kind === 'nodes') {
    if (rest.length !== 1 || !NAME.test(rest[0]!)) return bad('node names are lower-case DNS names');
    return { kind: 'node', name: rest[0]! };
  }
  if (kind === 'svc' || kind === 'service') {
    const last = rest[rest.length - 1]!;
    const colon = last.indexOf(':');
    const port = colon >= 0 ? last.slice(colon + 1) : undefined;
    const parts = [...rest.slice(0, -1), colon >= 0 ? last.slice(0, colon) : last];
    const [ns, name] = parts.length === 1 ? ['default', parts[0]!] : parts;
    if (parts.length > 2 || !ns || !name || !NAME.test(ns) || !NAME.test(name)) return bad('service names are lower-case DNS labels');
    if (port !== undefined && !/^([a-z0-9-]+)$/.test(port)) return bad('the port is a number or a port name');
    return port !== undefined ? { kind: 'service', namespace: ns, name, port } : { kind: 'service', namespace: ns, name };
  }
  if (kind === 'external' || kind === 'ext') {
    if (rest.length !== 1 || !isIPv4(rest[0]!)) return bad('external/<IPv4 address>');
    return { kind: 'external', ip: rest[0]! };
  }
  return bad(`unknown kind '${kind}'`);
}

function validPort(p: string): boolean {
  const n = Number(p);
  return Number.isInteger(n) && n >= 1 && n <= 65535;
}
function portOf(p: string): number {
  return Number(p);
}

/** An endpoint after looking it up in the cluster. */
export type Endpoint =
  | { kind: 'pod'; pod: Pod }
  | { kind: 'node'; node: ClusterNode }
  | { kind: 'service'; service: Service; port: ServicePort | undefined }
  | { kind: 'external'; ip: string }
  /** `<ip>[:<port>]`: a raw destination (a cluster IP, a node port, a pod); `owner` when known. */
  | { kind: 'address'; ip: string; port?: number; owner?: { pod: Pod } | { node: ClusterNode } }
  | { kind: 'dns'; name: string; port?: number };

function nearest(names: string[]): string {
  const shown = names.slice(0, 8).join(', ');
  return names.length ? ` (known: ${shown}${names.length > 8 ? ', …' : ''})` : '';
}

export function resolveEndpoint(cluster: Cluster, text: string): Endpoint | { error: string } {
  const syn = parseEndpoint(text);
  if ('error' in syn) return syn;
  switch (syn.kind) {
    case 'pod': {
      const exact = podIndex(cluster).byKey.get(`${syn.namespace}/${syn.name}`);
      if (exact) return { kind: 'pod', pod: exact };
      const inNs = cluster.pods.filter((p) => p.namespace === syn.namespace);
      // `pod/frontend` for the pods of Deployment `frontend`: the first by name, the way
      // `kubectl exec deploy/frontend` picks one pod of many.
      const owned = inNs.filter((p) => p.name.startsWith(`${syn.name}-`)).sort((a, b) => (a.name < b.name ? -1 : 1));
      if (owned[0]) return { kind: 'pod', pod: owned[0] };
      return { error: `no pod ${syn.namespace}/${syn.name}${nearest(inNs.map((p) => p.name))}` };
    }
    case 'node': {
      const node = cluster.nodes.find((n) => n.name === syn.name);
      return node ? { kind: 'node', node } : { error: `no node ${syn.name}${nearest(cluster.nodes.map((n) => n.name))}` };
    }
    case 'service': {
      const service = cluster.services.find((s) => s.namespace === syn.namespace && s.name === syn.name);
      if (!service) {
        const inNs = cluster.services.filter((s) => s.namespace === syn.namespace).map((s) => s.name);
        return { error: `no service ${syn.namespace}/${syn.name}${nearest(inNs)}` };
      }
      if (syn.port === undefined) return { kind: 'service', service, port: service.ports[0] };
      const port = service.ports.find((p) => p.name === syn.port || String(p.port) === syn.port);
      if (!port) {
        const known = service.ports.map((p) => (p.name ? `${p.name}/${p.port}` : String(p.port))).join(', ');
        return { error: `service ${syn.namespace}/${syn.name} has no port ${syn.port} (ports: ${known || 'none'})` };
      }
      return { kind: 'service', service, port };
    }
    case 'external':
      return { kind: 'external', ip: syn.ip };
    case 'dns':
      return syn.port !== undefined ? { kind: 'dns', name: syn.name, port: syn.port } : { kind: 'dns', name: syn.name };
    case 'address': {
      // A bare address names whatever owns it: a pod, a node, or nothing in the cluster.
      const ep: Endpoint = { kind: 'address', ip: syn.ip };
      if (syn.port !== undefined) ep.port = syn.port;
      const pod = podIndex(cluster).byIp.get(syn.ip);
      const node = cluster.nodes.find((n) => n.ip === syn.ip);
      if (pod) ep.owner = { pod };
      else if (node) ep.owner = { node };
      return ep;
    }
  }
}
