import { describe, expect, it } from 'vitest';
import { parseManifests } from './index';

const codes = (text: string) => parseManifests(text).problems.map((p) => p.code);

describe('parseManifests: documents', () => {
  it('reads every document of a multi-document stream, in order, skipping empty ones', () => {
    const text = [
      '---',
      'apiVersion: v1',
      'kind: Namespace',
      'metadata: {name: shop}',
      '---',
      '# only a comment',
      '---',
      'apiVersion: v1',
      'kind: Service',
      'metadata: {name: web, namespace: shop}',
      'spec: {ports: [{port: 80}]}',
      '...',
      '---',
      'apiVersion: v1',
      'kind: Node',
      'metadata: {name: k8s-w1, namespace: ignored-for-cluster-scoped}',
      '',
    ].join('\n');
    const { objects, problems } = parseManifests(text);
    expect(problems).toEqual([]);
    expect(objects.map((o) => [o.kind, o.name, o.namespace, o.index, o.source.doc])).toEqual([
      ['Namespace', 'shop', undefined, 0, 0],
      ['Service', 'web', 'shop', 1, 2],
      ['Node', 'k8s-w1', undefined, 2, 3],
    ]);
    // `kind:` of the Service is on line 9, column 1.
    expect(objects[1]?.source).toMatchObject({ line: 9, col: 1 });
  });

  it('reads JSON as kubectl -o json prints it', () => {
    const text = `{
    "apiVersion": "v1",
    "kind": "Service",
    "metadata": {
        "name": "kube-dns",
        "namespace": "kube-system"
    },
    "spec": {
        "clusterIP": "10.96.0.10",
        "ports": [
            { "name": "dns", "port": 53, "protocol": "UDP", "targetPort": 53 },
            { "name": "dns-tcp", "port": 53, "protocol": "TCP", "targetPort": "dns-tcp" }
        ]
    }
}`;
    const { objects, problems } = parseManifests(text);
    expect(problems).toEqual([]);
    expect(objects).toHaveLength(1);
    const svc = objects[0]!;
    expect([svc.kind, svc.namespace, svc.name]).toEqual(['Service', 'kube-system', 'kube-dns']);
    expect(svc.body).toEqual(JSON.parse(text));
    // "targetPort": "dns-tcp" — line 12; the value's opening quote is at column 79.
    expect(svc.locate(['spec', 'ports', 1, 'targetPort'])).toMatchObject({ line: 12, col: 79 });
  });

  it('applies YAML 1.1 as go-yaml v2 (kubectl) does', () => {
    const text = [
      'apiVersion: v1',
      'kind: Pod',
      'metadata:',
      '  name: p',
      '  annotations: {when: 2024-05-01T10:00:00Z, time: 1:20}',
      'spec:',
      '  hostNetwork: on',
      '  containers: [{name: c, image: nginx, ports: [{containerPort: 0755}]}]',
      'x: [yes, no, y, n, off, On, TRUE, 1_000, 0x1F, ~]',
    ].join('\n');
    const { objects, problems } = parseManifests(text);
    expect(problems).toEqual([]);
    const body = objects[0]!.body as Record<string, Record<string, unknown>>;
    expect(body.spec!.hostNetwork).toBe(true);
    // 0755 is octal in YAML 1.1: 7·64 + 5·8 + 5 = 493.
    expect(body.spec!.containers).toEqual([{ name: 'c', image: 'nginx', ports: [{ containerPort: 493 }] }]);
    expect(body.x).toEqual([true, false, true, false, false, true, true, 1000, 31, null]);
    // go-yaml v2 keeps timestamps and base-60 numbers as strings in untyped JSON.
    expect(body.metadata!.annotations).toEqual({ when: '2024-05-01T10:00:00Z', time: '1:20' });
  });

  it('expands merge keys (<<) and aliases, and locates merged fields at their anchor', () => {
    const text = [
      'apiVersion: v1', //                                   1
      'kind: Service', //                                    2
      'metadata: {name: a}', //                              3
      'spec:', //                                            4
      '  ports:', //                                         5
      '    - &p {port: 80, protocol: TCP}', //               6
      '    - <<: *p', //                                     7
      '      port: 81', //                                   8
    ].join('\n');
    const { objects, problems } = parseManifests(text);
    expect(problems).toEqual([]);
    const o = objects[0]!;
    expect((o.body.spec as { ports: unknown }).ports).toEqual([
      { port: 80, protocol: 'TCP' },
      { port: 81, protocol: 'TCP' },
    ]);
    expect(o.locate(['spec', 'ports', 1, 'port'])).toMatchObject({ line: 8, col: 13 });
    // protocol of the second port comes from the anchored map on line 6: 4 spaces, `- &p {` (cols
    // 5–10), `port: 80, ` (11–20), `protocol: ` (21–30), so `TCP` starts at column 31.
    expect(o.locate(['spec', 'ports', 1, 'protocol'])).toMatchObject({ line: 6, col: 31 });
  });
});

describe('parseManifests: kind List', () => {
  // Shape of `kubectl get pods,svc -o yaml` (kubectl 1.30): keys sorted, `kind: List` after `items`.
  const kubectlList = `apiVersion: v1
items:
- apiVersion: v1
  kind: Pod
  metadata:
    creationTimestamp: "2024-05-01T10:00:00Z"
    labels:
      app: web
      pod-template-hash: 7d4b9c8f5
    name: web-7d4b9c8f5-x2kq9
    namespace: default
    resourceVersion: "1234"
    uid: 0b6f7a52-4a4c-4f0e-9a1d-0c0c0c0c0c0c
  spec:
    containers:
    - image: nginx:1.27
      imagePullPolicy: IfNotPresent
      name: nginx
      ports:
      - containerPort: 80
        protocol: TCP
      resources: {}
    dnsPolicy: ClusterFirst
    enableServiceLinks: true
    nodeName: k8s-w1
    tolerations:
    - effect: NoExecute
      key: node.kubernetes.io/not-ready
      operator: Exists
      tolerationSeconds: 300
  status:
    conditions:
    - lastProbeTime: null
      lastTransitionTime: "2024-05-01T10:00:05Z"
      status: "True"
      type: Ready
    hostIP: 192.168.10.101
    hostIPs:
    - ip: 192.168.10.101
    phase: Running
    podIP: 172.16.194.65
    podIPs:
    - ip: 172.16.194.65
- apiVersion: v1
  kind: Service
  metadata:
    creationTimestamp: "2024-05-01T09:00:00Z"
    labels:
      component: apiserver
      provider: kubernetes
    name: kubernetes
    namespace: default
    resourceVersion: "200"
    uid: 5f1d1b8e-1111-2222-3333-444444444444
  spec:
    clusterIP: 10.96.0.1
    clusterIPs:
    - 10.96.0.1
    internalTrafficPolicy: Cluster
    ipFamilies:
    - IPv4
    ipFamilyPolicy: SingleStack
    ports:
    - name: https
      port: 443
      protocol: TCP
      targetPort: 6443
    sessionAffinity: None
    type: ClusterIP
  status:
    loadBalancer: {}
kind: List
metadata:
  resourceVersion: ""
`;

  it('expands the items in order, each with its own position', () => {
    const { objects, problems } = parseManifests(kubectlList);
    expect(problems).toEqual([]);
    expect(objects.map((o) => `${o.kind}/${o.namespace}/${o.name}`)).toEqual(['Pod/default/web-7d4b9c8f5-x2kq9', 'Service/default/kubernetes']);
    expect(objects.map((o) => o.index)).toEqual([0, 1]);
    // Item sources: `kind: Pod` is line 4, `kind: Service` is line 45, both at column 3.
    expect(objects[0]!.source).toMatchObject({ doc: 0, line: 4, col: 3 });
    expect(objects[1]!.source).toMatchObject({ doc: 0, line: 45, col: 3 });
    // `podIP: 172.16.194.65` is line 41; the value starts at column 12.
    expect(objects[0]!.locate(['status', 'podIP'])).toMatchObject({ line: 41, col: 12, endLine: 41, endCol: 25 });
    // `targetPort: 6443` is line 67; the value starts at column 19.
    expect(objects[1]!.locate(['spec', 'ports', 0, 'targetPort'])).toMatchObject({ line: 67, col: 19 });
  });

  it('fills kind and apiVersion of typed list items (PodList from the API omits them)', () => {
    const text = JSON.stringify({ apiVersion: 'v1', kind: 'PodList', metadata: {}, items: [{ metadata: { name: 'a', namespace: 'x' } }, { metadata: { name: 'b' } }] });
    const { objects, problems } = parseManifests(text);
    expect(problems).toEqual([]);
    expect(objects.map((o) => [o.apiVersion, o.kind, o.name, o.namespace])).toEqual([
      ['v1', 'Pod', 'a', 'x'],
      ['v1', 'Pod', 'b', undefined],
    ]);
  });

  it('reports a List whose items is not a list, and a List item that is not a mapping', () => {
    expect(codes('apiVersion: v1\nkind: List\nitems: {a: 1}\n')).toEqual(['bad-type']);
    const r = parseManifests('apiVersion: v1\nkind: List\nitems:\n- 42\n- apiVersion: v1\n  kind: Namespace\n  metadata: {name: ok}\n');
    expect(r.problems.map((p) => [p.code, p.line, p.col])).toEqual([['not-a-mapping', 4, 3]]);
    expect(r.objects.map((o) => o.name)).toEqual(['ok']);
    expect(parseManifests('apiVersion: v1\nkind: List\nitems: []\n')).toEqual({ objects: [], problems: [] });
  });
});

describe('parseManifests: positions and document-level problems', () => {
  it('reports a YAML syntax error with the yaml library position', () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n\tlabels: {}\n';
    const { objects, problems } = parseManifests(text);
    expect(objects).toEqual([]);
    // The tab opens line 5, column 1.
    expect(problems).toEqual([expect.objectContaining({ severity: 'error', code: 'yaml-syntax', doc: 0, line: 5, col: 1, message: 'Tabs are not allowed as indentation' })]);
  });

  it('keeps the other documents when one has a syntax error, with the right document index', () => {
    const text = 'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\nkind: [\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: c}\n';
    const { objects, problems } = parseManifests(text);
    expect(objects.map((o) => [o.name, o.source.doc, o.source.line])).toEqual([
      ['a', 0, 2],
      ['c', 2, 8],
    ]);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => p.code === 'yaml-syntax' && p.doc === 1)).toBe(true);
  });

  it('reports a duplicate key as a syntax error on the second key', () => {
    const { problems } = parseManifests('apiVersion: v1\nkind: Pod\nkind: Pod\nmetadata: {name: a}\n');
    expect(problems.map((p) => [p.code, p.line, p.col])).toEqual([['yaml-syntax', 3, 1]]);
  });

  it('reports documents that are not mappings', () => {
    const { problems } = parseManifests('apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\n- a\n- b\n---\njust text\n');
    expect(problems.map((p) => [p.code, p.doc, p.line, p.col])).toEqual([
      ['not-a-mapping', 1, 5, 1],
      ['not-a-mapping', 2, 8, 1],
    ]);
  });

  it('reports missing kind, apiVersion and metadata.name, and drops the object', () => {
    const text = 'metadata:\n  labels: {a: b}\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  namespace: x\n';
    const { objects, problems } = parseManifests(text);
    expect(objects).toEqual([]);
    expect(problems.map((p) => [p.code, p.doc, p.line, p.col])).toEqual([
      ['missing-kind', 0, 1, 1],
      ['missing-api-version', 0, 1, 1],
      // no name: reported on the `metadata:` key (line 1) ...
      ['missing-name', 0, 1, 1],
      // ... and on line 6 for the second document.
      ['missing-name', 1, 6, 1],
    ]);
    expect(codes('apiVersion: v1\nkind: 7\nmetadata: {name: a}\n')).toEqual(['missing-kind']);
  });

  it('lists unknown kinds as ignored (info) and still returns them', () => {
    const text = 'apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: "<script>alert(1)</script>", namespace: web}\n';
    const { objects, problems } = parseManifests(text);
    expect(problems).toEqual([
      expect.objectContaining({ severity: 'info', code: 'ignored-kind', doc: 0, line: 2, col: 7, path: 'kind', message: expect.stringContaining('Certificate "<script>alert(1)</script>"') }),
    ]);
    expect(objects).toEqual([expect.objectContaining({ kind: 'Certificate', name: '<script>alert(1)</script>', namespace: 'web', ignored: true })]);
  });

  it('warns about a modelled kind under an apiVersion that does not serve it', () => {
    const { objects, problems } = parseManifests('apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: old}\n');
    expect(problems.map((p) => [p.severity, p.code, p.line, p.col])).toEqual([['warning', 'wrong-api-version', 1, 13]]);
    expect(problems[0]!.message).toContain('networking.k8s.io/v1');
    expect(objects[0]?.ignored).toBe(true);
  });

  it('warns when the same object appears twice', () => {
    const ns = 'apiVersion: v1\nkind: Service\nmetadata: {name: a}\n';
    const { problems } = parseManifests(`${ns}---\n${ns.replace('{name: a}', '{name: a, namespace: default}')}`);
    expect(problems.map((p) => [p.code, p.doc, p.line])).toEqual([['duplicate-object', 1, 6]]);
  });

  it('refuses recursive anchors and unresolved aliases without hanging', () => {
    expect(codes('apiVersion: v1\nkind: ConfigMap\nmetadata: &m {name: a, x: *m}\n')).toEqual(['yaml-syntax']);
    expect(codes('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: *nope}\n')).toEqual(['yaml-syntax']);
  });

  it('locates a missing field at the deepest key that exists', () => {
    const text = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: a\nspec:\n  selector: {app: a}\n';
    const o = parseManifests(text).objects[0]!;
    expect(o.locate(['spec', 'ports', 0, 'port'])).toMatchObject({ doc: 0, line: 5, col: 1 });
    expect(o.locate(['metadata', 'name'])).toMatchObject({ line: 4, col: 9, endLine: 4, endCol: 10 });
    expect(o.locate([])).toMatchObject({ line: 1, col: 1 });
    expect(o.locate(['spec', 'selector', 'app', 'deeper', 3])).toMatchObject({ line: 6, col: 19 });
  });
});
