/**
 * A compact JSON schema for the kinds PacketWalk models (DESIGN.md §3), shipped with the app so
 * validation, hover and completion work offline. Field names and enums follow the Kubernetes API
 * reference (core/v1, apps/v1, networking.k8s.io/v1, discovery.k8s.io/v1) and Calico's IPPool.
 * Unknown fields stay allowed: real `kubectl get -o yaml` output carries many we do not model.
 */
type Schema = Record<string, unknown>;

const str = (description?: string): Schema => ({ type: 'string', ...(description ? { description } : {}) });
const int = (description?: string, min?: number, max?: number): Schema => ({ type: 'integer', ...(description ? { description } : {}), ...(min !== undefined ? { minimum: min } : {}), ...(max !== undefined ? { maximum: max } : {}) });
const bool = (description?: string): Schema => ({ type: 'boolean', ...(description ? { description } : {}) });
const strMap = (description: string): Schema => ({ type: 'object', description, additionalProperties: { type: ['string', 'number', 'boolean'] } });
const arr = (items: Schema, description?: string): Schema => ({ type: 'array', items, ...(description ? { description } : {}) });
const obj = (properties: Record<string, Schema>, extra: Schema = {}): Schema => ({ type: 'object', properties, ...extra });
const ipv4 = (description: string): Schema => ({ type: 'string', description, pattern: '^(\\d{1,3}\\.){3}\\d{1,3}$' });
const cidr = (description: string): Schema => ({ type: 'string', description, pattern: '^(\\d{1,3}\\.){3}\\d{1,3}/\\d{1,2}$' });
const port = (description: string): Schema => int(description, 1, 65535);
const intOrString = (description: string): Schema => ({ type: ['integer', 'string'], description });
const protocol: Schema = { type: 'string', enum: ['TCP', 'UDP', 'SCTP'], description: 'L4 protocol. Defaults to TCP.' };

const metadata = obj({
  name: str('Object name, unique within its namespace.'),
  generateName: str(),
  namespace: str('Namespace; "default" when omitted.'),
  labels: strMap('Labels, matched by selectors.'),
  annotations: strMap('Annotations (Calico node annotations set tunnel and node addresses).'),
});

const labelSelector = obj({
  matchLabels: strMap('Labels an object must have.'),
  matchExpressions: arr(obj({ key: str(), operator: { type: 'string', enum: ['In', 'NotIn', 'Exists', 'DoesNotExist'] }, values: arr(str()) }, { required: ['key', 'operator'] })),
});

const containerPort = obj(
  { name: str('IANA_SVC_NAME: referenced by a Service targetPort.'), containerPort: port('Port the container listens on.'), protocol, hostPort: port('Port opened on the node for this container.'), hostIP: str() },
  { required: ['containerPort'] },
);

const podSpec = obj({
  containers: arr(obj({ name: str(), image: str(), ports: arr(containerPort), command: arr(str()), args: arr(str()) }, { required: ['name'] }), 'Containers of the pod; they share one network namespace.'),
  initContainers: arr(obj({ name: str(), image: str() })),
  nodeName: str('Bind the pod to this node, skipping the scheduler.'),
  nodeSelector: strMap('Node labels the pod requires.'),
  hostNetwork: bool('Use the node network namespace.'),
  dnsPolicy: { type: 'string', enum: ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'], description: 'How /etc/resolv.conf is built.' },
  dnsConfig: obj({ nameservers: arr(ipv4('Nameserver')), searches: arr(str()), options: arr(obj({ name: str(), value: str() })) }),
  hostname: str(),
  subdomain: str('With a headless Service of this name, gives the pod a DNS name.'),
  tolerations: arr(obj({ key: str(), operator: { type: 'string', enum: ['Exists', 'Equal'] }, value: str(), effect: { type: 'string', enum: ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] } })),
});

const podTemplate = obj({ metadata, spec: podSpec });
const workloadSpec = obj({ replicas: int('Desired pods.', 0), selector: labelSelector, template: podTemplate, serviceName: str('StatefulSet: governing headless Service.') });

const servicePort = obj(
  {
    name: str('Required when the Service has more than one port.'),
    protocol,
    port: port('Port on the cluster IP.'),
    targetPort: intOrString('Container port number or name; defaults to port.'),
    nodePort: int('Node port (30000-32767) for NodePort and LoadBalancer Services.', 30000, 32767),
  },
  { required: ['port'] },
);

const serviceSpec = obj({
  type: { type: 'string', enum: ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'], description: 'How the Service is exposed.' },
  clusterIP: { type: 'string', description: 'Virtual IP from the service CIDR, or "None" for a headless Service.' },
  clusterIPs: arr(str()),
  selector: strMap('Pods with these labels become endpoints.'),
  ports: arr(servicePort),
  externalIPs: arr(ipv4('External IP routed to a node')),
  loadBalancerIP: ipv4('Requested load balancer IP (deprecated upstream).'),
  loadBalancerSourceRanges: arr(cidr('Allowed client range')),
  externalTrafficPolicy: { type: 'string', enum: ['Cluster', 'Local'], description: 'Local keeps the client source IP and only uses endpoints on the receiving node.' },
  internalTrafficPolicy: { type: 'string', enum: ['Cluster', 'Local'] },
  sessionAffinity: { type: 'string', enum: ['None', 'ClientIP'] },
  sessionAffinityConfig: obj({ clientIP: obj({ timeoutSeconds: int(undefined, 1, 86400) }) }),
  healthCheckNodePort: int(),
  externalName: str('DNS name returned as a CNAME for ExternalName Services.'),
  publishNotReadyAddresses: bool(),
});

const endpointPort = obj({ name: str(), port: port('Endpoint port'), protocol });

const networkPolicyPeer = obj({ podSelector: labelSelector, namespaceSelector: labelSelector, ipBlock: obj({ cidr: cidr('Allowed range'), except: arr(cidr('Excluded range')) }, { required: ['cidr'] }) });
const networkPolicyPort = obj({ protocol, port: intOrString('Port number or name'), endPort: int() });

const ingressBackend = obj({ service: obj({ name: str(), port: obj({ number: port('Service port'), name: str() }) }) });

const clusterProfile = obj({
  cni: { type: 'string', enum: ['calico', 'flannel', 'weave', 'bridge'], description: 'Network plugin.' },
  calico: obj({ encapsulation: { type: 'string', enum: ['IPIP', 'VXLAN', 'None'] }, blockSize: int('IPAM block prefix length', 20, 32), natOutgoing: bool() }),
  podCIDR: cidr('Pod network.'),
  serviceCIDR: cidr('Service cluster IP range.'),
  clusterDomain: str('DNS domain, cluster.local by default.'),
  clusterDNS: ipv4('kube-dns Service IP.'),
  upstreamDNS: arr(ipv4('Resolver CoreDNS forwards to')),
  kubeProxy: obj({ mode: { type: 'string', enum: ['iptables'] }, clusterCIDR: cidr('Local traffic detector'), masqueradeBit: int(undefined, 0, 31), localhostNodePorts: bool(), randomFully: bool(), nfacct: bool() }),
  nodes: arr(obj({ name: str(), ip: ipv4('InternalIP on eth0'), role: { type: 'string', enum: ['control-plane', 'worker'] }, podCIDR: cidr('Node pod subnet') }, { required: ['name'] })),
});

function kind(kinds: string[], spec?: Schema, more: Record<string, Schema> = {}): Schema {
  return { if: { properties: { kind: { enum: kinds } }, required: ['kind'] }, then: { properties: { ...(spec ? { spec } : {}), ...more } } };
}

const KINDS = ['Pod', 'Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'Service', 'Endpoints', 'EndpointSlice', 'Node', 'Namespace', 'NetworkPolicy', 'Ingress', 'IngressClass', 'ConfigMap', 'List', 'Cluster', 'IPPool', 'BlockAffinity'];

export const KUBERNETES_SCHEMA: Schema = {
  $id: 'packetwalk://schemas/kubernetes-subset.json',
  title: 'Kubernetes objects PacketWalk models',
  type: 'object',
  required: ['apiVersion', 'kind'],
  properties: {
    apiVersion: { type: 'string', examples: ['v1', 'apps/v1', 'batch/v1', 'networking.k8s.io/v1', 'discovery.k8s.io/v1', 'packetwalk.dev/v1alpha1', 'crd.projectcalico.org/v1'] },
    kind: { type: 'string', description: 'Kinds outside this list are accepted and ignored.', examples: KINDS },
    metadata,
    items: { type: 'array', description: 'kind: List: the wrapped objects.', items: { $ref: '#' } },
  },
  allOf: [
    kind(['Pod'], podSpec, { status: obj({ podIP: ipv4('Pod IP'), hostIP: ipv4('Node IP'), phase: { type: 'string', enum: ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'] } }) }),
    kind(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job'], workloadSpec),
    kind(['Service'], serviceSpec, { status: obj({ loadBalancer: obj({ ingress: arr(obj({ ip: ipv4('Load balancer IP'), hostname: str() })) }) }) }),
    kind(['Endpoints'], undefined, { subsets: arr(obj({ addresses: arr(obj({ ip: ipv4('Endpoint IP'), nodeName: str(), targetRef: obj({ kind: str(), name: str(), namespace: str() }) })), notReadyAddresses: arr(obj({ ip: ipv4('Endpoint IP') })), ports: arr(endpointPort) })) }),
    kind(['EndpointSlice'], undefined, { addressType: { type: 'string', enum: ['IPv4', 'IPv6', 'FQDN'] }, endpoints: arr(obj({ addresses: arr(str()), conditions: obj({ ready: bool(), serving: bool(), terminating: bool() }), nodeName: str(), targetRef: obj({ kind: str(), name: str(), namespace: str() }) })), ports: arr(endpointPort) }),
    kind(['Node'], obj({ podCIDR: cidr('Node pod subnet'), podCIDRs: arr(cidr('Node pod subnet')), taints: arr(obj({ key: str(), value: str(), effect: { type: 'string', enum: ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] } })) }), { status: obj({ addresses: arr(obj({ type: { type: 'string', enum: ['InternalIP', 'ExternalIP', 'Hostname', 'InternalDNS', 'ExternalDNS'] }, address: str() })) }) }),
    kind(['NetworkPolicy'], obj({ podSelector: labelSelector, policyTypes: arr({ type: 'string', enum: ['Ingress', 'Egress'] }), ingress: arr(obj({ from: arr(networkPolicyPeer), ports: arr(networkPolicyPort) })), egress: arr(obj({ to: arr(networkPolicyPeer), ports: arr(networkPolicyPort) })) })),
    kind(['Ingress'], obj({ ingressClassName: str(), defaultBackend: ingressBackend, tls: arr(obj({ hosts: arr(str()), secretName: str() })), rules: arr(obj({ host: str(), http: obj({ paths: arr(obj({ path: str(), pathType: { type: 'string', enum: ['Prefix', 'Exact', 'ImplementationSpecific'] }, backend: ingressBackend }, { required: ['pathType', 'backend'] })) }) })) })),
    kind(['IngressClass'], obj({ controller: str() })),
    kind(['ConfigMap'], undefined, { data: strMap('For kube-system/coredns: the Corefile.') }),
    kind(['Cluster'], clusterProfile),
    kind(['IPPool'], obj({ cidr: cidr('Pool range'), blockSize: int(undefined, 20, 32), ipipMode: { type: 'string', enum: ['Always', 'CrossSubnet', 'Never'] }, vxlanMode: { type: 'string', enum: ['Always', 'CrossSubnet', 'Never'] }, natOutgoing: bool(), disabled: bool() })),
    kind(['BlockAffinity'], obj({ cidr: cidr('IPAM block'), node: str(), state: str() })),
  ],
};
