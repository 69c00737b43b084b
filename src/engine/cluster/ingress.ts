import type { ManifestObject } from '../parse/types';
import { problem, type Problem } from '../problems';
import { annotationsOf, asArray, asBool, asInt, asText, at, pathText } from './manifest-fields';
import type { Ingress, IngressBackend, IngressPath } from './types';

function readBackend(v: unknown): IngressBackend | undefined {
  // networking.k8s.io/v1 `service: {name, port: {number|name}}`; v1beta1 `serviceName/servicePort`.
  const service = asText(at(v, 'service', 'name')) ?? asText(at(v, 'serviceName'));
  if (!service) return undefined;
  const port = asInt(at(v, 'service', 'port', 'number')) ?? asText(at(v, 'service', 'port', 'name')) ??
    asInt(at(v, 'servicePort')) ?? asText(at(v, 'servicePort'));
  return { service, port: port ?? 80 };
}

export function readIngress(o: ManifestObject, serviceKeys: Set<string>, problems: Problem[]): Ingress {
  const ns = o.namespace ?? 'default';
  const annotations = annotationsOf(o.body);
  const ing: Ingress = {
    namespace: ns,
    name: o.name,
    annotations,
    rules: [],
    tlsHosts: asArray(at(o.body, 'spec', 'tls')).flatMap((t) => asArray(at(t, 'hosts')).filter((h): h is string => typeof h === 'string')),
    source: o.source,
  };
  const cls = asText(at(o.body, 'spec', 'ingressClassName')) ?? annotations['kubernetes.io/ingress.class'];
  if (cls) ing.ingressClassName = cls;
  const check = (b: IngressBackend, path: (string | number)[]) => {
    if (!serviceKeys.has(`${ns}/${b.service}`)) {
      problems.push(problem('warning', 'dangling-ref', `Ingress ${ns}/${o.name} routes to Service ${ns}/${b.service}, which does not exist`, o.locate(path), pathText(path)));
    }
  };
  const def = readBackend(at(o.body, 'spec', 'defaultBackend')) ?? readBackend(at(o.body, 'spec', 'backend'));
  if (def) {
    ing.defaultBackend = def;
    check(def, ['spec', at(o.body, 'spec', 'defaultBackend') !== undefined ? 'defaultBackend' : 'backend']);
  }
  asArray(at(o.body, 'spec', 'rules')).forEach((r, ri) => {
    const paths: IngressPath[] = [];
    asArray(at(r, 'http', 'paths')).forEach((p, pi) => {
      const backend = readBackend(at(p, 'backend'));
      if (!backend) return;
      const pt = at(p, 'pathType');
      paths.push({
        path: asText(at(p, 'path')) ?? '/',
        pathType: pt === 'Exact' || pt === 'Prefix' ? pt : 'ImplementationSpecific',
        backend,
      });
      check(backend, ['spec', 'rules', ri, 'http', 'paths', pi, 'backend']);
    });
    const host = asText(at(r, 'host'));
    ing.rules.push(host ? { host, paths } : { paths });
  });
  return ing;
}

export function readIngressClass(o: ManifestObject): { name: string; controller: string; isDefault: boolean } {
  return {
    name: o.name,
    controller: asText(at(o.body, 'spec', 'controller')) ?? '',
    isDefault: asBool(annotationsOf(o.body)['ingressclass.kubernetes.io/is-default-class']) ?? false,
  };
}
