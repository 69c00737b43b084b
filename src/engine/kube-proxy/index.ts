import type { Cluster } from '../cluster/types';

/** Exactly what kube-proxy (iptables mode, 1.30/1.31) hands to `iptables-restore` on `node`. */
export function kubeProxyRestoreText(_cluster: Cluster, _node: string): string {
  throw new Error('STUB: replaced by the kube-proxy module');
}
