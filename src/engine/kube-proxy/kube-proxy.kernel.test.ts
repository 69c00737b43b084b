/**
 * The generated text against the real thing: it must load with `iptables-restore --noflush` (as
 * kube-proxy runs it) in a throwaway network namespace, and `iptables-save` afterwards must show
 * the chains, the jumps and the probabilities as the kernel stored them.
 *
 * nfacct: `-m nfacct --nfacct-name X` only loads when the accounting object X exists (kube-proxy
 * creates both counters over netlink before it syncs). We create them with `nfacct add`; if the
 * tool or the kernel module is missing, the profile's nfacct flag is turned off for the run and
 * the nfacct assertions are skipped, exactly what kube-proxy does when it cannot create them.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeProxyHookRules } from './hooks';
import { savedProbability, restoreProbability } from './probability';
import { kubeProxyRestoreText } from './restore';
import { goldenCluster, overallRulesCluster } from './test-clusters';

const NS = 'pw-kp-test';
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasTools = spawnSync('sh', ['-c', 'command -v ip && command -v iptables-restore && command -v iptables-save']).status === 0;

function inNs(cmd: string, args: string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('ip', ['netns', 'exec', NS, cmd, ...args], { input, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function freshNamespace(): void {
  spawnSync('ip', ['netns', 'del', NS]);
  execFileSync('ip', ['netns', 'add', NS]);
}

/**
 * Creates kube-proxy's two nfacct objects and checks that an nfacct match loads (the xt_nfacct
 * module may be missing even when the tool works); false when nfacct is unavailable here.
 */
function ensureNfacct(): boolean {
  for (const name of ['ct_state_invalid_dropped_pkts', 'localhost_nps_accepted_pkts']) {
    const r = inNs('nfacct', ['add', name]);
    if (r.status !== 0 && !/exists/i.test(r.stderr)) return false;
  }
  const probe = inNs('iptables-restore', ['--noflush'], '*filter\n:PW-NFACCT-PROBE - [0:0]\n-A PW-NFACCT-PROBE -m nfacct --nfacct-name ct_state_invalid_dropped_pkts\n-F PW-NFACCT-PROBE\n-X PW-NFACCT-PROBE\nCOMMIT\n');
  return probe.status === 0;
}

/** The hook jumps as a restore snippet; `-A` with --noflush appends them in iptables-save order. */
function hookRestoreText(): string {
  const hooks = kubeProxyHookRules(goldenCluster());
  const out: string[] = [];
  for (const table of ['nat', 'filter'] as const) {
    out.push(`*${table}`, ...hooks.filter((h) => h.table === table).map((h) => h.rule), 'COMMIT');
  }
  return out.join('\n') + '\n';
}

describe.skipIf(!isRoot || !hasTools)('kube-proxy rules in the kernel', () => {
  let nfacct = false;
  beforeAll(() => {
    freshNamespace();
    nfacct = ensureNfacct();
  });
  afterAll(() => {
    spawnSync('ip', ['netns', 'del', NS]);
  });

  it('loads the golden cluster’s text and the hook jumps; iptables-save shows the stored probabilities', () => {
    const c = goldenCluster();
    c.settings.kubeProxy.nfacct = nfacct;
    const text = kubeProxyRestoreText(c, 'k8s-w1');
    const load = inNs('iptables-restore', ['--noflush', '--counters'], text);
    expect(load.stderr).toBe('');
    expect(load.status).toBe(0);
    const hooks = inNs('iptables-restore', ['--noflush'], hookRestoreText());
    expect(hooks.stderr).toBe('');
    expect(hooks.status).toBe(0);

    const saved = inNs('iptables-save', []).stdout;
    const savedLines = saved.split('\n');
    // Every chain we declared exists.
    for (const line of text.split('\n').filter((l) => l.startsWith(':'))) {
      const name = line.slice(1).split(' ')[0]!;
      expect(savedLines, name).toContain(`:${name} - [0:0]`);
    }
    // Same number of rules in the kube-proxy chains as we wrote.
    const ours = text.split('\n').filter((l) => l.startsWith('-A ')).length;
    const theirs = savedLines.filter((l) => /^-A KUBE-/.test(l)).length;
    expect(theirs).toBe(ours);

    // default/web: three endpoints → 1/3 then 1/2, as the kernel keeps them (31-bit fixed point).
    const web = savedLines.filter((l) => l.startsWith('-A KUBE-SVC-LOLE4ISW44XBNF3G ') && l.includes('statistic'));
    expect(web.map((l) => /--probability (\S+)/.exec(l)?.[1])).toEqual(['0.33333333349', '0.50000000000']);
    expect(savedProbability(restoreProbability(3, 0))).toBe('0.33333333349');
    expect(savedProbability(restoreProbability(3, 1))).toBe('0.50000000000');

    // The built-in chains hold exactly our hook jumps, in our order.
    for (const chain of ['PREROUTING', 'OUTPUT', 'POSTROUTING', 'INPUT', 'FORWARD']) {
      const table = ['PREROUTING', 'POSTROUTING'].includes(chain) ? ['nat'] : chain === 'OUTPUT' ? ['nat', 'filter'] : ['filter'];
      for (const t of table) {
        const tableText = saved.split(`*${t}\n`)[1]!.split('COMMIT')[0]!;
        const got = tableText.split('\n').filter((l) => l.startsWith(`-A ${chain} `));
        const want = kubeProxyHookRules(c).filter((h) => h.table === t && h.chain === chain).map((h) => h.rule);
        expect(got, `${t} ${chain}`).toEqual(want);
      }
    }
    if (nfacct) expect(saved).toContain('-m nfacct --nfacct-name  ct_state_invalid_dropped_pkts -j DROP');
  });

  it('loads TestOverallIPTablesRules’ services (LB firewall, affinity, eTP Local) into a fresh namespace', () => {
    freshNamespace();
    nfacct = ensureNfacct();
    const c = overallRulesCluster();
    c.settings.kubeProxy.nfacct = nfacct;
    c.settings.kubeProxy.randomFully = true;
    const load = inNs('iptables-restore', ['--noflush', '--counters'], kubeProxyRestoreText(c, 'test-node'));
    expect(load.stderr).toBe('');
    expect(load.status).toBe(0);
    const saved = inNs('iptables-save', []).stdout;
    // The save form of a few rules (what a user sees on a node), as the kernel printed it.
    expect(saved).toContain('-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000');
    expect(saved).toContain('-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully');
    expect(saved).toContain(
      '-A KUBE-SVC-NUKIZ6OKUXPJNT4C -m comment --comment "ns5/svc5:p80 -> 10.180.0.3:80" -m recent --rcheck --seconds 10800 --reap --name KUBE-SEP-I77PXRDZVX7PMWMN --mask 255.255.255.255 --rsource -j KUBE-SEP-I77PXRDZVX7PMWMN',
    );
    expect(saved).toContain('-A KUBE-SEP-SXIVWICOYRO3J4NJ -s 10.180.0.1/32 -m comment --comment "ns1/svc1:p80" -j KUBE-MARK-MASQ');
  });
});
