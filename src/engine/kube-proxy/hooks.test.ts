import { describe, expect, it } from 'vitest';
import { kubeletFirewallRules, kubeProxyCanaryChains, kubeProxyHookRules } from './hooks';
import { cluster } from './test-clusters';

describe('kubeProxyHookRules', () => {
  it('lists the jumps as iptables-save shows them on a kubeadm node (kubelet first, then kube-proxy’s -I)', () => {
    // Order derived from proxier.go iptablesJumpChains, each inserted at the top (EnsureRule
    // Prepend), over kubelet's earlier KUBE-FIREWALL jumps; it is what `iptables -L` prints on
    // real 1.2x/1.3x kubeadm nodes: INPUT = KUBE-PROXY-FIREWALL, KUBE-NODEPORTS,
    // KUBE-EXTERNAL-SERVICES, KUBE-FIREWALL; OUTPUT = KUBE-PROXY-FIREWALL, KUBE-SERVICES, KUBE-FIREWALL.
    expect(kubeProxyHookRules(cluster([], []))).toEqual([
      { table: 'nat', chain: 'PREROUTING', rule: '-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES' },
      { table: 'nat', chain: 'OUTPUT', rule: '-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES' },
      { table: 'nat', chain: 'POSTROUTING', rule: '-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING' },
      { table: 'filter', chain: 'INPUT', rule: '-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL' },
      { table: 'filter', chain: 'INPUT', rule: '-A INPUT -m comment --comment "kubernetes health check service ports" -j KUBE-NODEPORTS' },
      { table: 'filter', chain: 'INPUT', rule: '-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES' },
      { table: 'filter', chain: 'INPUT', rule: '-A INPUT -j KUBE-FIREWALL' },
      { table: 'filter', chain: 'FORWARD', rule: '-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL' },
      { table: 'filter', chain: 'FORWARD', rule: '-A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD' },
      { table: 'filter', chain: 'FORWARD', rule: '-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES' },
      { table: 'filter', chain: 'FORWARD', rule: '-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES' },
      { table: 'filter', chain: 'OUTPUT', rule: '-A OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL' },
      { table: 'filter', chain: 'OUTPUT', rule: '-A OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES' },
      { table: 'filter', chain: 'OUTPUT', rule: '-A OUTPUT -j KUBE-FIREWALL' },
    ]);
  });

  it('names the chains kubelet and kube-proxy create outside the restore text', () => {
    // kubelet: KUBE-IPTABLES-HINT (mangle), KUBE-KUBELET-CANARY and KUBE-FIREWALL; kube-proxy's
    // iptables.Monitor: KUBE-PROXY-CANARY in mangle, nat and filter.
    const c = kubeProxyCanaryChains();
    expect(c).toHaveLength(8);
    expect(c).toContainEqual({ table: 'mangle', chain: 'KUBE-IPTABLES-HINT' });
    expect(c).toContainEqual({ table: 'mangle', chain: 'KUBE-PROXY-CANARY' });
    expect(c).toContainEqual({ table: 'nat', chain: 'KUBE-KUBELET-CANARY' });
    expect(c).toContainEqual({ table: 'filter', chain: 'KUBE-FIREWALL' });
    expect(kubeletFirewallRules()[0]!.rule).toBe(
      '-A KUBE-FIREWALL -m comment --comment "block incoming localnet connections" -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP',
    );
  });
});
