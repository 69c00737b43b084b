import { formatCidr, maskOf, parseCidr, parseIPv4, prefixContains, type Prefix } from '../net/ipv4';
import type { ManifestObject } from '../parse/types';
import { problem, type Problem } from '../problems';
import { isCalicoKind } from './ipam/calico';
import { asBool, at } from './manifest-fields';
import type { ClusterSettings, CniName } from './types';

/**
 * The pod network of a pasted real cluster, when no Cluster profile names it. kube-proxy's local
 * detector (`! -s <clusterCIDR> -j KUBE-MARK-MASQ`) depends on it: with the wrong one, every
 * pod → Service packet would be masqueraded. Evidence, strongest first: enabled Calico IPPools,
 * then the addresses the cluster already uses (BlockAffinity blocks, pod IPs), checked against
 * the network the CNI installs by default, else the narrowest common prefix (a /8 to a /16).
 * When some pasted addresses already fall in the assumed network, it stays.
 */
const INSTALL_DEFAULT: Record<CniName, string> = {
  calico: '192.168.0.0/16', // calico.yaml CALICO_IPV4POOL_CIDR / the operator's default pool
  flannel: '10.244.0.0/16',
  weave: '10.32.0.0/12',
  bridge: '10.88.0.0/16',
};

export function inferPodNetwork(
  objects: readonly ManifestObject[],
  profile: ManifestObject | undefined,
  settings: ClusterSettings,
  problems: Problem[],
): void {
  const explicitPod = profile !== undefined && at(profile.body, 'spec', 'podCIDR') !== undefined;
  const explicitCluster = profile !== undefined && at(profile.body, 'spec', 'kubeProxy', 'clusterCIDR') !== undefined;
  if (explicitPod) return;
  const inferred = fromPools(objects, settings) ?? fromAddresses(objects, settings);
  if (!inferred || inferred.cidr === settings.podCIDR) return;
  settings.podCIDR = inferred.cidr;
  if (!explicitCluster) settings.kubeProxy.clusterCIDR = inferred.cidr;
  problems.push(problem('info', 'inferred-pod-network',
    `pod network taken as ${inferred.cidr} (${inferred.why}); a Cluster profile with spec.podCIDR sets it explicitly`, inferred.at));
}

interface Inferred {
  cidr: string;
  why: string;
  at: ManifestObject['source'];
}

function fromPools(objects: readonly ManifestObject[], settings: ClusterSettings): Inferred | undefined {
  if (settings.cni !== 'calico') return undefined;
  for (const o of objects) {
    if (!isCalicoKind(o, 'IPPool') || asBool(at(o.body, 'spec', 'disabled')) === true) continue;
    const text = at(o.body, 'spec', 'cidr');
    const p = typeof text === 'string' && text.includes('/') ? parseCidr(text) : null;
    if (p) return { cidr: formatCidr(p), why: `IPPool ${o.name}`, at: o.source };
  }
  return undefined;
}

function fromAddresses(objects: readonly ManifestObject[], settings: ClusterSettings): Inferred | undefined {
  const seen: number[] = [];
  let first: ManifestObject | undefined;
  for (const o of objects) {
    let text: unknown;
    if (isCalicoKind(o, 'BlockAffinity')) text = String(at(o.body, 'spec', 'cidr') ?? '').split('/')[0];
    else if (o.kind === 'Pod' && at(o.body, 'spec', 'hostNetwork') !== true) text = at(o.body, 'status', 'podIP');
    else continue;
    const a = typeof text === 'string' ? parseIPv4(text) : null;
    if (a === null) continue;
    seen.push(a);
    first ??= o;
  }
  if (!first) return undefined;
  const inside = (p: Prefix | null) => p !== null && seen.every((a) => prefixContains(p, a));
  // Some addresses already in the assumed network: keep it, and let IPAM report the outliers.
  const current = parseCidr(settings.podCIDR);
  if (current && seen.some((a) => prefixContains(current, a))) return undefined;
  const install = INSTALL_DEFAULT[settings.cni];
  if (inside(parseCidr(install))) return { cidr: install, why: `the ${settings.cni} default, which holds every pasted pod address`, at: first.source };
  let len = 16;
  while (len > 0 && !seen.every((a) => ((a ^ seen[0]!) & maskOf(len)) === 0)) len--;
  if (len < 8) return undefined; // scattered addresses say nothing about the pod network
  const cidr = formatCidr({ net: (seen[0]! & maskOf(len)) >>> 0, len });
  return { cidr, why: 'the narrowest prefix holding every pasted pod address', at: first.source };
}
