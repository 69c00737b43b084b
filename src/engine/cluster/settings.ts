import { formatCidr, isIPv4, nthAddress, parseCidr } from '../net/ipv4';
import type { ManifestObject } from '../parse/types';
import { problem, type Problem } from '../problems';
import type { CalicoEncapsulation, ClusterSettings, CniName } from './types';
import { asArray, asBool, asInt, asRecord, asText, at } from './manifest-fields';

export const PROFILE_API_VERSION = 'packetwalk.dev/v1alpha1';

/** Default pod networks of the CNIs when the profile names the CNI but gives no podCIDR. */
const CNI_DEFAULT_POD_CIDR: Record<CniName, string> = {
  calico: '172.16.0.0/16',
  flannel: '10.244.0.0/16', // kube-flannel.yml net-conf.json "Network"
  weave: '10.32.0.0/12', // weave IPALLOC_RANGE default
  bridge: '172.16.0.0/16',
};

const CNIS: readonly CniName[] = ['calico', 'flannel', 'weave', 'bridge'];
const ENCAPS: readonly CalicoEncapsulation[] = ['IPIP', 'VXLAN', 'None'];

/** The DESIGN §3 example profile. */
export function defaultSettings(): ClusterSettings {
  return {
    name: 'packetwalk',
    cni: 'calico',
    calico: { encapsulation: 'IPIP', blockSize: 26, natOutgoing: true },
    podCIDR: '172.16.0.0/16',
    serviceCIDR: '10.96.0.0/12',
    clusterDomain: 'cluster.local',
    clusterDNS: '10.96.0.10',
    upstreamDNS: ['1.1.1.1'],
    kubeProxy: {
      mode: 'iptables',
      clusterCIDR: '172.16.0.0/16',
      masqueradeBit: 14,
      localhostNodePorts: true,
      randomFully: true,
      nfacct: true,
    },
  };
}

export function isProfile(o: ManifestObject): boolean {
  return o.kind === 'Cluster' && o.apiVersion === PROFILE_API_VERSION;
}

/** A CIDR normalised to its network address, or undefined (with a problem) when unusable. */
function cidrField(o: ManifestObject, path: string[], problems: Problem[]): string | undefined {
  const v = at(o.body, ...path);
  if (v === undefined) return undefined;
  const p = typeof v === 'string' && v.includes('/') ? parseCidr(v) : null;
  if (!p) {
    problems.push(problem('error', 'bad-cidr', `${path.join('.')} is not a CIDR: ${String(v)}`, o.locate(path), path.join('.')));
    return undefined;
  }
  return formatCidr(p);
}

function ipField(o: ManifestObject, path: string[], problems: Problem[]): string | undefined {
  const v = at(o.body, ...path);
  if (v === undefined) return undefined;
  if (typeof v === 'string' && isIPv4(v)) return v;
  problems.push(problem('error', 'bad-ip', `${path.join('.')} is not an IPv4 address: ${String(v)}`, o.locate(path), path.join('.')));
  return undefined;
}

export function readSettings(profile: ManifestObject | undefined, problems: Problem[]): ClusterSettings {
  const s = defaultSettings();
  if (!profile) return s;
  if (profile.name) s.name = profile.name;
  const spec = (...k: string[]) => at(profile.body, 'spec', ...k);
  const cni = spec('cni');
  if (typeof cni === 'string' && (CNIS as readonly string[]).includes(cni)) s.cni = cni as CniName;
  else if (cni !== undefined) {
    problems.push(problem('error', 'bad-value', `spec.cni must be one of ${CNIS.join(', ')}`, profile.locate(['spec', 'cni']), 'spec.cni'));
  }
  const encap = spec('calico', 'encapsulation');
  if (typeof encap === 'string' && (ENCAPS as readonly string[]).includes(encap)) {
    s.calico.encapsulation = encap as CalicoEncapsulation;
  } else if (encap !== undefined) {
    problems.push(problem('error', 'bad-value', `spec.calico.encapsulation must be one of ${ENCAPS.join(', ')}`,
      profile.locate(['spec', 'calico', 'encapsulation']), 'spec.calico.encapsulation'));
  }
  const blockSize = asInt(spec('calico', 'blockSize'));
  if (blockSize !== undefined && blockSize >= 20 && blockSize <= 32) s.calico.blockSize = blockSize;
  s.calico.natOutgoing = asBool(spec('calico', 'natOutgoing')) ?? s.calico.natOutgoing;

  s.podCIDR = cidrField(profile, ['spec', 'podCIDR'], problems) ?? CNI_DEFAULT_POD_CIDR[s.cni];
  s.serviceCIDR = cidrField(profile, ['spec', 'serviceCIDR'], problems) ?? s.serviceCIDR;
  s.clusterDomain = asText(spec('clusterDomain'))?.replace(/\.$/, '') ?? s.clusterDomain;
  const dns = ipField(profile, ['spec', 'clusterDNS'], problems);
  // kubeadm's clusterDNS is the 10th address of the service CIDR.
  s.clusterDNS = dns ?? nthAddress(s.serviceCIDR, 10);
  if (spec('upstreamDNS') !== undefined) {
    s.upstreamDNS = asArray(spec('upstreamDNS')).filter((x): x is string => typeof x === 'string' && isIPv4(x));
  }
  const kp = asRecord(spec('kubeProxy'));
  s.kubeProxy.clusterCIDR = cidrField(profile, ['spec', 'kubeProxy', 'clusterCIDR'], problems) ?? s.podCIDR;
  if (kp) {
    const bit = asInt(kp['masqueradeBit']);
    if (bit !== undefined && bit >= 0 && bit <= 31) s.kubeProxy.masqueradeBit = bit;
    s.kubeProxy.localhostNodePorts = asBool(kp['localhostNodePorts']) ?? s.kubeProxy.localhostNodePorts;
    s.kubeProxy.randomFully = asBool(kp['randomFully']) ?? s.kubeProxy.randomFully;
    s.kubeProxy.nfacct = asBool(kp['nfacct']) ?? s.kubeProxy.nfacct;
  }
  return s;
}
