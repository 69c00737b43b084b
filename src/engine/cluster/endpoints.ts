import { isIPv4 } from '../net/ipv4';
import type { ManifestObject } from '../parse/types';
import { problem, type Problem } from '../problems';
import { asArray, asBool, asInt, asText, at, labelsOf } from './manifest-fields';
import { asProtocol } from './pod-spec';
import type { ServiceDraft } from './services';
import type { ClusterNode, Endpoint, Pod, Protocol, Service } from './types';

const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
/** kube-apiserver's secure port, which the `kubernetes` service's endpoints point at. */
const APISERVER_PORT = 6443;

/** Pods by namespace and by `key=value` label, so a selector costs its smallest bucket. */
export class PodIndex {
  private readonly byLabel = new Map<string, Pod[]>();

  /** Only the label keys some selector uses are indexed. */
  constructor(pods: Pod[], keys: Set<string>) {
    for (const p of pods) {
      for (const k in p.labels) {
        if (!keys.has(k)) continue;
        const key = `${p.namespace}\u0000${k}\u0000${p.labels[k]}`;
        const list = this.byLabel.get(key);
        if (list) list.push(p);
        else this.byLabel.set(key, [p]);
      }
    }
  }

  /** Pods in `namespace` matching every `key=value` of a non-empty selector, in pod order. */
  select(namespace: string, selector: Record<string, string>): Pod[] {
    const keys = Object.keys(selector);
    if (keys.length === 1) {
      const k = keys[0] as string;
      return this.byLabel.get(`${namespace}\u0000${k}\u0000${selector[k]}`) ?? [];
    }
    const entries = Object.entries(selector);
    let smallest: Pod[] | undefined;
    for (const [k, v] of entries) {
      const list = this.byLabel.get(`${namespace}\u0000${k}\u0000${v}`);
      if (!list) return [];
      if (!smallest || list.length < smallest.length) smallest = list;
    }
    if (!smallest) return [];
    return smallest.filter((p) => entries.every(([k, v]) => p.labels[k] === v));
  }
}

interface SlicePort {
  name: string;
  port: number;
  protocol: Protocol;
}

type SliceEndpoint = Omit<Endpoint, 'port'>;

interface SliceData {
  ports: SlicePort[];
  endpoints: SliceEndpoint[];
}

function targetPod(ref: unknown): { namespace: string; name: string } | undefined {
  const name = asText(at(ref, 'name'));
  if (at(ref, 'kind') !== 'Pod' || !name) return undefined;
  return { namespace: asText(at(ref, 'namespace')) ?? '', name };
}

function readSlicePorts(v: unknown): SlicePort[] {
  return asArray(v).flatMap((p) => {
    const port = asInt(at(p, 'port'));
    return port ? [{ name: asText(at(p, 'name')) ?? '', port, protocol: asProtocol(at(p, 'protocol')) ?? 'TCP' }] : [];
  });
}

function readEndpointSlice(o: ManifestObject): SliceData | undefined {
  const type = at(o.body, 'addressType');
  if (type !== undefined && type !== 'IPv4') return undefined;
  const endpoints: SliceEndpoint[] = [];
  for (const e of asArray(o.body['endpoints'])) {
    // A nil condition means "unknown", which consumers treat as ready (discovery/v1 EndpointConditions).
    const ready = asBool(at(e, 'conditions', 'ready')) ?? true;
    const base: SliceEndpoint = {
      ip: '',
      ready,
      serving: asBool(at(e, 'conditions', 'serving')) ?? ready,
      terminating: asBool(at(e, 'conditions', 'terminating')) ?? false,
    };
    const nodeName = asText(at(e, 'nodeName'));
    if (nodeName) base.nodeName = nodeName;
    const pod = targetPod(at(e, 'targetRef'));
    if (pod) base.pod = { namespace: pod.namespace || (o.namespace ?? 'default'), name: pod.name };
    const hostname = asText(at(e, 'hostname'));
    if (hostname) base.hostname = hostname;
    for (const a of asArray(at(e, 'addresses'))) if (typeof a === 'string' && isIPv4(a)) endpoints.push({ ...base, ip: a });
  }
  return { ports: readSlicePorts(o.body['ports']), endpoints };
}

/** core/v1 Endpoints: one SliceData per subset (`notReadyAddresses` are not ready). */
function readEndpoints(o: ManifestObject): SliceData[] {
  return asArray(o.body['subsets']).map((s) => {
    const endpoints: SliceEndpoint[] = [];
    for (const [field, ready] of [['addresses', true], ['notReadyAddresses', false]] as const) {
      for (const a of asArray(at(s, field))) {
        const ip = asText(at(a, 'ip'));
        if (!ip || !isIPv4(ip)) continue;
        const ep: SliceEndpoint = { ip, ready, serving: ready, terminating: false };
        const nodeName = asText(at(a, 'nodeName'));
        if (nodeName) ep.nodeName = nodeName;
        const hostname = asText(at(a, 'hostname'));
        if (hostname) ep.hostname = hostname;
        const pod = targetPod(at(a, 'targetRef'));
        if (pod) ep.pod = { namespace: pod.namespace || (o.namespace ?? 'default'), name: pod.name };
        endpoints.push(ep);
      }
    }
    return { ports: readSlicePorts(at(s, 'ports')), endpoints };
  });
}

/** The port a pod serves a service port on, or undefined when a named port is missing (`podutil.FindPort`). */
function podPort(pod: Pod, target: number | string, protocol: Protocol): number | undefined {
  if (typeof target === 'number') return target;
  for (const c of pod.containers) {
    for (const p of c.ports) if (p.name === target && p.protocol === protocol) return p.containerPort;
  }
  return undefined;
}

/** Fills each port's endpoints from the pods the selector picks (EndpointSlice controller rules). */
function fromSelector(svc: Service, index: PodIndex): void {
  const pods = index.select(svc.namespace, svc.selector ?? {});
  for (const sp of svc.ports) {
    for (const pod of pods) {
      // The EndpointSlice controller skips pods without an IP and pods in a terminal phase.
      if (!pod.ip || pod.phase === 'Succeeded' || pod.phase === 'Failed') continue;
      const port = podPort(pod, sp.targetPort, sp.protocol);
      if (port === undefined) continue;
      const ep: Endpoint = {
        ip: pod.ip,
        port,
        pod: { namespace: pod.namespace, name: pod.name },
        // podToEndpoint: ready = publishNotReadyAddresses || (serving && !terminating).
        ready: svc.publishNotReadyAddresses || (pod.ready && !pod.terminating),
        serving: pod.ready,
        terminating: pod.terminating ?? false,
      };
      if (pod.node) ep.nodeName = pod.node;
      if (pod.hostname && pod.subdomain === svc.name) ep.hostname = pod.hostname;
      sp.endpoints.push(ep);
    }
  }
}

/** Addresses of a headless service without ports (DNS still answers them). */
export type PortlessEndpoints = Map<string, Omit<Endpoint, 'port'>[]>;

/**
 * Endpoints per service port: from pasted EndpointSlices (what kube-proxy reads), else pasted
 * Endpoints, else computed from the selector as the EndpointSlice controller would.
 */
export function resolveEndpoints(
  drafts: ServiceDraft[],
  pods: Pod[],
  nodes: ClusterNode[],
  objects: ManifestObject[],
  problems: Problem[],
): PortlessEndpoints {
  const svcKeys = new Set(drafts.map((d) => `${d.service.namespace}/${d.service.name}`));
  const slices = new Map<string, SliceData[]>();
  const legacy = new Map<string, SliceData[]>();
  for (const o of objects) {
    if (o.kind !== 'EndpointSlice' && o.kind !== 'Endpoints') continue;
    const ns = o.namespace ?? 'default';
    const svcName = o.kind === 'EndpointSlice' ? labelsOf(o.body)[SERVICE_NAME_LABEL] : o.name;
    if (!svcName) continue;
    const key = `${ns}/${svcName}`;
    if (!svcKeys.has(key)) {
      const path = o.kind === 'EndpointSlice' ? ['metadata', 'labels', SERVICE_NAME_LABEL] : ['metadata', 'name'];
      problems.push(problem('warning', 'dangling-ref', `${o.kind} ${ns}/${o.name} belongs to Service ${key}, which does not exist`, o.locate(path), path.join('.')));
      continue;
    }
    if (o.kind === 'EndpointSlice') {
      const s = readEndpointSlice(o);
      if (s) slices.set(key, [...(slices.get(key) ?? []), s]);
    } else legacy.set(key, readEndpoints(o));
  }

  const selectorKeys = new Set<string>();
  for (const d of drafts) for (const k in d.service.selector) selectorKeys.add(k);
  const index = new PodIndex(pods, selectorKeys);
  const portless: PortlessEndpoints = new Map();
  const controlPlane = nodes.filter((n) => n.role === 'control-plane');
  for (const d of drafts) {
    const svc = d.service;
    if (svc.type === 'ExternalName') continue;
    const key = `${svc.namespace}/${svc.name}`;
    const given = slices.get(key) ?? legacy.get(key);
    if (given) {
      for (const sp of svc.ports) {
        for (const s of given) {
          for (const p of s.ports) {
            if (p.name !== sp.name || p.protocol !== sp.protocol) continue;
            for (const e of s.endpoints) sp.endpoints.push({ ...e, port: p.port });
          }
        }
      }
      if (svc.ports.length === 0) portless.set(key, given.flatMap((s) => s.endpoints));
    } else if (d.hasSelector) {
      fromSelector(svc, index);
      if (svc.ports.length === 0 && svc.clusterIP === 'None') {
        const probe: Service = { ...svc, ports: [{ name: '', protocol: 'TCP', port: 1, targetPort: 1, endpoints: [] }] };
        fromSelector(probe, index);
        portless.set(key, (probe.ports[0]?.endpoints ?? []).map(({ port: _port, ...rest }) => rest));
      }
    } else if (key === 'default/kubernetes') {
      // kube-apiserver's endpoint reconciler: every control-plane node's address on the secure port.
      for (const sp of svc.ports) {
        for (const n of controlPlane) sp.endpoints.push({ ip: n.ip, port: APISERVER_PORT, ready: true, serving: true, terminating: false });
      }
    }
  }
  return portless;
}
