import { formatIPv4, isIPv4, parseCidr, parseIPv4 } from '../net/ipv4';
import type { ManifestObject } from '../parse/types';
import { problem, type Problem } from '../problems';
import type { ClusterNode, Taint } from './types';
import { annotationsOf, asArray, asInt, asRecord, asText, at, labelsOf } from './manifest-fields';

export const CONTROL_PLANE_LABEL = 'node-role.kubernetes.io/control-plane';
/** kubeadm taints control-plane nodes with this (no value) unless told otherwise. */
export const CONTROL_PLANE_TAINT: Taint = { key: CONTROL_PLANE_LABEL, effect: 'NoSchedule' };

const DEFAULT_NODES: { name: string; ip: string; role: 'control-plane' | 'worker' }[] = [
  { name: 'k8s-m', ip: '192.168.10.10', role: 'control-plane' },
  { name: 'k8s-w1', ip: '192.168.10.101', role: 'worker' },
  { name: 'k8s-w2', ip: '192.168.10.102', role: 'worker' },
];

interface NodeDraft {
  name: string;
  ip?: string;
  underlayPrefix?: number;
  role?: 'control-plane' | 'worker';
  labels: Record<string, string>;
  taints?: Taint[];
  podCIDR?: string;
  ipipTunnelAddr?: string;
  vxlanTunnelAddr?: string;
  mtu?: number;
  searchDomains?: string[];
  source: ClusterNode['source'];
}

function readTaints(v: unknown): Taint[] {
  const out: Taint[] = [];
  for (const t of asArray(v)) {
    const key = asText(at(t, 'key'));
    const effect = at(t, 'effect');
    if (!key || (effect !== 'NoSchedule' && effect !== 'PreferNoSchedule' && effect !== 'NoExecute')) continue;
    const taint: Taint = { key, effect };
    const value = asText(at(t, 'value'));
    if (value !== undefined) taint.value = value;
    out.push(taint);
  }
  return out;
}

function fromProfile(entry: unknown, i: number, profile: ManifestObject, problems: Problem[]): NodeDraft | undefined {
  const name = asText(at(entry, 'name'));
  if (!name) {
    problems.push(problem('error', 'missing-field', 'profile node without a name', profile.locate(['spec', 'nodes', i]), `spec.nodes[${i}].name`));
    return undefined;
  }
  const d: NodeDraft = { name, labels: {}, source: profile.locate(['spec', 'nodes', i]) };
  const ip = at(entry, 'ip');
  if (typeof ip === 'string' && isIPv4(ip)) d.ip = ip;
  else if (ip !== undefined) {
    problems.push(problem('error', 'bad-ip', `node ${name}: ip is not an IPv4 address`, profile.locate(['spec', 'nodes', i, 'ip']), `spec.nodes[${i}].ip`));
  }
  const role = at(entry, 'role');
  if (role === 'control-plane' || role === 'worker') d.role = role;
  const prefix = asInt(at(entry, 'underlayPrefix'));
  if (prefix !== undefined && prefix >= 8 && prefix <= 30) d.underlayPrefix = prefix;
  const mtu = asInt(at(entry, 'mtu'));
  if (mtu !== undefined && mtu >= 576) d.mtu = mtu;
  const podCIDR = asText(at(entry, 'podCIDR'));
  if (podCIDR && parseCidr(podCIDR)) d.podCIDR = podCIDR;
  Object.assign(d.labels, labelsOf({ metadata: { labels: at(entry, 'labels') } }));
  if (at(entry, 'taints') !== undefined) d.taints = readTaints(at(entry, 'taints'));
  const search = asArray(at(entry, 'searchDomains')).filter((x): x is string => typeof x === 'string');
  if (search.length) d.searchDomains = search;
  return d;
}

function fromNodeObject(o: ManifestObject, problems: Problem[]): NodeDraft {
  const d: NodeDraft = { name: o.name, labels: labelsOf(o.body), source: o.source };
  const ann = annotationsOf(o.body);
  for (const a of asArray(at(o.body, 'status', 'addresses'))) {
    const addr = asText(at(a, 'address'));
    if (at(a, 'type') === 'InternalIP' && addr && isIPv4(addr)) {
      d.ip = addr;
      break;
    }
  }
  const calicoAddr = ann['projectcalico.org/IPv4Address'];
  if (calicoAddr) {
    const slash = calicoAddr.indexOf('/');
    const ip = slash < 0 ? calicoAddr : calicoAddr.slice(0, slash);
    const p = parseCidr(calicoAddr);
    if (p && isIPv4(ip)) {
      d.ip ??= ip;
      if (slash >= 0) d.underlayPrefix = p.len;
    } else {
      problems.push(problem('warning', 'bad-ip', `node ${o.name}: projectcalico.org/IPv4Address is not an address/prefix`,
        o.locate(['metadata', 'annotations', 'projectcalico.org/IPv4Address'])));
    }
  }
  const ipip = ann['projectcalico.org/IPv4IPIPTunnelAddr'];
  if (ipip && isIPv4(ipip)) d.ipipTunnelAddr = ipip;
  const vxlan = ann['projectcalico.org/IPv4VXLANTunnelAddr'];
  if (vxlan && isIPv4(vxlan)) d.vxlanTunnelAddr = vxlan;
  const podCIDR = asText(at(o.body, 'spec', 'podCIDR'));
  if (podCIDR) {
    const p = parseCidr(podCIDR);
    if (p && podCIDR.includes('/')) d.podCIDR = podCIDR;
    else problems.push(problem('warning', 'bad-cidr', `node ${o.name}: spec.podCIDR is not a CIDR`, o.locate(['spec', 'podCIDR']), 'spec.podCIDR'));
  }
  if (at(o.body, 'spec', 'taints') !== undefined) d.taints = readTaints(at(o.body, 'spec', 'taints'));
  // Exported state (it has a status) lists every taint: none listed means none, even on a control plane.
  else if (asRecord(o.body['status'])) d.taints = [];
  if (CONTROL_PLANE_LABEL in d.labels || 'node-role.kubernetes.io/master' in d.labels) d.role = 'control-plane';
  // A cordoned node: the node lifecycle controller mirrors spec.unschedulable as this taint.
  if (at(o.body, 'spec', 'unschedulable') === true) {
    const taints = d.taints ?? (d.role === 'control-plane' ? [{ ...CONTROL_PLANE_TAINT }] : []);
    if (!taints.some((t) => t.key === 'node.kubernetes.io/unschedulable')) taints.push({ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' });
    d.taints = taints;
  }
  return d;
}

/** Later drafts (Node objects) override earlier ones (profile) field by field. */
function merge(a: NodeDraft, b: NodeDraft): NodeDraft {
  const m: NodeDraft = { ...a };
  for (const [k, v] of Object.entries(b) as [keyof NodeDraft, unknown][]) {
    if (v !== undefined && k !== 'labels') (m as unknown as Record<string, unknown>)[k] = v;
  }
  m.labels = { ...a.labels, ...b.labels };
  return m;
}

/**
 * Nodes from the profile and/or Node objects (merged by name, Node objects win), in input order;
 * the DESIGN default three-node kubeadm cluster when neither gives any.
 */
export function buildNodes(profile: ManifestObject | undefined, nodeObjects: ManifestObject[], problems: Problem[]): ClusterNode[] {
  const drafts = new Map<string, NodeDraft>();
  const add = (d: NodeDraft) => {
    const prev = drafts.get(d.name);
    drafts.set(d.name, prev ? merge(prev, d) : d);
  };
  if (profile) {
    asArray(at(profile.body, 'spec', 'nodes')).forEach((e, i) => {
      const d = fromProfile(e, i, profile, problems);
      if (d) add(d);
    });
  }
  for (const o of nodeObjects) if (o.name) add(fromNodeObject(o, problems));
  if (drafts.size === 0) {
    for (const n of DEFAULT_NODES) add({ name: n.name, ip: n.ip, role: n.role, labels: {}, source: undefined });
  }

  const used = new Set<number>();
  for (const d of drafts.values()) if (d.ip) used.add(parseIPv4(d.ip) ?? 0);
  const nodes: ClusterNode[] = [];
  for (const d of drafts.values()) {
    let ip = d.ip;
    if (!ip) {
      // A node with no address at all: give it the next free address of the default underlay.
      let n = (parseIPv4('192.168.10.101') ?? 0) + nodes.length;
      while (used.has(n)) n++;
      used.add(n);
      ip = formatIPv4(n);
      problems.push(problem('warning', 'missing-field', `node ${d.name} has no InternalIP; assuming ${ip}`, d.source));
    }
    const role = d.role ?? 'worker';
    const labels: Record<string, string> = {
      // What kubelet (and kubeadm for the control plane) put on every node.
      'kubernetes.io/arch': 'amd64',
      'kubernetes.io/hostname': d.name,
      'kubernetes.io/os': 'linux',
      ...(role === 'control-plane' ? { [CONTROL_PLANE_LABEL]: '', 'node.kubernetes.io/exclude-from-external-load-balancers': '' } : {}),
      ...d.labels,
    };
    const node: ClusterNode = {
      name: d.name,
      ip,
      underlayPrefix: d.underlayPrefix ?? 24,
      role,
      labels,
      taints: d.taints ?? (role === 'control-plane' ? [{ ...CONTROL_PLANE_TAINT }] : []),
      calicoBlocks: [],
      mtu: d.mtu ?? 1500,
      searchDomains: d.searchDomains ?? [],
      source: d.source,
    };
    if (d.podCIDR) node.podCIDR = d.podCIDR;
    if (d.ipipTunnelAddr) node.ipipTunnelAddr = d.ipipTunnelAddr;
    if (d.vxlanTunnelAddr) node.vxlanTunnelAddr = d.vxlanTunnelAddr;
    nodes.push(node);
  }
  return nodes;
}
