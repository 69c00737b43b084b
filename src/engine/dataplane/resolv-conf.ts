/**
 * A pod's /etc/resolv.conf as kubelet computes it (pkg/kubelet/network/dns) and containerd writes it:
 * `search`, then one `nameserver` line per server, then `options`.
 */
import type { Cluster, ClusterNode, Pod } from '../cluster/types';
import type { ResolvConf } from './types';

/** kubelet's limits (MaxDNSSearchPaths since 1.28; validation.MaxDNSNameservers). */
const MAX_SEARCH = 32;
const MAX_NAMESERVERS = 3;

export function podResolvConf(cluster: Cluster, node: ClusterNode | undefined, pod: Pod): ResolvConf {
  const s = cluster.settings;
  const hostConf: ResolvConf = { nameservers: [...s.upstreamDNS], search: [...(node?.searchDomains ?? [])], options: [] };
  let policy = pod.dnsPolicy;
  // kubelet: ClusterFirst on a hostNetwork pod falls back to Default; ClusterFirstWithHostNet means ClusterFirst.
  if (policy === 'ClusterFirst' && pod.hostNetwork) policy = 'Default';
  let conf: ResolvConf;
  switch (policy) {
    case 'ClusterFirst':
    case 'ClusterFirstWithHostNet': {
      const d = s.clusterDomain;
      conf = {
        nameservers: [s.clusterDNS],
        search: [`${pod.namespace}.svc.${d}`, `svc.${d}`, d, ...hostConf.search],
        options: ['ndots:5'],
      };
      break;
    }
    case 'Default':
      conf = hostConf;
      break;
    case 'None':
      conf = { nameservers: [], search: [], options: [] };
      break;
  }
  if (pod.dnsConfig) conf = mergeDnsConfig(conf, pod.dnsConfig);
  return {
    nameservers: conf.nameservers.slice(0, MAX_NAMESERVERS),
    search: dedupe(conf.search).slice(0, MAX_SEARCH),
    options: conf.options,
  };
}

/** kubelet appendDNSConfig: servers and searches appended (duplicates dropped), options merged by name, pod's win. */
function mergeDnsConfig(base: ResolvConf, dc: NonNullable<Pod['dnsConfig']>): ResolvConf {
  const options = [...base.options];
  for (const o of dc.options) {
    const text = o.value ? `${o.name}:${o.value}` : o.name;
    const at = options.findIndex((x) => x.split(':')[0] === o.name);
    if (at >= 0) options[at] = text;
    else options.push(text);
  }
  return {
    nameservers: dedupe([...base.nameservers, ...dc.nameservers]),
    search: dedupe([...base.search, ...dc.searches]),
    options,
  };
}

function dedupe(xs: string[]): string[] {
  return [...new Set(xs)];
}
