/**
 * Synthetic clusters for `npm run bench`: `services` Services, each selecting a 3-replica
 * Deployment, on `nodes` nodes (Calico, /22 blocks so every node's pods fit one block).
 */
export interface BenchSize {
  services: number;
  nodes: number;
}

export const BENCH_SIZES: BenchSize[] = [
  { services: 100, nodes: 10 },
  { services: 1_000, nodes: 30 },
  { services: 10_000, nodes: 100 },
];

export function benchManifests({ services, nodes }: BenchSize): string {
  const out: string[] = [];
  const nodeLines: string[] = [];
  for (let i = 0; i < nodes; i++) {
    const ip = `192.168.${Math.floor((i + 10) / 250)}.${((i + 10) % 250) + 1}`;
    nodeLines.push(`    - { name: node-${i}, ip: ${ip}${i === 0 ? ', role: control-plane' : ''} }`);
  }
  out.push(`apiVersion: packetwalk.dev/v1alpha1
kind: Cluster
metadata: { name: bench }
spec:
  cni: calico
  calico: { encapsulation: IPIP, blockSize: 22, natOutgoing: true }
  podCIDR: 10.0.0.0/12
  serviceCIDR: 10.96.0.0/12
  kubeProxy: { mode: iptables, clusterCIDR: 10.0.0.0/12 }
  nodes:
${nodeLines.join('\n')}`);
  for (let s = 0; s < services; s++) {
    const name = `app-${s}`;
    const ns = `team-${s % 20}`;
    const nodePort = s % 10 === 0 ? '\n  type: NodePort' : '';
    out.push(`apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: ${ns} }
spec:
  replicas: 3
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports: [{ name: http, containerPort: 8080 }]`);
    out.push(`apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: ${ns} }
spec:${nodePort}
  selector: { app: ${name} }
  ports: [{ name: http, port: 80, targetPort: http }]`);
  }
  return out.join('\n---\n') + '\n';
}
