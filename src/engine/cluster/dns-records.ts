import type { PortlessEndpoints } from './endpoints';
import type { DnsRecord, Endpoint, Service } from './types';

export function reverseName(ip: string): string {
  return `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
}

/**
 * The records CoreDNS's `kubernetes` plugin serves for services, per the Kubernetes DNS spec
 * (kubernetes/dns docs/specification.md): A for the service (cluster IP, or one per ready endpoint
 * when headless), A for `<hostname>.<svc>` endpoint names, SRV `_<port>._<proto>.<svc>` for named
 * ports, CNAME for ExternalName, PTR for cluster IPs and headless endpoints. Headless endpoints
 * without a hostname are named by their dashed address, as CoreDNS does (`10-1-2-3.<svc>`).
 * Pod records (`a-b-c-d.<ns>.pod`) are answered on the fly (`pods insecure`) and not listed.
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
    if (svc.clusterIP !== 'None') {
      out.push({ name: fqdn, type: 'A', value: svc.clusterIP });
      for (const p of svc.ports) {
        if (p.name) out.push({ name: `_${p.name}._${p.protocol.toLowerCase()}.${fqdn}`, type: 'SRV', value: `0 100 ${p.port} ${fqdn}` });
      }
      out.push({ name: reverseName(svc.clusterIP), type: 'PTR', value: fqdn });
      continue;
    }
    // Headless: every ready address once, whichever port listed it first.
    const endpointName = (e: Pick<Endpoint, 'ip' | 'hostname'>) => `${e.hostname ?? e.ip.replace(/\./g, '-')}.${fqdn}`;
    const seen = new Map<string, Pick<Endpoint, 'ip' | 'hostname'>>();
    const all = [...svc.ports.flatMap((p) => p.endpoints), ...(portless.get(`${svc.namespace}/${svc.name}`) ?? [])];
    for (const e of all) if (e.ready && !seen.has(e.ip)) seen.set(e.ip, e);
    for (const e of seen.values()) out.push({ name: fqdn, type: 'A', value: e.ip });
    for (const e of seen.values()) {
      out.push({ name: endpointName(e), type: 'A', value: e.ip });
      out.push({ name: reverseName(e.ip), type: 'PTR', value: endpointName(e) });
    }
    for (const p of svc.ports) {
      if (!p.name) continue;
      const ready = p.endpoints.filter((e) => e.ready);
      // CoreDNS splits weight 100 evenly over the answers of one priority (floor, at least 1).
      const weight = Math.max(1, Math.floor(100 / Math.max(1, ready.length)));
      for (const e of ready) {
        out.push({ name: `_${p.name}._${p.protocol.toLowerCase()}.${fqdn}`, type: 'SRV', value: `0 ${weight} ${e.port} ${endpointName(e)}` });
      }
    }
  }
  return out;
}
