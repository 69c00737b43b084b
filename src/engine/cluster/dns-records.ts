import type { PortlessEndpoints } from './endpoints';
import type { DnsRecord, Endpoint, Service } from './types';

export function reverseName(ip: string): string {
  const a = ip.indexOf('.');
  const b = ip.indexOf('.', a + 1);
  const c = ip.indexOf('.', b + 1);
  return `${ip.slice(c + 1)}.${ip.slice(b + 1, c)}.${ip.slice(a + 1, b)}.${ip.slice(0, a)}.in-addr.arpa`;
}

/**
 * The records CoreDNS's `kubernetes` plugin serves for services, per the Kubernetes DNS spec
 * (kubernetes/dns docs/specification.md): A for the service (cluster IP, or one per ready endpoint
 * when headless), SRV `_<port>._<proto>.<svc>` for named ports, CNAME for ExternalName, PTR for
 * cluster IPs; for headless services also A and PTR for each ready endpoint's name `<hostname>.<svc>`
 * (the dashed address when it has no hostname, `10-1-2-3.<svc>`, as CoreDNS names it).
 * Not listed, answered on the fly instead: pod records (`a-b-c-d.<ns>.pod`, `pods insecure`), and
 * the same endpoint names for ClusterIP services, which CoreDNS also answers (derive them from
 * `services[].ports[].endpoints`: at 10k services listing them would triple this list).
 */
export function buildDnsRecords(services: Service[], domain: string, portless: PortlessEndpoints): DnsRecord[] {
  const out: DnsRecord[] = [];
  for (const svc of services) {
    const fqdn = `${svc.name}.${svc.namespace}.svc.${domain}`;
    if (svc.type === 'ExternalName') {
      if (svc.externalName) out.push({ name: fqdn, type: 'CNAME', value: svc.externalName });
      continue;
    }
    if (svc.clusterIP === '') continue;
    const headless = svc.clusterIP === 'None';
    // Every ready address once (whichever port listed it first), with its endpoint name.
    const ready = new Map<string, string>();
    const add = (e: Pick<Endpoint, 'ip' | 'hostname' | 'ready'>) => {
      if (e.ready && !ready.has(e.ip)) ready.set(e.ip, `${e.hostname ?? e.ip.replaceAll('.', '-')}.${fqdn}`);
    };
    if (headless) for (const p of svc.ports) for (const e of p.endpoints) add(e);
    if (headless && svc.ports.length === 0) for (const e of portless.get(`${svc.namespace}/${svc.name}`) ?? []) add(e);

    if (headless) for (const ip of ready.keys()) out.push({ name: fqdn, type: 'A', value: ip });
    else out.push({ name: fqdn, type: 'A', value: svc.clusterIP });
    if (headless) for (const [ip, name] of ready) out.push({ name, type: 'A', value: ip });
    for (const p of svc.ports) {
      if (!p.name) continue;
      const srv = `_${p.name}._${p.protocol.toLowerCase()}.${fqdn}`;
      if (!headless) {
        out.push({ name: srv, type: 'SRV', value: `0 100 ${p.port} ${fqdn}` });
        continue;
      }
      const eps = p.endpoints.filter((e) => e.ready);
      // CoreDNS splits weight 100 evenly over the answers of one priority (floor, at least 1).
      const weight = Math.max(1, Math.floor(100 / Math.max(1, eps.length)));
      for (const e of eps) out.push({ name: srv, type: 'SRV', value: `0 ${weight} ${e.port} ${ready.get(e.ip) ?? ''}` });
    }
    if (!headless) out.push({ name: reverseName(svc.clusterIP), type: 'PTR', value: fqdn });
    else for (const [ip, name] of ready) out.push({ name: reverseName(ip), type: 'PTR', value: name });
  }
  return out;
}
