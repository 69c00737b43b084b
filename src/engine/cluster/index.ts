import type { ManifestObject } from '../parse/types';
import { problem, type Problem } from '../problems';
import { buildNamespaces, corefileFrom, kubeadmObjects } from './defaults';
import { buildDnsRecords } from './dns-records';
import { resolveEndpoints } from './endpoints';
import { readIngress, readIngressClass } from './ingress';
import { assignPodAddresses } from './ipam';
import { isCalicoKind } from './ipam/calico';
import { readNetworkPolicy } from './network-policy';
import { inferPodNetwork } from './pod-network';
import { buildNodes } from './nodes';
import { schedule } from './scheduling';
import { allocateServiceAddresses, readService, type ServiceDraft } from './services';
import { isProfile, readSettings } from './settings';
import type { Cluster, ClusterBuildResult } from './types';
import { expandWorkloads, WORKLOAD_KINDS } from './workloads';

export type * from './types';

/** Kinds the builder reads (everything else is listed as ignored). */
const MODELLED_KINDS = new Set([
  ...WORKLOAD_KINDS, 'Service', 'Endpoints', 'EndpointSlice', 'Node', 'Namespace', 'NetworkPolicy',
  'Ingress', 'IngressClass', 'ConfigMap',
]);

function isModelled(o: ManifestObject): boolean {
  return MODELLED_KINDS.has(o.kind) || isProfile(o) || isCalicoKind(o, 'IPPool') || isCalicoKind(o, 'BlockAffinity');
}

/**
 * Objects → a consistent cluster, in the order the real control plane would get there: settings,
 * nodes, kubeadm's own objects, workload controllers, scheduling, pod IPAM, service addresses,
 * endpoints, DNS records. Deterministic; problems are values, never exceptions.
 */
export function buildCluster(input: ManifestObject[]): ClusterBuildResult {
  const problems: Problem[] = [];
  // The parse module flags kinds (or apiVersions) it does not model; so do we.
  const ignored: Cluster['ignored'] = [];
  for (const o of input) if (o.ignored || !isModelled(o)) ignored.push({ kind: o.kind, name: o.name });
  const objects = lastOfEachName(input.filter((o) => !o.ignored && isModelled(o)));
  const profiles = objects.filter(isProfile);
  for (const extra of profiles.slice(1)) {
    problems.push(problem('warning', 'duplicate', `only the first Cluster profile is used; ${extra.name} is ignored`, extra.source));
  }
  const settings = readSettings(profiles[0], problems);
  inferPodNetwork(objects, profiles[0], settings, problems);
  const nodes = buildNodes(profiles[0], objects.filter((o) => o.kind === 'Node'), problems);
  const all = [...kubeadmObjects(objects, settings), ...objects];

  const drafts = expandWorkloads(all, nodes, problems);
  const nodeByIp = new Map(nodes.map((n) => [n.ip, n.name]));
  for (const d of drafts) {
    if (!d.pod.node && d.hostIP) d.pod.node = nodeByIp.get(d.hostIP) ?? '';
  }
  schedule(drafts, nodes, problems);
  const { calicoPools, calicoBlocks } = assignPodAddresses(all, settings, nodes, drafts, problems);
  const pods = drafts.map((d) => d.pod);

  const serviceDrafts: ServiceDraft[] = [];
  const seenServices = new Set<string>();
  for (const o of all) {
    if (o.kind !== 'Service' || !o.name) continue;
    const d = readService(o, problems);
    seenServices.add(`${d.service.namespace}/${d.service.name}`);
    serviceDrafts.push(d);
  }
  allocateServiceAddresses(serviceDrafts, settings, problems);
  const portless = resolveEndpoints(serviceDrafts, pods, nodes, all, problems);
  const services = serviceDrafts.map((d) => d.service);

  const ingressClasses = all.filter((o) => o.kind === 'IngressClass' && o.name).map(readIngressClass);
  const ingresses = all.filter((o) => o.kind === 'Ingress' && o.name).map((o) => readIngress(o, seenServices, problems));
  // The DefaultIngressClass admission plugin fills in the class when exactly one is marked default.
  const defaults = ingressClasses.filter((c) => c.isDefault);
  for (const ing of ingresses) if (!ing.ingressClassName && defaults.length === 1 && defaults[0]) ing.ingressClassName = defaults[0].name;

  const cluster: Cluster = {
    settings,
    nodes,
    namespaces: buildNamespaces(all),
    pods,
    services,
    networkPolicies: all.filter((o) => o.kind === 'NetworkPolicy' && o.name).map(readNetworkPolicy),
    ingresses,
    ingressClasses,
    calicoPools,
    calicoBlocks,
    corefile: corefileFrom(all, settings),
    dnsRecords: buildDnsRecords(services, settings.clusterDomain, portless),
    ignored,
  };
  return { cluster, problems };
}

/**
 * The same object given twice (same kind, namespace and name): the last one wins, as with
 * `kubectl apply` of both; the parser has already warned.
 */
function lastOfEachName(objects: ManifestObject[]): ManifestObject[] {
  const last = new Map<string, ManifestObject>();
  for (const o of objects) if (o.name) last.set(`${o.kind}\u0000${o.namespace ?? 'default'}\u0000${o.name}`, o);
  if (last.size === objects.length) return objects;
  return objects.filter((o) => !o.name || last.get(`${o.kind}\u0000${o.namespace ?? 'default'}\u0000${o.name}`) === o);
}

export function podKey(p: { namespace: string; name: string }): string {
  return `${p.namespace}/${p.name}`;
}
