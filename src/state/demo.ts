/**
 * The cluster shown on first start when no preset list is available: three kubeadm nodes with
 * Calico IPIP, a two-replica web Deployment behind a ClusterIP Service, and a client pod.
 */
export const DEMO_MANIFESTS = `apiVersion: packetwalk.dev/v1alpha1
kind: Cluster
metadata: { name: demo }
spec:
  cni: calico
  calico: { encapsulation: IPIP, blockSize: 26, natOutgoing: true }
  podCIDR: 172.16.0.0/16
  serviceCIDR: 10.96.0.0/12
  nodes:
    - { name: k8s-m,  ip: 192.168.10.10,  role: control-plane }
    - { name: k8s-w1, ip: 192.168.10.101 }
    - { name: k8s-w2, ip: 192.168.10.102 }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: default }
spec:
  replicas: 2
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: nginx
          image: nginx:1.27
          ports: [{ name: http, containerPort: 8080 }]
---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: default }
spec:
  selector: { app: web }
  ports: [{ name: http, port: 80, targetPort: http }]
---
apiVersion: v1
kind: Pod
metadata: { name: client, namespace: default, labels: { app: client } }
spec:
  nodeName: k8s-w1
  containers:
    - { name: curl, image: curlimages/curl:8.10.1, command: [sleep, infinity] }
`;

export const DEMO_SCENARIO = { from: 'pod/default/client', to: 'svc/default/web:80', proto: 'tcp', port: 80 } as const;
