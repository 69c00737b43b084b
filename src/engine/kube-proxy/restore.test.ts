import { describe, expect, it } from 'vitest';
import { kubeProxyRestoreText, masqueradeMarkText } from './restore';
import { goldenCluster } from './test-clusters';

/**
 * `goldenCluster()` (test-clusters.ts) seen from k8s-w1.
 *
 * Chain names were derived outside this code base with coreutils, e.g.
 *   printf '%s' 'default/webtcp' | sha256sum | cut -d' ' -f1 | xxd -r -p | base32 | cut -c1-16
 * (the same pipeline gives XPGD46QRK7WJZT7O for ns1/svc1:p80 + tcp, the DESIGN check value).
 */
const W1 = 'k8s-w1';

const E = 'ZJMBFACUQCTMIK2C'; // default/echo:http tcp
const E1 = 'KUBE-SEP-LPH4LMAVPI2VEMJO'; // … 172.16.1.20:5678
const E2 = 'KUBE-SEP-D7YT567BR3Z65PBH'; // … 172.16.2.20:5678
const S = 'BJWR5DPVIKTHVKZU'; // default/sticky tcp
const S1 = 'KUBE-SEP-UDYZ2MFGZUE3JU6K'; // … 172.16.1.30:80
const S2 = 'KUBE-SEP-SV4HFL5FDKHB2CQK'; // … 172.16.2.30:80
const W = 'LOLE4ISW44XBNF3G'; // default/web tcp
const WA = 'KUBE-SEP-QTMLY3QV2HYXDQYQ'; // … 172.16.1.10:8080
const WB = 'KUBE-SEP-K5QUVU4NAJCTRNXC'; // … 172.16.1.9:8080
const WC = 'KUBE-SEP-NSELDUOCTALL2N5W'; // … 172.16.2.5:8080

/*
 * Expected text, built by following syncProxyRules by hand:
 * - filter: the five top-level chains, then KUBE-FIREWALL (localhostNodePorts); its rule is the
 *   first rule written. default/empty has no endpoints → REJECT in filter KUBE-SERVICES and no nat
 *   rules. KUBE-FORWARD last, with the nfacct counter on the INVALID drop.
 * - nat: KUBE-POSTROUTING/KUBE-MARK-MASQ with mark 1<<14 printed by Go's %#08x = 0x00004000,
 *   MASQUERADE --random-fully. Services in name order: echo:http, empty:https, sticky, web.
 * - echo (eTP Local, node has 172.16.1.20): cluster IP → KUBE-SVC; node port twice (127/8 with
 *   nfacct, then any); KUBE-SVC masquerades ! -s clusterCIDR; KUBE-EXT: pods (-s clusterCIDR) →
 *   KUBE-SVC, LOCAL sources masqueraded and → KUBE-SVC, everything else → KUBE-SVL. KUBE-SVC
 *   holds both endpoints (1/2, then the last), KUBE-SVL only the local one; SEP chains exist for
 *   every endpoint of KUBE-SVC (allLocallyReachableEndpoints = clusterEndpoints here).
 * - sticky: two `--rcheck --seconds 10800 --reap` rules first, then the random split; `--set` in
 *   the DNAT rule of each SEP.
 * - web: endpoints sorted as strings: "172.16.1.10:8080" < "172.16.1.9:8080" < "172.16.2.5:8080";
 *   probabilities 1/3 → 0.3333333333, 1/2 → 0.5000000000, last unconditional.
 * - the node-port tail call ends KUBE-SERVICES (no `! -d 127.0.0.0/8`: localhostNodePorts is on).
 * Cross-checks: the same rule shapes appear in TestOverallIPTablesRules (see upstream.test.ts).
 */
const GOLDEN_W1 = `*filter
:KUBE-SERVICES - [0:0]
:KUBE-EXTERNAL-SERVICES - [0:0]
:KUBE-FORWARD - [0:0]
:KUBE-NODEPORTS - [0:0]
:KUBE-PROXY-FIREWALL - [0:0]
:KUBE-FIREWALL - [0:0]
-A KUBE-FIREWALL -m comment --comment "block incoming localnet connections" -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP
-A KUBE-SERVICES -m comment --comment "default/empty:https has no endpoints" -m tcp -p tcp -d 10.96.100.30 --dport 443 -j REJECT
-A KUBE-FORWARD -m conntrack --ctstate INVALID -m nfacct --nfacct-name ct_state_invalid_dropped_pkts -j DROP
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x00004000/0x00004000 -j ACCEPT
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
COMMIT
*nat
:KUBE-SERVICES - [0:0]
:KUBE-NODEPORTS - [0:0]
:KUBE-POSTROUTING - [0:0]
:KUBE-MARK-MASQ - [0:0]
:KUBE-EXT-${E} - [0:0]
:KUBE-SVC-${E} - [0:0]
:KUBE-SVL-${E} - [0:0]
:${E1} - [0:0]
:${E2} - [0:0]
:KUBE-SVC-${S} - [0:0]
:${S1} - [0:0]
:${S2} - [0:0]
:KUBE-SVC-${W} - [0:0]
:${WA} - [0:0]
:${WB} - [0:0]
:${WC} - [0:0]
-A KUBE-POSTROUTING -m mark ! --mark 0x00004000/0x00004000 -j RETURN
-A KUBE-POSTROUTING -j MARK --xor-mark 0x00004000
-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully
-A KUBE-MARK-MASQ -j MARK --or-mark 0x00004000
-A KUBE-SERVICES -m comment --comment "default/echo:http cluster IP" -m tcp -p tcp -d 10.96.100.20 --dport 80 -j KUBE-SVC-${E}
-A KUBE-NODEPORTS -m comment --comment default/echo:http -m tcp -p tcp -d 127.0.0.0/8 --dport 30080 -m nfacct --nfacct-name localhost_nps_accepted_pkts -j KUBE-EXT-${E}
-A KUBE-NODEPORTS -m comment --comment default/echo:http -m tcp -p tcp --dport 30080 -j KUBE-EXT-${E}
-A KUBE-SVC-${E} -m comment --comment "default/echo:http cluster IP" -m tcp -p tcp -d 10.96.100.20 --dport 80 ! -s 172.16.0.0/16 -j KUBE-MARK-MASQ
-A KUBE-EXT-${E} -m comment --comment "pod traffic for default/echo:http external destinations" -s 172.16.0.0/16 -j KUBE-SVC-${E}
-A KUBE-EXT-${E} -m comment --comment "masquerade LOCAL traffic for default/echo:http external destinations" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ
-A KUBE-EXT-${E} -m comment --comment "route LOCAL traffic for default/echo:http external destinations" -m addrtype --src-type LOCAL -j KUBE-SVC-${E}
-A KUBE-EXT-${E} -j KUBE-SVL-${E}
-A KUBE-SVC-${E} -m comment --comment "default/echo:http -> 172.16.1.20:5678" -m statistic --mode random --probability 0.5000000000 -j ${E1}
-A KUBE-SVC-${E} -m comment --comment "default/echo:http -> 172.16.2.20:5678" -j ${E2}
-A KUBE-SVL-${E} -m comment --comment "default/echo:http -> 172.16.1.20:5678" -j ${E1}
-A ${E1} -m comment --comment default/echo:http -s 172.16.1.20 -j KUBE-MARK-MASQ
-A ${E1} -m comment --comment default/echo:http -m tcp -p tcp -j DNAT --to-destination 172.16.1.20:5678
-A ${E2} -m comment --comment default/echo:http -s 172.16.2.20 -j KUBE-MARK-MASQ
-A ${E2} -m comment --comment default/echo:http -m tcp -p tcp -j DNAT --to-destination 172.16.2.20:5678
-A KUBE-SERVICES -m comment --comment "default/sticky cluster IP" -m tcp -p tcp -d 10.96.100.40 --dport 80 -j KUBE-SVC-${S}
-A KUBE-SVC-${S} -m comment --comment "default/sticky cluster IP" -m tcp -p tcp -d 10.96.100.40 --dport 80 ! -s 172.16.0.0/16 -j KUBE-MARK-MASQ
-A KUBE-SVC-${S} -m comment --comment "default/sticky -> 172.16.1.30:80" -m recent --name ${S1} --rcheck --seconds 10800 --reap -j ${S1}
-A KUBE-SVC-${S} -m comment --comment "default/sticky -> 172.16.2.30:80" -m recent --name ${S2} --rcheck --seconds 10800 --reap -j ${S2}
-A KUBE-SVC-${S} -m comment --comment "default/sticky -> 172.16.1.30:80" -m statistic --mode random --probability 0.5000000000 -j ${S1}
-A KUBE-SVC-${S} -m comment --comment "default/sticky -> 172.16.2.30:80" -j ${S2}
-A ${S1} -m comment --comment default/sticky -s 172.16.1.30 -j KUBE-MARK-MASQ
-A ${S1} -m comment --comment default/sticky -m recent --name ${S1} --set -m tcp -p tcp -j DNAT --to-destination 172.16.1.30:80
-A ${S2} -m comment --comment default/sticky -s 172.16.2.30 -j KUBE-MARK-MASQ
-A ${S2} -m comment --comment default/sticky -m recent --name ${S2} --set -m tcp -p tcp -j DNAT --to-destination 172.16.2.30:80
-A KUBE-SERVICES -m comment --comment "default/web cluster IP" -m tcp -p tcp -d 10.96.100.10 --dport 80 -j KUBE-SVC-${W}
-A KUBE-SVC-${W} -m comment --comment "default/web cluster IP" -m tcp -p tcp -d 10.96.100.10 --dport 80 ! -s 172.16.0.0/16 -j KUBE-MARK-MASQ
-A KUBE-SVC-${W} -m comment --comment "default/web -> 172.16.1.10:8080" -m statistic --mode random --probability 0.3333333333 -j ${WA}
-A KUBE-SVC-${W} -m comment --comment "default/web -> 172.16.1.9:8080" -m statistic --mode random --probability 0.5000000000 -j ${WB}
-A KUBE-SVC-${W} -m comment --comment "default/web -> 172.16.2.5:8080" -j ${WC}
-A ${WA} -m comment --comment default/web -s 172.16.1.10 -j KUBE-MARK-MASQ
-A ${WA} -m comment --comment default/web -m tcp -p tcp -j DNAT --to-destination 172.16.1.10:8080
-A ${WB} -m comment --comment default/web -s 172.16.1.9 -j KUBE-MARK-MASQ
-A ${WB} -m comment --comment default/web -m tcp -p tcp -j DNAT --to-destination 172.16.1.9:8080
-A ${WC} -m comment --comment default/web -s 172.16.2.5 -j KUBE-MARK-MASQ
-A ${WC} -m comment --comment default/web -m tcp -p tcp -j DNAT --to-destination 172.16.2.5:8080
-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS
COMMIT
`;

function expectLines(got: string, want: string): void {
  const g = got.split('\n');
  const w = want.split('\n');
  for (let i = 0; i < Math.max(g.length, w.length); i++) expect(`${i + 1}: ${g[i]}`).toBe(`${i + 1}: ${w[i]}`);
}

describe('kubeProxyRestoreText: hand-derived golden', () => {
  it('writes exactly the expected text for k8s-w1', () => {
    expectLines(kubeProxyRestoreText(goldenCluster(), W1), GOLDEN_W1);
  });

  it('on a node without a local endpoint, an eTP Local NodePort drops external traffic but keeps the short circuit', () => {
    const text = kubeProxyRestoreText(goldenCluster(), 'k8s-m');
    // filter: DROP for the node port (TestOverallIPTablesRules has the same rule for ns2/svc2).
    expect(text).toContain(
      '-A KUBE-EXTERNAL-SERVICES -m comment --comment "default/echo:http has no local endpoints" -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 30080 -j DROP',
    );
    // nat: the EXT chain exists without its final jump to KUBE-SVL, and there is no KUBE-SVL chain.
    expect(text).toContain(`-A KUBE-EXT-${E} -m comment --comment "route LOCAL traffic for default/echo:http external destinations" -m addrtype --src-type LOCAL -j KUBE-SVC-${E}`);
    expect(text).not.toContain(`-A KUBE-EXT-${E} -j KUBE-SVL-${E}`);
    expect(text).not.toContain(`KUBE-SVL-${E}`);
    // Node ports still lead to the EXT chain (for the local-source short circuit).
    expect(text).toContain(`-A KUBE-NODEPORTS -m comment --comment default/echo:http -m tcp -p tcp --dport 30080 -j KUBE-EXT-${E}`);
  });

  it('formats the masquerade mark as Go %#08x does', () => {
    expect(masqueradeMarkText(14)).toBe('0x00004000');
    expect(masqueradeMarkText(15)).toBe('0x00008000');
    expect(masqueradeMarkText(31)).toBe('0x80000000');
  });
});

describe('per-cluster caching', () => {
  it('gives every node the same text whether or not other nodes were generated first', () => {
    const shared = goldenCluster();
    const seq = ['k8s-w1', 'k8s-m', 'k8s-w2', 'k8s-w1', 'k8s-m'].map((n) => kubeProxyRestoreText(shared, n));
    const fresh = (n: string) => kubeProxyRestoreText(goldenCluster(), n);
    expect(seq).toEqual([fresh('k8s-w1'), fresh('k8s-m'), fresh('k8s-w2'), fresh('k8s-w1'), fresh('k8s-m')]);
    // The nodes really differ (eTP Local), so the comparison above is not vacuous.
    expect(seq[0]).not.toEqual(seq[1]);
  });

  it('notices changed kube-proxy settings on the same cluster object', () => {
    const c = goldenCluster();
    const before = kubeProxyRestoreText(c, 'k8s-w1');
    c.settings.kubeProxy.clusterCIDR = '172.17.0.0/16';
    const after = kubeProxyRestoreText(c, 'k8s-w1');
    expect(before).toContain('! -s 172.16.0.0/16 -j KUBE-MARK-MASQ');
    expect(after).not.toContain('172.16.0.0/16 -j');
    expect(after).toContain('! -s 172.17.0.0/16 -j KUBE-MARK-MASQ');
  });
});
