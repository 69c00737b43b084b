/**
 * Field schemas for the fields the engine reads, per kind. Declarative on purpose: one table per
 * kind, mirroring the Kubernetes (and Calico, and PacketWalk) API types, so a reviewer can compare
 * them with the upstream Go structs line by line. Fields not listed are accepted as they are.
 */

export type FieldSchema =
  | { type: 'string' }
  | { type: 'bool' }
  | { type: 'int'; min: number; max: number }
  /**
   * A TCP/UDP/SCTP port number, 1–65535. `zeroIsUnset`: 0 is Go's zero value and means "not set"
   * (hostPort, nodePort: allocate one, healthCheckNodePort), so the API server accepts it.
   */
  | { type: 'port'; zeroIsUnset?: boolean }
  /**
   * IntOrString port: a number 1–65535 or an IANA_SVC_NAME (targetPort, NetworkPolicy port).
   * `zeroIsUnset`: Service defaulting turns a targetPort of 0 or "" into the port itself.
   */
  | { type: 'portOrName'; zeroIsUnset?: boolean }
  /** IANA_SVC_NAME (container port names). */
  | { type: 'portName' }
  | { type: 'ip' }
  | { type: 'cidr' }
  /** An IP, or one of a few literal strings (`None` and `''` for Service clusterIP). */
  | { type: 'ipOr'; literals: readonly string[] }
  | { type: 'enum'; values: readonly string[] }
  /** map[string]string (labels, annotations, selectors, ConfigMap data). */
  | { type: 'stringMap' }
  | { type: 'list'; of: FieldSchema }
  | {
      type: 'object';
      fields: Readonly<Record<string, FieldSchema>>;
      required?: readonly string[];
      /** Report keys not in `fields` (only for our own Cluster kind, where they are typos). */
      closed?: boolean;
    }
  | { type: 'any' };

export type ObjectSchema = Extract<FieldSchema, { type: 'object' }>;

const str = { type: 'string' } as const;
const bool = { type: 'bool' } as const;
const port = { type: 'port' } as const;
const portOrUnset = { type: 'port', zeroIsUnset: true } as const;
const portOrName = { type: 'portOrName' } as const;
const ip = { type: 'ip' } as const;
const cidr = { type: 'cidr' } as const;
const stringMap = { type: 'stringMap' } as const;
const int = (min: number, max: number): FieldSchema => ({ type: 'int', min, max });
const oneOf = (...values: string[]): FieldSchema => ({ type: 'enum', values });
const list = (of: FieldSchema): FieldSchema => ({ type: 'list', of });
const obj = (fields: Record<string, FieldSchema>, required?: string[], closed?: boolean): ObjectSchema => ({
  type: 'object',
  fields,
  ...(required ? { required } : {}),
  ...(closed ? { closed } : {}),
});

const INT32_MAX = 2147483647;
const protocol = oneOf('TCP', 'UDP', 'SCTP');
const metadata = obj({ name: str, generateName: str, namespace: str, labels: stringMap, annotations: stringMap });

const labelSelector = obj({
  matchLabels: stringMap,
  matchExpressions: list(obj({ key: str, operator: oneOf('In', 'NotIn', 'Exists', 'DoesNotExist'), values: list(str) }, ['key', 'operator'])),
});

const containerPort = obj(
  { name: { type: 'portName' }, containerPort: port, protocol, hostPort: portOrUnset, hostIP: ip },
  ['containerPort'],
);
const container = obj({ name: str, image: str, ports: list(containerPort) }, ['name']);
const toleration = obj({
  key: str,
  operator: oneOf('Exists', 'Equal'),
  value: str,
  effect: oneOf('NoSchedule', 'PreferNoSchedule', 'NoExecute'),
  tolerationSeconds: int(-(2 ** 53), 2 ** 53),
});
const taint = obj({ key: str, value: str, effect: oneOf('NoSchedule', 'PreferNoSchedule', 'NoExecute') }, ['key', 'effect']);

const podSpec = obj({
  nodeName: str,
  nodeSelector: stringMap,
  hostNetwork: bool,
  dnsPolicy: oneOf('ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'),
  dnsConfig: obj({ nameservers: list(ip), searches: list(str), options: list(obj({ name: str, value: str })) }),
  hostname: str,
  subdomain: str,
  tolerations: list(toleration),
  containers: list(container),
  initContainers: list(container),
});
const podStatus = obj({
  phase: oneOf('Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'),
  podIP: ip,
  podIPs: list(obj({ ip })),
  hostIP: ip,
  hostIPs: list(obj({ ip })),
  conditions: list(obj({ type: str, status: oneOf('True', 'False', 'Unknown') })),
  containerStatuses: list(obj({ name: str, ready: bool })),
});
const podTemplate = obj({ metadata, spec: podSpec });

const workload = (extra: Record<string, FieldSchema> = {}): ObjectSchema =>
  obj({ metadata, spec: obj({ replicas: int(0, INT32_MAX), selector: labelSelector, template: podTemplate, ...extra }) });

const loadBalancerStatus = obj({ ingress: list(obj({ ip, hostname: str })) });

const service = obj({
  metadata,
  spec: obj({
    type: oneOf('ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'),
    clusterIP: { type: 'ipOr', literals: ['None', ''] },
    clusterIPs: list({ type: 'ipOr', literals: ['None', ''] }),
    ports: list(obj({ name: str, protocol, port, targetPort: { type: 'portOrName', zeroIsUnset: true }, nodePort: portOrUnset, appProtocol: str }, ['port'])),
    selector: stringMap,
    externalIPs: list(ip),
    loadBalancerIP: { type: 'ipOr', literals: [''] },
    loadBalancerSourceRanges: list(cidr),
    externalTrafficPolicy: oneOf('Cluster', 'Local'),
    internalTrafficPolicy: oneOf('Cluster', 'Local'),
    sessionAffinity: oneOf('None', 'ClientIP'),
    sessionAffinityConfig: obj({ clientIP: obj({ timeoutSeconds: int(1, 86400) }) }),
    healthCheckNodePort: portOrUnset,
    externalName: str,
    publishNotReadyAddresses: bool,
    ipFamilies: list(oneOf('IPv4', 'IPv6')),
    ipFamilyPolicy: oneOf('SingleStack', 'PreferDualStack', 'RequireDualStack'),
    allocateLoadBalancerNodePorts: bool,
  }),
  status: obj({ loadBalancer: loadBalancerStatus }),
});

const objectReference = obj({ kind: str, name: str, namespace: str, uid: str });
const endpointAddress = obj({ ip, hostname: str, nodeName: str, targetRef: objectReference }, ['ip']);
const endpoints = obj({
  metadata,
  subsets: list(
    obj({
      addresses: list(endpointAddress),
      notReadyAddresses: list(endpointAddress),
      ports: list(obj({ name: str, port, protocol, appProtocol: str }, ['port'])),
    }),
  ),
});

/** Addresses are IPs or FQDNs depending on addressType: checked by the EndpointSlice rule in validate.ts. */
const endpointSlice = obj(
  {
    metadata,
    addressType: oneOf('IPv4', 'IPv6', 'FQDN'),
    endpoints: list(
      obj(
        {
          addresses: list(str),
          conditions: obj({ ready: bool, serving: bool, terminating: bool }),
          nodeName: str,
          hostname: str,
          zone: str,
          targetRef: objectReference,
        },
        ['addresses'],
      ),
    ),
    ports: list(obj({ name: str, port, protocol, appProtocol: str })),
  },
  ['addressType'],
);

const node = obj({
  metadata,
  spec: obj({ podCIDR: cidr, podCIDRs: list(cidr), taints: list(taint), unschedulable: bool }),
  status: obj({
    addresses: list(
      obj({ type: oneOf('InternalIP', 'ExternalIP', 'Hostname', 'InternalDNS', 'ExternalDNS'), address: str }, ['type', 'address']),
    ),
  }),
});

const policyPeer = obj({ podSelector: labelSelector, namespaceSelector: labelSelector, ipBlock: obj({ cidr, except: list(cidr) }, ['cidr']) });
const policyPort = obj({ protocol, port: portOrName, endPort: port });
const networkPolicy = obj({
  metadata,
  spec: obj({
    podSelector: labelSelector,
    policyTypes: list(oneOf('Ingress', 'Egress')),
    ingress: list(obj({ from: list(policyPeer), ports: list(policyPort) })),
    egress: list(obj({ to: list(policyPeer), ports: list(policyPort) })),
  }),
});

const ingressBackend = obj({
  service: obj({ name: str, port: obj({ number: port, name: str }) }, ['name']),
  resource: obj({ apiGroup: str, kind: str, name: str }),
});
const ingress = obj({
  metadata,
  spec: obj({
    ingressClassName: str,
    defaultBackend: ingressBackend,
    rules: list(
      obj({
        host: str,
        http: obj({ paths: list(obj({ path: str, pathType: oneOf('Exact', 'Prefix', 'ImplementationSpecific'), backend: ingressBackend }, ['pathType', 'backend'])) }, ['paths']),
      }),
    ),
    tls: list(obj({ hosts: list(str), secretName: str })),
  }),
  status: obj({ loadBalancer: loadBalancerStatus }),
});
const ingressClass = obj({ metadata, spec: obj({ controller: str }) });
const configMap = obj({ metadata, data: stringMap, binaryData: stringMap });
const namespace = obj({ metadata });

/** Calico's limits: an IPv4 pool's blocks are /20–/32 (IPv6 /116–/128: checked in validate.ts). */
const encapMode = oneOf('Always', 'CrossSubnet', 'Never');
const ipPool = obj({
  metadata,
  spec: obj(
    {
      cidr,
      blockSize: int(0, 128),
      ipipMode: encapMode,
      vxlanMode: encapMode,
      natOutgoing: bool,
      disabled: bool,
      nodeSelector: str,
      allowedUses: list(oneOf('Workload', 'Tunnel', 'LoadBalancer')),
    },
    ['cidr'],
  ),
});
/** `deleted` is a string in Calico's own types ("for compatibility"), so it is not checked. */
const blockAffinity = obj({ metadata, spec: obj({ cidr, node: str, state: oneOf('confirmed', 'pending', 'pendingDeletion') }, ['cidr', 'node']) });

const clusterNode = obj(
  {
    name: str,
    ip,
    role: oneOf('control-plane', 'worker'),
    labels: stringMap,
    taints: list(taint),
    podCIDR: cidr,
    underlayPrefix: int(1, 32),
    mtu: int(576, 9216),
    searchDomains: list(str),
  },
  ['name'],
  true,
);
const cluster = obj({
  metadata,
  spec: obj(
    {
      cni: oneOf('calico', 'flannel', 'weave', 'bridge'),
      calico: obj({ encapsulation: oneOf('IPIP', 'VXLAN', 'None'), blockSize: int(20, 32), natOutgoing: bool }, [], true),
      podCIDR: cidr,
      serviceCIDR: cidr,
      clusterDomain: str,
      clusterDNS: ip,
      upstreamDNS: list(ip),
      kubeProxy: obj(
        { mode: oneOf('iptables'), clusterCIDR: cidr, masqueradeBit: int(0, 31), localhostNodePorts: bool, randomFully: bool, nfacct: bool },
        [],
        true,
      ),
      nodes: list(clusterNode),
    },
    [],
    true,
  ),
});

export interface KindInfo {
  schema: ObjectSchema;
  /** Cluster-scoped kinds have no namespace. */
  namespaced: boolean;
}

const namespaced = (schema: ObjectSchema): KindInfo => ({ schema, namespaced: true });
const clusterScoped = (schema: ObjectSchema): KindInfo => ({ schema, namespaced: false });

/** The kinds the engine models, keyed by `apiVersion` then `kind`. */
export const KINDS: Readonly<Record<string, Readonly<Record<string, KindInfo>>>> = {
  v1: {
    Pod: namespaced(obj({ metadata, spec: podSpec, status: podStatus })),
    Service: namespaced(service),
    Endpoints: namespaced(endpoints),
    Node: clusterScoped(node),
    Namespace: clusterScoped(namespace),
    ConfigMap: namespaced(configMap),
  },
  'apps/v1': {
    Deployment: namespaced(workload()),
    ReplicaSet: namespaced(workload()),
    StatefulSet: namespaced(workload({ serviceName: str })),
    DaemonSet: namespaced(workload()),
  },
  'batch/v1': {
    Job: namespaced(obj({ metadata, spec: obj({ completions: int(0, INT32_MAX), parallelism: int(0, INT32_MAX), selector: labelSelector, template: podTemplate }) })),
  },
  'discovery.k8s.io/v1': { EndpointSlice: namespaced(endpointSlice) },
  'networking.k8s.io/v1': {
    NetworkPolicy: namespaced(networkPolicy),
    Ingress: namespaced(ingress),
    IngressClass: clusterScoped(ingressClass),
  },
  'crd.projectcalico.org/v1': { IPPool: clusterScoped(ipPool), BlockAffinity: clusterScoped(blockAffinity) },
  'projectcalico.org/v3': { IPPool: clusterScoped(ipPool), BlockAffinity: clusterScoped(blockAffinity) },
  'packetwalk.dev/v1alpha1': { Cluster: clusterScoped(cluster) },
};

/** The apiVersions that serve a kind, for "wrong apiVersion" hints. */
export function apiVersionsOf(kind: string): string[] {
  return Object.keys(KINDS).filter((v) => kindInfo(v, kind) !== undefined);
}

export function kindInfo(apiVersion: string, kind: string): KindInfo | undefined {
  const byKind = Object.prototype.hasOwnProperty.call(KINDS, apiVersion) ? KINDS[apiVersion] : undefined;
  return byKind && Object.prototype.hasOwnProperty.call(byKind, kind) ? byKind[kind] : undefined;
}
