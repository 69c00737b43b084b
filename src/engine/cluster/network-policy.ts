import { isCidr } from '../net/ipv4';
import type { ManifestObject } from '../parse/types';
import { asArray, asInt, asRecord, asText, at, stringMap } from './manifest-fields';
import { asProtocol } from './pod-spec';
import type { LabelSelector, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort, NetworkPolicyRule } from './types';

const OPERATORS = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);

export function readLabelSelector(v: unknown): LabelSelector {
  return {
    matchLabels: stringMap(at(v, 'matchLabels')),
    matchExpressions: asArray(at(v, 'matchExpressions')).flatMap((e) => {
      const key = asText(at(e, 'key'));
      const operator = at(e, 'operator');
      if (!key || typeof operator !== 'string' || !OPERATORS.has(operator)) return [];
      const values = asArray(at(e, 'values')).flatMap((x) => (typeof x === 'string' ? [x] : typeof x === 'number' ? [String(x)] : []));
      return [{ key, operator: operator as LabelSelector['matchExpressions'][number]['operator'], values }];
    }),
  };
}

function readPeer(v: unknown): NetworkPolicyPeer | undefined {
  const peer: NetworkPolicyPeer = {};
  if (asRecord(at(v, 'podSelector'))) peer.podSelector = readLabelSelector(at(v, 'podSelector'));
  if (asRecord(at(v, 'namespaceSelector'))) peer.namespaceSelector = readLabelSelector(at(v, 'namespaceSelector'));
  const cidr = asText(at(v, 'ipBlock', 'cidr'));
  if (cidr && isCidr(cidr)) {
    peer.ipBlock = { cidr, except: asArray(at(v, 'ipBlock', 'except')).filter((x): x is string => typeof x === 'string' && isCidr(x)) };
  }
  return peer.podSelector || peer.namespaceSelector || peer.ipBlock ? peer : undefined;
}

function readPort(v: unknown): NetworkPolicyPort {
  const port: NetworkPolicyPort = { protocol: asProtocol(at(v, 'protocol')) ?? 'TCP' };
  const p = at(v, 'port');
  const n = asInt(p);
  if (n !== undefined) port.port = n;
  else if (typeof p === 'string' && p) port.port = p;
  const end = asInt(at(v, 'endPort'));
  if (end !== undefined) port.endPort = end;
  return port;
}

function readRules(v: unknown, peerField: 'from' | 'to'): NetworkPolicyRule[] {
  return asArray(v).map((r) => ({
    peers: asArray(at(r, peerField)).flatMap((p) => readPeer(p) ?? []),
    ports: asArray(at(r, 'ports')).map(readPort),
  }));
}

export function readNetworkPolicy(o: ManifestObject): NetworkPolicy {
  const spec = o.body['spec'];
  const hasEgress = at(spec, 'egress') !== undefined;
  let policyTypes = asArray(at(spec, 'policyTypes')).filter((t): t is 'Ingress' | 'Egress' => t === 'Ingress' || t === 'Egress');
  // API default: Ingress always, plus Egress when the policy has egress rules.
  if (at(spec, 'policyTypes') === undefined) policyTypes = hasEgress ? ['Ingress', 'Egress'] : ['Ingress'];
  return {
    namespace: o.namespace ?? 'default',
    name: o.name,
    podSelector: readLabelSelector(at(spec, 'podSelector')),
    policyTypes,
    ingress: readRules(at(spec, 'ingress'), 'from'),
    egress: readRules(at(spec, 'egress'), 'to'),
    source: o.source,
  };
}
