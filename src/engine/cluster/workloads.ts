import { isIPv4 } from '../net/ipv4';
import type { ManifestObject } from '../parse/types';
import { problem, type Problem, type SourceRef } from '../problems';
import { sourceOf } from './defaults';
import type { ClusterNode, Pod } from './types';
import { annotationsOf, asArray, asInt, asText, at, controllerOf, labelsOf, stringMap } from './manifest-fields';
import { podTemplateHash, SuffixGenerator } from './pod-names';
import { readPodSpec, type PodSpecInfo } from './pod-spec';
import { nodeFits } from './scheduling';

/** A pod on its way through scheduling and IPAM (node and ip are '' until assigned). */
export interface PodDraft {
  pod: Pod;
  spec: PodSpecInfo;
  /** The Pod object itself when pasted (for problem positions). */
  object?: ManifestObject;
  pasted: boolean;
  /** status.hostIP of a pasted pod (places it when spec.nodeName is missing). */
  hostIP?: string;
}

export const WORKLOAD_KINDS = new Set(['Pod', 'Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job']);

/** Tolerations the DaemonSet controller adds to every daemon pod (`AddOrUpdateDaemonPodTolerations`). */
const DAEMON_TOLERATIONS = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
] as const;

function readinessOf(body: unknown, phase: Pod['phase']): boolean {
  for (const c of asArray(at(body, 'status', 'conditions'))) {
    if (at(c, 'type') === 'Ready') return at(c, 'status') === 'True';
  }
  return phase === 'Running';
}

function podFromObject(o: ManifestObject, problems: Problem[]): PodDraft {
  const spec = readPodSpec(o.body['spec']);
  const phaseV = at(o.body, 'status', 'phase');
  // A manifest without status describes a pod we imagine running.
  const phase: Pod['phase'] =
    phaseV === 'Pending' || phaseV === 'Running' || phaseV === 'Succeeded' || phaseV === 'Failed' ? phaseV : 'Running';
  const pod: Pod = {
    namespace: o.namespace ?? 'default',
    name: o.name,
    node: spec.nodeName ?? '',
    ip: '',
    hostNetwork: spec.hostNetwork,
    labels: labelsOf(o.body),
    annotations: annotationsOf(o.body),
    containers: spec.containers,
    ready: readinessOf(o.body, phase),
    phase,
    dnsPolicy: spec.dnsPolicy,
    source: sourceOf(o),
  };
  const podIP = at(o.body, 'status', 'podIP');
  if (typeof podIP === 'string' && isIPv4(podIP)) pod.ip = podIP;
  else if (podIP !== undefined && podIP !== '') {
    problems.push(problem('error', 'bad-ip', `pod ${o.name}: status.podIP is not an IPv4 address`, o.locate(['status', 'podIP']), 'status.podIP'));
  }
  if (spec.dnsConfig) pod.dnsConfig = spec.dnsConfig;
  if (spec.hostname) pod.hostname = spec.hostname;
  if (spec.subdomain) pod.subdomain = spec.subdomain;
  const owner = controllerOf(o.body);
  if (owner) pod.owner = owner;
  if (asText(at(o.body, 'metadata', 'deletionTimestamp'))) pod.terminating = true;
  const draft: PodDraft = { pod, spec, object: o, pasted: true };
  const hostIP = at(o.body, 'status', 'hostIP');
  if (typeof hostIP === 'string' && isIPv4(hostIP)) draft.hostIP = hostIP;
  return draft;
}

/** A controller's pod template, read once and shared by all the pods it stamps out. */
interface PodTemplate {
  spec: PodSpecInfo;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

function readTemplate(template: unknown): PodTemplate {
  return { spec: readPodSpec(at(template, 'spec')), labels: labelsOf(template), annotations: annotationsOf(template) };
}

interface TemplatePod {
  namespace: string;
  name: string;
  template: PodTemplate;
  owner: { kind: string; name: string };
  /** Labels for this pod when they differ from the template's (shared object: pods never edit them). */
  labels?: Record<string, string>;
  source: SourceRef | undefined;
  node?: string;
  hostname?: string;
  subdomain?: string;
}

/** The hot path (Deployments, ReplicaSets, Jobs): no per-pod options object. */
function stampPod(namespace: string, name: string, template: PodTemplate, owner: Pod['owner'], source: SourceRef | undefined, labels: Record<string, string>): PodDraft {
  const spec = template.spec;
  const pod: Pod = {
    namespace,
    name,
    node: spec.nodeName ?? '',
    ip: '',
    hostNetwork: spec.hostNetwork,
    labels,
    annotations: template.annotations,
    containers: spec.containers,
    ready: true,
    phase: 'Running',
    dnsPolicy: spec.dnsPolicy,
    owner,
    source,
  };
  if (spec.dnsConfig) pod.dnsConfig = spec.dnsConfig;
  if (spec.hostname) pod.hostname = spec.hostname;
  if (spec.subdomain) pod.subdomain = spec.subdomain;
  return { pod, spec, pasted: false };
}

function podFromTemplate(t: TemplatePod): PodDraft {
  const spec = t.template.spec;
  const pod: Pod = {
    namespace: t.namespace,
    name: t.name,
    node: t.node ?? spec.nodeName ?? '',
    ip: '',
    hostNetwork: spec.hostNetwork,
    labels: t.labels ?? t.template.labels,
    annotations: t.template.annotations,
    containers: spec.containers,
    ready: true,
    phase: 'Running',
    dnsPolicy: spec.dnsPolicy,
    owner: t.owner,
    source: t.source,
  };
  if (spec.dnsConfig) pod.dnsConfig = spec.dnsConfig;
  const hostname = t.hostname ?? spec.hostname;
  if (hostname) pod.hostname = hostname;
  const subdomain = t.subdomain ?? spec.subdomain;
  if (subdomain) pod.subdomain = subdomain;
  return { pod, spec, pasted: false };
}

/** A simulator's sanity cap: one controller never stamps out more pods than this. */
export const MAX_PODS_PER_CONTROLLER = 10_000;

function replicaCount(o: ManifestObject, path: string[], problems: Problem[]): number {
  const n = Math.max(0, asInt(at(o.body, ...path)) ?? 1);
  if (n <= MAX_PODS_PER_CONTROLLER) return n;
  problems.push(problem('warning', 'limit', `${o.kind} ${o.name} asks for ${n} pods; PacketWalk models the first ${MAX_PODS_PER_CONTROLLER}`,
    o.locate(path), path.join('.')));
  return MAX_PODS_PER_CONTROLLER;
}

function pushTo<T>(m: Map<string, T[]>, k: string, v: T): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

function selectorMatches(selector: Record<string, string>, labels: Record<string, string>): boolean {
  const keys = Object.keys(selector);
  return keys.length > 0 && keys.every((k) => labels[k] === selector[k]);
}

const ownedKey = (ns: string, kind: string, name: string) => `${ns}\u0000${kind}\u0000${name}`;

/**
 * Pods as given, plus the pods the workload controllers would create, in input order. Pods that
 * already exist for an owner (pasted `kubectl get` output) count towards its replicas.
 */
export function expandWorkloads(objects: ManifestObject[], nodes: ClusterNode[], problems: Problem[]): PodDraft[] {
  return new WorkloadControllers(nodes, problems).run(objects);
}

class WorkloadControllers {
  private readonly out: PodDraft[] = [];
  private readonly namesByNs = new Map<string, Set<string>>();
  /** Pasted pods by `ns, owner kind, owner name`. */
  private readonly owned = new Map<string, PodDraft[]>();
  /** Deployments whose ReplicaSet was pasted. */
  private readonly replicaSetOwners = new Set<string>();
  /** Pasted pods of a ReplicaSet `<deployment>-<hash>`, keyed by the would-be Deployment. */
  private readonly rsByDeployment = new Map<string, PodDraft[]>();

  constructor(
    private readonly nodes: ClusterNode[],
    private readonly problems: Problem[],
  ) {}

  run(objects: ManifestObject[]): PodDraft[] {
    const pasted = new Map<ManifestObject, PodDraft>();
    for (const o of objects) {
      if (o.kind === 'Pod' && o.name) {
        pasted.set(o, this.readPastedPod(o));
      } else if (o.kind === 'ReplicaSet') {
        const owner = controllerOf(o.body);
        if (owner?.kind === 'Deployment') this.replicaSetOwners.add(ownedKey(o.namespace ?? 'default', 'Deployment', owner.name));
      }
    }
    for (const o of objects) {
      if (o.kind === 'Pod') {
        const d = pasted.get(o);
        if (d) this.out.push(d);
      } else if (WORKLOAD_KINDS.has(o.kind) && o.name) this.expand(o);
    }
    return this.out;
  }

  private taken(ns: string): Set<string> {
    let s = this.namesByNs.get(ns);
    if (!s) this.namesByNs.set(ns, (s = new Set()));
    return s;
  }

  private existing(ns: string, kind: string, name: string): PodDraft[] {
    return this.owned.get(ownedKey(ns, kind, name)) ?? [];
  }

  private readPastedPod(o: ManifestObject): PodDraft {
    const d = podFromObject(o, this.problems);
    this.taken(d.pod.namespace).add(d.pod.name);
    const owner = d.pod.owner;
    if (owner) {
      pushTo(this.owned, ownedKey(d.pod.namespace, owner.kind, owner.name), d);
      const cut = owner.name.lastIndexOf('-');
      if (owner.kind === 'ReplicaSet' && cut > 0) pushTo(this.rsByDeployment, ownedKey(d.pod.namespace, 'Deployment', owner.name.slice(0, cut)), d);
    }
    return d;
  }

  /** `count` pods named `<owner>-<5 chars>` (generateName), all sharing the template. */
  private stamp(o: ManifestObject, template: PodTemplate, owner: { kind: string; name: string }, count: number, labels: Record<string, string>): void {
    const ns = o.namespace ?? 'default';
    const suffixes = new SuffixGenerator(`${ns}/${owner.name}`, this.taken(ns));
    const source = sourceOf(o);
    for (let i = 0; i < count; i++) {
      this.out.push(stampPod(ns, suffixes.next(owner.name), template, owner, source, labels));
    }
  }

  private expand(o: ManifestObject): void {
    const ns = o.namespace ?? 'default';
    const rawTemplate = at(o.body, 'spec', 'template');
    const template = readTemplate(rawTemplate);
    switch (o.kind) {
      case 'Deployment': {
        if (this.replicaSetOwners.has(ownedKey(ns, 'Deployment', o.name))) return; // its ReplicaSet was pasted
        const selector = stringMap(at(o.body, 'spec', 'selector', 'matchLabels'));
        // Pods pasted without their ReplicaSet: adopt the ReplicaSet name they carry.
        let rsName = '';
        for (const d of this.rsByDeployment.get(ownedKey(ns, 'Deployment', o.name)) ?? []) {
          if (d.pod.owner && selectorMatches(selector, d.pod.labels)) {
            rsName = d.pod.owner.name;
            break;
          }
        }
        rsName ||= `${o.name}-${podTemplateHash(rawTemplate)}`;
        const labels = { ...template.labels, 'pod-template-hash': rsName.slice(o.name.length + 1) };
        const replicas = replicaCount(o, ['spec', 'replicas'], this.problems);
        this.stamp(o, template, { kind: 'ReplicaSet', name: rsName }, replicas - this.existing(ns, 'ReplicaSet', rsName).length, labels);
        return;
      }
      case 'ReplicaSet': {
        const replicas = replicaCount(o, ['spec', 'replicas'], this.problems);
        this.stamp(o, template, { kind: 'ReplicaSet', name: o.name }, replicas - this.existing(ns, 'ReplicaSet', o.name).length, template.labels);
        return;
      }
      case 'Job': {
        const parallelism = replicaCount(o, ['spec', 'parallelism'], this.problems);
        const completions = asInt(at(o.body, 'spec', 'completions'));
        const count = Math.min(parallelism, completions ?? parallelism) - this.existing(ns, 'Job', o.name).length;
        this.stamp(o, template, { kind: 'Job', name: o.name }, count, { ...template.labels, 'batch.kubernetes.io/job-name': o.name, 'job-name': o.name });
        return;
      }
      case 'StatefulSet':
        this.statefulSet(o, ns, template);
        return;
      case 'DaemonSet':
        this.daemonSet(o, ns, template);
        return;
    }
  }

  /** `<name>-<ordinal>`, hostname = pod name, subdomain = spec.serviceName. */
  private statefulSet(o: ManifestObject, ns: string, template: PodTemplate): void {
    const replicas = replicaCount(o, ['spec', 'replicas'], this.problems);
    const serviceName = at(o.body, 'spec', 'serviceName');
    const names = this.taken(ns);
    const start = Math.max(0, asInt(at(o.body, 'spec', 'ordinals', 'start')) ?? 0);
    const owner = { kind: 'StatefulSet', name: o.name };
    for (let i = start; i < start + replicas; i++) {
      const name = `${o.name}-${i}`;
      if (names.has(name)) continue;
      names.add(name);
      this.out.push(podFromTemplate({
        namespace: ns, name, template, owner, source: sourceOf(o),
        labels: { ...template.labels, 'statefulset.kubernetes.io/pod-name': name, 'apps.kubernetes.io/pod-index': String(i) },
        hostname: name,
        ...(typeof serviceName === 'string' && serviceName ? { subdomain: serviceName } : {}),
      }));
    }
  }

  /** One pod per node the template fits, with the tolerations the DaemonSet controller adds. */
  private daemonSet(o: ManifestObject, ns: string, template: PodTemplate): void {
    const spec = template.spec;
    const tolerations = [...spec.tolerations, ...DAEMON_TOLERATIONS];
    if (spec.hostNetwork) tolerations.push({ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' });
    const dsTemplate: PodTemplate = { ...template, spec: { ...spec, tolerations } };
    const have = new Set(this.existing(ns, 'DaemonSet', o.name).map((d) => d.pod.node));
    const suffixes = new SuffixGenerator(`${ns}/${o.name}`, this.taken(ns));
    const owner = { kind: 'DaemonSet', name: o.name };
    for (const n of this.nodes) {
      if (have.has(n.name) || !nodeFits(dsTemplate.spec, n)) continue;
      this.out.push(podFromTemplate({ namespace: ns, name: suffixes.next(o.name), template: dsTemplate, owner, source: sourceOf(o), node: n.name }));
    }
  }
}
