import { isCidr, isIPv4, parseCidr, parseIPv4, formatIPv4, prefixContains, prefixSize } from '../net/ipv4';
import type { ManifestObject } from '../parse/types';
import { problem, type Problem } from '../problems';
import { isBuiltIn, sourceOf } from './defaults';
import { fnv32a } from './fnv';
import { asArray, asBool, asInt, asString, asText, at, pathText, stringMap } from './manifest-fields';
import { asProtocol } from './pod-spec';
import type { ClusterSettings, Service, ServicePort, ServiceType } from './types';

/** A Service with the object it came from (positions for problems). */
export interface ServiceDraft {
  service: Service;
  object?: ManifestObject;
  /** spec.selector was given (even empty): endpoints are managed from pods. */
  hasSelector: boolean;
}

const NODE_PORT_MIN = 30000;
const NODE_PORT_MAX = 32767;

function readPorts(o: ManifestObject | undefined, body: unknown, problems: Problem[]): ServicePort[] {
  const ports: ServicePort[] = [];
  asArray(at(body, 'spec', 'ports')).forEach((p, i) => {
    const port = asInt(at(p, 'port'));
    if (port === undefined || port < 1 || port > 65535) {
      if (o) problems.push(problem('error', 'bad-port', `service ${o.name}: spec.ports[${i}].port is not a port number`, o.locate(['spec', 'ports', i, 'port']), `spec.ports[${i}].port`));
      return;
    }
    const tp = at(p, 'targetPort');
    const targetPort = typeof tp === 'number' ? tp : typeof tp === 'string' && tp !== '' ? (/^\d+$/.test(tp) ? Number(tp) : tp) : port;
    const sp: ServicePort = {
      name: asText(at(p, 'name')) ?? '',
      protocol: asProtocol(at(p, 'protocol')) ?? 'TCP',
      port,
      targetPort,
      endpoints: [],
    };
    const nodePort = asInt(at(p, 'nodePort'));
    if (nodePort) sp.nodePort = nodePort;
    ports.push(sp);
  });
  return ports;
}

export function readService(o: ManifestObject, problems: Problem[]): ServiceDraft {
  const b = o.body;
  const t = at(b, 'spec', 'type');
  const type: ServiceType = t === 'NodePort' || t === 'LoadBalancer' || t === 'ExternalName' ? t : 'ClusterIP';
  const ipText = asText(at(b, 'spec', 'clusterIP'));
  let clusterIP: Service['clusterIP'] = '';
  if (ipText === 'None') clusterIP = 'None';
  else if (ipText && isIPv4(ipText)) clusterIP = ipText;
  else if (ipText) problems.push(problem('error', 'bad-ip', `service ${o.name}: spec.clusterIP is not an IPv4 address`, o.locate(['spec', 'clusterIP']), 'spec.clusterIP'));
  const selectorV = at(b, 'spec', 'selector');
  const etp = at(b, 'spec', 'externalTrafficPolicy');
  const itp = at(b, 'spec', 'internalTrafficPolicy');
  const svc: Service = {
    namespace: o.namespace ?? 'default',
    name: o.name,
    type,
    clusterIP: type === 'ExternalName' ? '' : clusterIP,
    ports: readPorts(o, b, problems),
    externalIPs: asArray(at(b, 'spec', 'externalIPs')).filter((x): x is string => typeof x === 'string' && isIPv4(x)),
    loadBalancerIPs: asArray(at(b, 'status', 'loadBalancer', 'ingress')).flatMap((i) => {
      const ip = asText(at(i, 'ip'));
      return ip && isIPv4(ip) ? [ip] : [];
    }),
    loadBalancerSourceRanges: asArray(at(b, 'spec', 'loadBalancerSourceRanges')).flatMap((r) => {
      const s = asString(r)?.trim();
      return s && isCidr(s) ? [s] : [];
    }),
    // The API server only keeps Local for services that have node ports / external exposure.
    externalTrafficPolicy: etp === 'Local' && (type === 'NodePort' || type === 'LoadBalancer') ? 'Local' : 'Cluster',
    internalTrafficPolicy: itp === 'Local' ? 'Local' : 'Cluster',
    sessionAffinity: at(b, 'spec', 'sessionAffinity') === 'ClientIP' ? 'ClientIP' : 'None',
    sessionAffinityTimeoutSeconds: asInt(at(b, 'spec', 'sessionAffinityConfig', 'clientIP', 'timeoutSeconds')) ?? 10800,
    publishNotReadyAddresses: asBool(at(b, 'spec', 'publishNotReadyAddresses')) ?? false,
    source: sourceOf(o),
  };
  if (selectorV !== undefined && selectorV !== null) svc.selector = stringMap(selectorV);
  const hc = asInt(at(b, 'spec', 'healthCheckNodePort'));
  if (hc) svc.healthCheckNodePort = hc;
  const en = asText(at(b, 'spec', 'externalName'));
  if (type === 'ExternalName' && en) svc.externalName = en.replace(/\.$/, '');
  return { service: svc, ...(isBuiltIn(o) ? {} : { object: o }), hasSelector: svc.selector !== undefined && Object.keys(svc.selector).length > 0 };
}

/**
 * Cluster IPs. Pasted ones are reserved first (conflicts reported); `default/kubernetes` takes the
 * first address of the service CIDR and `kube-system/kube-dns` the cluster DNS address, as the API
 * server and kubeadm do; every other service gets an address picked by an FNV-32a hash of
 * `namespace/name` in the allocator's dynamic band (above the static band, below broadcast),
 * probing upwards on collision. Node ports: the same scheme in 30000–32767.
 */
export function allocateServiceAddresses(drafts: ServiceDraft[], settings: ClusterSettings, problems: Problem[]): void {
  const range = parseCidr(settings.serviceCIDR);
  if (!range) return;
  const size = prefixSize(range.len);
  const taken = new Map<number, string>();
  const special = new Map<string, number>([
    ['default/kubernetes', range.net + 1],
    ['kube-system/kube-dns', parseIPv4(settings.clusterDNS) ?? range.net + 10],
  ]);
  for (const d of drafts) {
    const s = d.service;
    if (s.clusterIP === '' || s.clusterIP === 'None') continue;
    const a = parseIPv4(s.clusterIP) ?? 0;
    const where = d.object?.locate(['spec', 'clusterIP']) ?? s.source;
    const prev = taken.get(a);
    if (prev !== undefined) {
      problems.push(problem('error', 'ip-conflict', `services ${prev} and ${s.namespace}/${s.name} both have cluster IP ${s.clusterIP}`, where, 'spec.clusterIP'));
      continue;
    }
    taken.set(a, `${s.namespace}/${s.name}`);
    if (!prefixContains(range, a)) {
      problems.push(problem('warning', 'ip-outside-range', `service ${s.namespace}/${s.name}: cluster IP ${s.clusterIP} is outside the service CIDR ${settings.serviceCIDR}`, where, 'spec.clusterIP'));
    }
  }
  for (const d of drafts) {
    const s = d.service;
    if (s.clusterIP !== '' || s.type === 'ExternalName') continue;
    const key = `${s.namespace}/${s.name}`;
    const fixed = special.get(key);
    if (fixed !== undefined && !taken.has(fixed)) {
      taken.set(fixed, key);
      s.clusterIP = formatIPv4(fixed);
    }
  }
  const reserved = new Set(special.values());
  // Offsets count from the first address after the network address; the broadcast is excluded.
  const usable = size - 2;
  const band = staticBand(size, 16, 256, 16);
  const base = range.net + 1;
  for (const d of drafts) {
    const s = d.service;
    if (s.clusterIP !== '' || s.type === 'ExternalName' || usable <= 0) continue;
    const key = `${s.namespace}/${s.name}`;
    const off = pickDynamic(fnv32a(key), band, usable, (o) => !taken.has(base + o) && !reserved.has(base + o));
    if (off === undefined) {
      problems.push(problem('error', 'ipam-exhausted', `service CIDR ${settings.serviceCIDR} is full (${key})`, s.source));
      continue;
    }
    taken.set(base + off, key);
    s.clusterIP = formatIPv4(base + off);
  }
  allocateNodePorts(drafts, problems);
}

/**
 * The low band of a range kept for static (user-chosen) values: `min(max(min, size/step), max)`,
 * kube-apiserver's `calculateRangeOffset` (KEP-3070 for cluster IPs with 16/256/16, KEP-3668 for
 * node ports with 16/128/32). Dynamic allocation takes from above it first.
 */
function staticBand(size: number, min: number, max: number, step: number): number {
  if (size <= min) return 0;
  return Math.min(Math.max(min, Math.floor(size / step)), max);
}

/**
 * A deterministic stand-in for the allocator's random pick: start at `hash` inside the dynamic band
 * [band, count), probe upwards (wrapping inside the band), then fall back to the static band.
 */
function pickDynamic(hash: number, band: number, count: number, free: (offset: number) => boolean): number | undefined {
  const upper = count - band;
  for (let t = 0, o = upper > 0 ? hash % upper : 0; t < upper; t++, o = (o + 1) % upper) if (free(band + o)) return band + o;
  for (let o = 0; o < band; o++) if (free(o)) return o;
  return undefined;
}

function allocateNodePorts(drafts: ServiceDraft[], problems: Problem[]): void {
  const span = NODE_PORT_MAX - NODE_PORT_MIN + 1;
  const used = new Map<number, string>();
  const claim = (port: number, who: string, d: ServiceDraft, path: (string | number)[]) => {
    const prev = used.get(port);
    if (prev !== undefined) {
      const where = d.object?.locate(path) ?? d.service.source;
      problems.push(problem('error', 'port-conflict', `node port ${port} of ${who} is already used by ${prev}`, where, pathText(path)));
      return;
    }
    used.set(port, who);
  };
  for (const d of drafts) {
    const s = d.service;
    s.ports.forEach((p, i) => {
      if (!p.nodePort) return;
      const path = ['spec', 'ports', i, 'nodePort'];
      claim(p.nodePort, `${s.namespace}/${s.name}`, d, path);
      // The API server refuses a node port outside --service-node-port-range; pasted state from a
      // cluster with a wider range is still modelled, with a warning.
      if (p.nodePort < NODE_PORT_MIN || p.nodePort > NODE_PORT_MAX) {
        problems.push(problem('warning', 'node-port-range', `node port ${p.nodePort} of ${s.namespace}/${s.name} is outside the default node port range ${NODE_PORT_MIN}-${NODE_PORT_MAX}; the API server refuses it unless --service-node-port-range allows it`, d.object?.locate(path) ?? s.source, pathText(path)));
      }
    });
    if (s.healthCheckNodePort) claim(s.healthCheckNodePort, `${s.namespace}/${s.name}`, d, ['spec', 'healthCheckNodePort']);
  }
  const band = staticBand(span, 16, 128, 32);
  const pick = (key: string): number | undefined => {
    const off = pickDynamic(fnv32a(key), band, span, (o) => !used.has(NODE_PORT_MIN + o));
    if (off === undefined) return undefined;
    used.set(NODE_PORT_MIN + off, key);
    return NODE_PORT_MIN + off;
  };
  for (const d of drafts) {
    const s = d.service;
    if (s.type !== 'NodePort' && s.type !== 'LoadBalancer') continue;
    for (const p of s.ports) {
      if (p.nodePort) continue;
      const port = pick(`${s.namespace}/${s.name}:${p.name}/${p.protocol}/${p.port}`);
      if (port !== undefined) p.nodePort = port;
    }
    if (s.type === 'LoadBalancer' && s.externalTrafficPolicy === 'Local' && !s.healthCheckNodePort) {
      const port = pick(`${s.namespace}/${s.name}:health`);
      if (port !== undefined) s.healthCheckNodePort = port;
    }
  }
}
