import { isIPv4 } from '../net/ipv4';
import type { Container, ContainerPort, DnsPolicy, PodDnsConfig, Protocol, Toleration } from './types';
import { asArray, asBool, asInt, asRecord, asText, at, stringMap } from './manifest-fields';

/** What the scheduler and IPAM need from a pod spec (of a Pod or of a controller's template). */
export interface PodSpecInfo {
  containers: Container[];
  nodeName?: string;
  nodeSelector: Record<string, string>;
  tolerations: Toleration[];
  hostNetwork: boolean;
  dnsPolicy: DnsPolicy;
  dnsConfig?: PodDnsConfig;
  hostname?: string;
  subdomain?: string;
}

export function asProtocol(v: unknown): Protocol | undefined {
  return v === 'TCP' || v === 'UDP' || v === 'SCTP' ? v : undefined;
}

function readContainer(c: unknown, i: number): Container {
  const ports: ContainerPort[] = [];
  for (const p of asArray(at(c, 'ports'))) {
    const containerPort = asInt(at(p, 'containerPort'));
    if (containerPort === undefined || containerPort < 1 || containerPort > 65535) continue;
    const port: ContainerPort = { containerPort, protocol: asProtocol(at(p, 'protocol')) ?? 'TCP' };
    const name = asText(at(p, 'name'));
    if (name) port.name = name;
    const hostPort = asInt(at(p, 'hostPort'));
    if (hostPort) port.hostPort = hostPort;
    ports.push(port);
  }
  return { name: asText(at(c, 'name')) ?? `container-${i}`, image: asText(at(c, 'image')) ?? '', ports };
}

function readTolerations(v: unknown): Toleration[] {
  const out: Toleration[] = [];
  for (const t of asArray(v)) {
    if (!asRecord(t)) continue;
    const tol: Toleration = {};
    const key = asText(at(t, 'key'));
    if (key) tol.key = key;
    const op = at(t, 'operator');
    if (op === 'Exists' || op === 'Equal') tol.operator = op;
    const value = asText(at(t, 'value'));
    if (value !== undefined) tol.value = value;
    const effect = asText(at(t, 'effect'));
    if (effect) tol.effect = effect;
    out.push(tol);
  }
  return out;
}

function readDnsConfig(v: unknown): PodDnsConfig | undefined {
  if (!asRecord(v)) return undefined;
  return {
    nameservers: asArray(at(v, 'nameservers')).filter((x): x is string => typeof x === 'string' && isIPv4(x)),
    searches: asArray(at(v, 'searches')).filter((x): x is string => typeof x === 'string'),
    options: asArray(at(v, 'options')).flatMap((o) => {
      const name = asText(at(o, 'name'));
      if (!name) return [];
      const value = asText(at(o, 'value'));
      return [value !== undefined ? { name, value } : { name }];
    }),
  };
}

export function readPodSpec(spec: unknown): PodSpecInfo {
  const info: PodSpecInfo = {
    containers: asArray(at(spec, 'containers')).map(readContainer),
    nodeSelector: stringMap(at(spec, 'nodeSelector')),
    tolerations: readTolerations(at(spec, 'tolerations')),
    hostNetwork: asBool(at(spec, 'hostNetwork')) ?? false,
    dnsPolicy: 'ClusterFirst',
  };
  const dp = at(spec, 'dnsPolicy');
  if (dp === 'ClusterFirst' || dp === 'ClusterFirstWithHostNet' || dp === 'Default' || dp === 'None') info.dnsPolicy = dp;
  const dnsConfig = readDnsConfig(at(spec, 'dnsConfig'));
  if (dnsConfig) info.dnsConfig = dnsConfig;
  const nodeName = asText(at(spec, 'nodeName'));
  if (nodeName) info.nodeName = nodeName;
  const hostname = asText(at(spec, 'hostname'));
  if (hostname) info.hostname = hostname;
  const subdomain = asText(at(spec, 'subdomain'));
  if (subdomain) info.subdomain = subdomain;
  return info;
}
