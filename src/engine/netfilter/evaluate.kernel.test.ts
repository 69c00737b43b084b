/**
 * The evaluator against the kernel itself: load a rule set in a throwaway netns, send one UDP
 * datagram 127.0.0.1:40000 → 127.0.0.1:53 over `lo` (a socket listens, so nothing else is sent),
 * read the counters back with `iptables-save -c`, and check that exactly the rules the kernel
 * counted — and the policy, when it decided — are the ones our evaluator reports as hits for
 * filter/OUTPUT.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { conntrackCreate, evaluateHook, formatConntrackEntry, newConntrackTable, parseIptables } from './index';
import type { NetfilterPacket, Ruleset } from './types';

const SEND = `
import socket
r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); r.bind(('127.0.0.1', 53))
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('127.0.0.1', 40000))
try:
    s.sendto(b'x', ('127.0.0.1', 53))
except OSError:
    pass  # dropped in OUTPUT: sendto fails with EPERM
`;

/** The conntrack entries of the last run (/proc/net/nf_conntrack inside the namespace). */
let lastConntrack = '';

function kernelCounters(rules: string, opts: { send?: string; setup?: string[][]; objects?: string; table?: string } = {}): Ruleset {
  const ns = `pw-netfilter-ev-${process.pid}`;
  const run = (...args: string[]) => execFileSync('ip', ['netns', 'exec', ns, ...args], { encoding: 'utf8' });
  execFileSync('ip', ['netns', 'add', ns]);
  try {
    execFileSync('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    for (const cmd of opts.setup ?? []) execFileSync('ip', ['-n', ns, ...cmd]);
    if (opts.objects) run('python3', join(import.meta.dirname, 'fixtures', 'netlink-objects.py'), opts.objects);
    execFileSync('ip', ['netns', 'exec', ns, 'iptables-restore'], { input: rules });
    run('python3', '-c', opts.send ?? SEND);
    lastConntrack = run('cat', '/proc/net/nf_conntrack');
    const { ruleset, problems } = parseIptables(run('iptables-save', '-c', '-t', opts.table ?? 'filter'));
    expect(problems).toEqual([]);
    return ruleset;
  } finally {
    execFileSync('ip', ['netns', 'del', ns]);
  }
}

/** `chain#index` once per packet the kernel counted on that rule. */
function countedHits(ruleset: Ruleset, table: string): string[] {
  const out: string[] = [];
  for (const c of ruleset.tables.find((t) => t.name === table)?.chains ?? []) {
    c.rules.forEach((r, i) => {
      for (let n = 0; n < (r.counters?.packets ?? 0); n++) out.push(`${c.name}#${i}`);
    });
  }
  return out;
}

const PACKET: NetfilterPacket = {
  src: '127.0.0.1', dst: '127.0.0.1', proto: 'udp', sport: 40000, dport: 53, mark: 0,
  outIface: 'lo', ctState: 'NEW', ctNat: { dnat: false, snat: false },
};

function compare(rules: string) {
  const { ruleset, problems } = parseIptables(rules);
  expect(problems).toEqual([]);
  const ours = evaluateHook(ruleset, 'filter', 'OUTPUT', PACKET, {
    addressType: (ip) => (ip.startsWith('127.') ? 'LOCAL' : 'UNICAST'),
    ipsets: [],
    chooseRandom: () => false,
  });
  expect(ours.problems).toEqual([]);
  const kernel = kernelCounters(rules);
  const counted = countedHits(kernel, 'filter');
  const filter = kernel.tables.find((t) => t.name === 'filter');
  const output = filter?.chains.find((c) => c.name === 'OUTPUT');
  // The packet did pass OUTPUT: some rule or the policy counted it.
  expect(counted.length + (output?.counters?.packets ?? 0)).toBeGreaterThan(0);
  const ourHits = ours.hits.filter((h) => h.ref.index >= 0).map((h) => `${h.ref.chain}#${h.ref.index}`);
  expect(ourHits.sort()).toEqual(counted.sort());
  expect(ours.byPolicy).toBe((output?.counters?.packets ?? 0) > 0);
  return ours;
}

const table = (policy: string, chains: string[], body: string[]) =>
  ['*filter', ':INPUT ACCEPT [0:0]', ':FORWARD ACCEPT [0:0]', `:OUTPUT ${policy} [0:0]`, ...chains.map((c) => `:${c} - [0:0]`), ...body, 'COMMIT', ''].join('\n');

describe('evaluator hits = kernel counters (filter OUTPUT, one UDP packet on lo)', () => {
  it('jump, goto, RETURN from a goto-ed chain, MARK then mark match, multiport', () => {
    const r = compare(table('ACCEPT', ['A', 'B', 'C'], [
      '-A OUTPUT -p udp --dport 53 -j A',
      '-A OUTPUT -p udp -j MARK --set-mark 0x1',
      '-A OUTPUT -m mark --mark 0x1 -j B',
      '-A OUTPUT -j ACCEPT',
      '-A A -g C',
      '-A A -j DROP',
      '-A B -p udp -m multiport --dports 50:60,99 -j RETURN',
      '-A B -j DROP',
      '-A C -m comment --comment "in C" -j RETURN',
      '-A C -j DROP',
    ]));
    expect(r.verdict).toBe('ACCEPT');
  });

  it('RETURN at the top level and falling off the end both apply the policy', () => {
    const r = compare(table('ACCEPT', ['A'], [
      '-A OUTPUT -j A',
      '-A OUTPUT ! -o lo -j DROP',
      '-A OUTPUT -p udp --sport 39000:41000 -j RETURN',
      '-A OUTPUT -j DROP',
      '-A A -o l+ -j MARK --or-mark 0x4000',
    ]));
    expect(r.byPolicy).toBe(true);
  });

  it('goto from the built-in chain, then falling off the goto-ed chain: policy', () => {
    compare(table('ACCEPT', ['G'], [
      '-A OUTPUT -g G',
      '-A OUTPUT -j DROP',
      '-A G -p udp -j MARK --xor-mark 0x3',
      '-A G -m mark ! --mark 0x3 -j DROP',
    ]));
  });

  it('addrtype LOCAL, conntrack NEW, negated entry fields, nth every 1, DROP', () => {
    const r = compare(table('ACCEPT', [], [
      '-A OUTPUT -m addrtype --dst-type LOCAL -m conntrack --ctstate NEW -j MARK --set-xmark 0x10/0xff',
      '-A OUTPUT ! -s 10.0.0.0/8 ! -d 127.0.0.2/32 -p udp ! --dport 54 -m statistic --mode nth --every 1 --packet 0',
      '-A OUTPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
      '-A OUTPUT -m mark --mark 0x10/0xf0 -m addrtype ! --src-type UNICAST -j DROP',
      '-A OUTPUT -j ACCEPT',
    ]));
    expect(r.verdict).toBe('DROP');
  });
});

describe('kube-proxy + Calico nat path = kernel counters (fixtures/kube-proxy-calico.rules)', () => {
  it('a UDP DNS query to 10.96.0.10 from the node: KUBE-SERVICES → KUBE-SVC → KUBE-SEP DNAT, then MASQUERADE', () => {
    const fixture = readFileSync(join(import.meta.dirname, 'fixtures', 'kube-proxy-calico.rules'), 'utf8');
    const nat = `${fixture.slice(fixture.indexOf('*nat'))}`;
    const kernel = kernelCounters(nat, {
      table: 'nat',
      objects: join(import.meta.dirname, 'fixtures', 'kube-proxy-calico.rules.objects'),
      // A veth whose peer stays down swallows what leaves: nothing goes outside this namespace.
      setup: [
        ['link', 'add', 'd0', 'type', 'veth', 'peer', 'name', 'd1'],
        ['addr', 'add', '192.168.10.101/24', 'dev', 'd0'],
        ['link', 'set', 'd0', 'up'],
        ['route', 'add', 'default', 'dev', 'd0'],
      ],
      send: "import socket\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('192.168.10.101', 40000))\ns.sendto(b'x', ('10.96.0.10', 53))\n",
    });
    const counted = countedHits(kernel, 'nat');
    expect(counted.length).toBeGreaterThan(0);
    const { ruleset } = parseIptables(nat);
    const env = {
      addressType: (ip: string) => (ip === '192.168.10.101' || ip.startsWith('127.') ? 'LOCAL' as const : 'UNICAST' as const),
      ipsets: ['cali40all-hosts-net', 'cali40masq-ipam-pools', 'cali40all-ipam-pools'].map((name) => ({ name, type: 'hash:net' as const, members: [] })),
      // The kernel drew its own random numbers: replay its choice (a statistic rule counted = it matched).
      chooseRandom: (_p: number, at: { chain: string; index: number }) => counted.includes(`${at.chain}#${at.index}`),
    };
    const first: NetfilterPacket = { ...PACKET, src: '192.168.10.101', dst: '10.96.0.10', outIface: 'd0' };
    const out = evaluateHook(ruleset, 'nat', 'OUTPUT', first, env);
    expect(out.nat?.kind).toBe('DNAT');
    const after: NetfilterPacket = {
      ...out.packet, dst: out.nat?.toIp ?? '', dport: out.nat?.toPort ?? 0, ctNat: { dnat: true, snat: false },
    };
    const post = evaluateHook(ruleset, 'nat', 'POSTROUTING', after, env);
    expect(post.nat).toMatchObject({ kind: 'MASQUERADE', randomFully: true });
    expect([...out.problems, ...post.problems]).toEqual([]);
    const ours = [...out.hits, ...post.hits].filter((h) => h.ref.index >= 0).map((h) => `${h.ref.chain}#${h.ref.index}`);
    expect(ours.sort()).toEqual([...counted].sort());

    // Conntrack: the kernel's entry for this flow, in the same layout as `conntrack -L` (the
    // kernel adds "ipv4     2 " and "zone=…"; MASQUERADE --random-fully chose the source port).
    const line = lastConntrack.split('\n').find((l) => l.includes('dst=10.96.0.10')) ?? '';
    expect(line).toContain('[UNREPLIED]');
    const kernelPort = Number(/ dport=(\d+) mark=/.exec(line)?.[1]);
    const made = conntrackCreate(newConntrackTable('node'), { proto: 'udp', src: '192.168.10.101', dst: '10.96.0.10', sport: 40000, dport: 53 }, {
      dnat: { ip: out.nat?.toIp ?? '', port: out.nat?.toPort ?? 0 },
      ...(kernelPort !== 40000 ? { snat: { ip: '192.168.10.101', port: kernelPort } } : {}),
    });
    const kernelView = line.replace(/^ipv4 +2 /, '').replace(/ zone=\d+/, '').replace(/use=\d+/, 'use=1').replace(/^(udp +17) \d+ /, '$1 29 ');
    expect(formatConntrackEntry(made.entry)).toBe(kernelView.trim());
  });
});

describe('random rule sets: evaluator hits = kernel counters', () => {
  const MATCHES = [
    '-p udp', '-p tcp', '-p udp --dport 53', '-p udp ! --sport 40000:40100', '! -o lo', '-o l+', '-m mark --mark 0x1/0x1',
    '-m mark ! --mark 0x2/0x2', '-m addrtype --dst-type LOCAL', '-m conntrack --ctstate NEW', '-m conntrack --ctstate ESTABLISHED',
    '-d 127.0.0.0/8', '! -s 127.0.0.1', '-m comment --comment c', '',
  ];
  const TARGETS = ['RETURN', 'ACCEPT', 'DROP', 'MARK --or-mark 0x1', 'MARK --xor-mark 0x2', ''];
  const CHAINS = ['OUTPUT', 'C1', 'C2', 'C3'];

  /** A rule set whose jumps only go "down" the chain list (the kernel refuses loops). */
  function randomRules(next: () => number, policy: string): string {
    const pick = <T,>(xs: T[]) => xs[Math.floor(next() * xs.length)] as T;
    const body: string[] = [];
    CHAINS.forEach((chain, ci) => {
      const n = 1 + Math.floor(next() * 5);
      for (let k = 0; k < n; k++) {
        const later = CHAINS.slice(ci + 1);
        const jump = later.length > 0 && next() < 0.35 ? `${next() < 0.3 ? '-g' : '-j'} ${pick(later)}` : '';
        const t = pick(TARGETS);
        const target = jump || (t ? `-j ${t}` : '');
        const m1 = pick(MATCHES);
        const m2 = next() < 0.3 ? pick(MATCHES) : '';
        // iptables refuses two -p (or two -o, -s, -d) in one rule.
        const clash = ['-p ', '-o ', '-s ', '-d '].some((f) => m1.includes(f) && m2.includes(f));
        body.push(`-A ${chain} ${m1} ${clash ? '' : m2} ${target}`.replace(/ +/g, ' ').trim());
      }
    });
    return table(policy, CHAINS.slice(1), body);
  }

  it('8 seeded rule sets', () => {
    let seed = 20261123;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let c = 0; c < 8; c++) {
      const rules = randomRules(next, c % 3 === 0 ? 'DROP' : 'ACCEPT');
      const parsed = parseIptables(rules);
      // Combinations iptables itself refuses (e.g. --dport without -p) are not generated.
      expect(parsed.problems).toEqual([]);
      compare(rules);
    }
  });
});
