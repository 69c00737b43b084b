/**
 * The evaluator against the kernel's documented semantics (iptables(8) TARGETS, iptables-extensions(8),
 * net/ipv4/netfilter/ip_tables.c ipt_do_table). Each expectation is derived from those, not from
 * our own output.
 */
import { describe, expect, it } from 'vitest';
import { evaluateHook, parseIptables } from './index';
import type { BuiltinChain, NetfilterEnv, NetfilterPacket, Ruleset, TableName } from './types';

function rules(text: string): Ruleset {
  const { ruleset, problems } = parseIptables(text);
  expect(problems).toEqual([]);
  return ruleset;
}

const filter = (body: string, policy = 'ACCEPT', chains: string[] = []) =>
  rules(`*filter\n:INPUT ${policy} [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n${chains.map((c) => `:${c} - [0:0]\n`).join('')}${body}\nCOMMIT\n`);
const nat = (body: string, chains: string[] = []) =>
  rules(`*nat\n${chains.map((c) => `:${c} - [0:0]\n`).join('')}${body}\nCOMMIT\n`);

const LOCAL = new Set(['192.168.10.101', '127.0.0.1']);
function env(over: Partial<NetfilterEnv> = {}): NetfilterEnv {
  return { addressType: (ip) => (LOCAL.has(ip) ? 'LOCAL' : 'UNICAST'), ipsets: [], chooseRandom: () => false, ...over };
}
function pkt(over: Partial<NetfilterPacket> = {}): NetfilterPacket {
  return {
    src: '172.16.1.2', dst: '10.96.0.5', proto: 'tcp', sport: 40000, dport: 80, mark: 0,
    ctState: 'NEW', ctNat: { dnat: false, snat: false }, inIface: 'cali1234', ...over,
  };
}
const run = (rs: Ruleset, p: Partial<NetfilterPacket> = {}, e: Partial<NetfilterEnv> = {}, table: TableName = 'filter', hook: BuiltinChain = 'INPUT') =>
  evaluateHook(rs, table, hook, pkt(p), env(e));
const hitText = (r: ReturnType<typeof run>) => r.hits.map((h) => h.text);

describe('chains, policies, jump/goto/return', () => {
  it('an empty built-in chain applies its policy', () => {
    const r = run(filter('', 'DROP'));
    expect(r.verdict).toBe('DROP');
    expect(r.byPolicy).toBe(true);
    expect(r.hits).toEqual([{ ref: { table: 'filter', chain: 'INPUT', index: -1 }, text: '-P INPUT DROP', target: 'DROP' }]);
  });

  it('a user chain that falls off its end returns to the rule after the jump', () => {
    const r = run(filter('-A INPUT -j A\n-A INPUT -j DROP\n-A A -j MARK --set-mark 0x1', 'ACCEPT', ['A']));
    expect(hitText(r)).toEqual(['-A INPUT -j A', '-A A -j MARK --set-xmark 0x1/0xffffffff', '-A INPUT -j DROP']);
    expect(r.verdict).toBe('DROP');
    expect(r.packet.mark).toBe(1);
    expect(r.chains).toEqual(['INPUT', 'A']);
  });

  it('RETURN in a built-in chain applies the policy', () => {
    const r = run(filter('-A INPUT -j RETURN\n-A INPUT -j ACCEPT', 'DROP'));
    expect(r.verdict).toBe('DROP');
    expect(r.byPolicy).toBe(true);
  });

  it('RETURN from a goto-ed chain resumes in the chain that jumped (iptables(8) -g)', () => {
    // INPUT -j A; A -g B; B RETURNs → back in INPUT after "-j A", A's later rules never run.
    const r = run(filter('-A INPUT -j A\n-A INPUT -j ACCEPT\n-A A -g B\n-A A -j DROP\n-A B -j RETURN', 'DROP', ['A', 'B']));
    expect(hitText(r)).toEqual(['-A INPUT -j A', '-A A -g B', '-A B -j RETURN', '-A INPUT -j ACCEPT']);
    expect(r.verdict).toBe('ACCEPT');
  });

  it('goto from the built-in chain, then falling off the goto-ed chain, applies the policy', () => {
    const r = run(filter('-A INPUT -g B\n-A INPUT -j ACCEPT', 'DROP', ['B']));
    expect(r.verdict).toBe('DROP');
    expect(r.byPolicy).toBe(true);
  });

  it('ACCEPT in a user chain ends the whole table', () => {
    const r = run(filter('-A INPUT -j A\n-A INPUT -j DROP\n-A A -j ACCEPT', 'DROP', ['A']));
    expect(r.verdict).toBe('ACCEPT');
    expect(r.byPolicy).toBe(false);
    expect(r.hits.map((h) => h.target)).toEqual(['A', 'ACCEPT']);
  });

  it('a rule without a target only counts and processing goes on', () => {
    const r = run(filter('-A INPUT -p tcp\n-A INPUT -j DROP'));
    expect(r.hits.map((h) => h.ref.index)).toEqual([0, 1]);
    expect(r.verdict).toBe('DROP');
  });

  it('REJECT reports its --reject-with (default icmp-port-unreachable)', () => {
    expect(run(filter('-A INPUT -j REJECT')).rejectWith).toBe('icmp-port-unreachable');
    const r = run(filter('-A INPUT -p tcp -j REJECT --reject-with tcp-reset'));
    expect(r.verdict).toBe('REJECT');
    expect(r.rejectWith).toBe('tcp-reset');
  });

  it('LOG and MARK are non-terminating and listed as effects', () => {
    const r = run(filter('-A INPUT -j LOG --log-prefix "in: "\n-A INPUT -j MARK --set-xmark 0x10/0xf0\n-A INPUT -j CONNMARK --set-mark 0x3', 'DROP'), { mark: 0xff });
    expect(r.effects?.map((e) => e.note)).toEqual(['LOG', 'MARK', 'CONNMARK']);
    // xmark: (0xff & ~0xf0) ^ 0x10 = 0x1f
    expect(r.packet.mark).toBe(0x1f);
    expect(r.connmark).toBe(3);
    expect(r.verdict).toBe('DROP');
  });

  it('does not mutate the rule set or the packet it was given', () => {
    const rs = filter('-A INPUT -j MARK --or-mark 0x4000');
    const before = JSON.stringify(rs);
    const p = pkt();
    const r = evaluateHook(rs, 'filter', 'INPUT', p, env());
    expect(r.packet.mark).toBe(0x4000);
    expect(p.mark).toBe(0);
    expect(JSON.stringify(rs)).toBe(before);
  });

  it('a table or chain that does not exist accepts', () => {
    expect(run(filter(''), {}, {}, 'mangle', 'PREROUTING').verdict).toBe('ACCEPT');
  });
});

describe('entry fields', () => {
  const first = (rule: string, p: Partial<NetfilterPacket> = {}, hook: BuiltinChain = 'INPUT') =>
    run(filter(`-A ${hook} ${rule} -j DROP`), p, {}, 'filter', hook).verdict === 'DROP';
  it('-s/-d prefixes and negation', () => {
    expect(first('-s 172.16.0.0/16')).toBe(true);
    expect(first('! -s 172.16.0.0/16')).toBe(false);
    expect(first('-d 10.96.0.5')).toBe(true);
    expect(first('-d 10.96.0.6/32')).toBe(false);
    expect(first('! -d 10.96.0.6/32')).toBe(true);
  });
  it('-i/-o with the + wildcard; no input interface at OUTPUT', () => {
    expect(first('-i cali+')).toBe(true);
    expect(first('-i cali')).toBe(false);
    expect(first('! -i cali+')).toBe(false);
    expect(first('-o eth0', { outIface: 'eth0' })).toBe(true);
    expect(first('! -i eth0', { inIface: undefined }, 'OUTPUT')).toBe(true);
    expect(first('-i +', { inIface: undefined }, 'OUTPUT')).toBe(true);
  });
  it('-p by name or number, negated, and all', () => {
    expect(first('-p 6')).toBe(true);
    expect(first('-p udp')).toBe(false);
    expect(first('! -p udp')).toBe(true);
    expect(first('-p all')).toBe(true);
  });
  it('-f never matches an unfragmented packet; ! -f always does', () => {
    expect(first('-f')).toBe(false);
    expect(first('! -f')).toBe(true);
  });
});

describe('match extensions', () => {
  const m = (rule: string, p: Partial<NetfilterPacket> = {}, e: Partial<NetfilterEnv> = {}) =>
    run(filter(`-A INPUT ${rule} -j DROP`), p, e).verdict === 'DROP';
  it('tcp/udp/sctp ports, ranges and negation; the protocol must agree', () => {
    expect(m('-p tcp --dport 80')).toBe(true);
    expect(m('-p tcp --dport 1:79')).toBe(false);
    expect(m('-p tcp --sport 30000:')).toBe(true);
    expect(m('-p tcp ! --dport 80')).toBe(false);
    expect(m('-p udp --dport 53', { proto: 'udp', dport: 53 })).toBe(true);
    expect(m('-p sctp --dport 80', { proto: 'sctp' })).toBe(true);
    expect(m('-p tcp -m tcp --dport 80', { proto: 'udp' })).toBe(false);
  });
  it('tcp --syn matches a NEW connection’s first packet only', () => {
    expect(m('-p tcp --syn')).toBe(true);
    expect(m('-p tcp --syn', { ctState: 'ESTABLISHED' })).toBe(false);
    expect(m('-p tcp --tcp-flags SYN,ACK ACK', { tcpFlags: ['ACK', 'PSH'] })).toBe(true);
  });
  it('multiport --dports/--sports/--ports', () => {
    expect(m('-p tcp -m multiport --dports 22,80:90')).toBe(true);
    expect(m('-p tcp -m multiport ! --dports 22,80:90')).toBe(false);
    expect(m('-p tcp -m multiport --sports 22')).toBe(false);
    expect(m('-p tcp -m multiport --ports 40000')).toBe(true);
  });
  it('addrtype through env.addressType', () => {
    expect(m('-m addrtype --dst-type LOCAL', { dst: '192.168.10.101' })).toBe(true);
    expect(m('-m addrtype --dst-type LOCAL')).toBe(false);
    expect(m('-m addrtype ! --dst-type LOCAL')).toBe(true);
    expect(m('-m addrtype --src-type LOCAL --limit-iface-out', { src: '127.0.0.1' })).toBe(true);
  });
  it('mark value/mask', () => {
    expect(m('-m mark --mark 0x4000/0x4000', { mark: 0x4001 })).toBe(true);
    expect(m('-m mark --mark 0x4000', { mark: 0x4001 })).toBe(false);
    expect(m('-m mark ! --mark 0x4000/0x4000')).toBe(true);
  });
  it('conntrack --ctstate with the DNAT/SNAT pseudo-states; state has none', () => {
    expect(m('-m conntrack --ctstate RELATED,ESTABLISHED', { ctState: 'ESTABLISHED' })).toBe(true);
    expect(m('-m conntrack --ctstate RELATED,ESTABLISHED')).toBe(false);
    expect(m('-m conntrack --ctstate DNAT', { ctNat: { dnat: true, snat: false } })).toBe(true);
    // KUBE-FIREWALL: ! --ctstate RELATED,ESTABLISHED,DNAT must not match a DNATed NEW packet.
    expect(m('-m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT', { ctNat: { dnat: true, snat: false } })).toBe(false);
    expect(m('-m conntrack --ctstate INVALID', { ctState: 'INVALID' })).toBe(true);
    expect(m('-m state --state NEW')).toBe(true);
    expect(m('-m conntrack --ctstatus ASSURED', { ctState: 'ESTABLISHED' })).toBe(true);
    expect(m('-m conntrack --ctstate DNAT --ctorigdst 10.96.0.5 --ctorigdstport 80', {
      dst: '172.16.2.3', dport: 8080, ctNat: { dnat: true, snat: false },
      ctOrig: { src: '172.16.1.2', dst: '10.96.0.5', sport: 40000, dport: 80 },
    })).toBe(true);
  });
  it('statistic --mode random asks env.chooseRandom with the probability the kernel stored', () => {
    const asked: number[] = [];
    const r = run(filter('-A INPUT -m statistic --mode random --probability 0.3333333333 -j DROP'), {}, {
      chooseRandom: (p, at) => {
        asked.push(p);
        expect(at).toEqual({ table: 'filter', chain: 'INPUT', index: 0 });
        return true;
      },
    });
    expect(r.verdict).toBe('DROP');
    expect(asked).toEqual([715827883 / 2 ** 31]); // lround(2^31/3) = 715827883
    expect(m('-m statistic --mode random ! --probability 0.5', {}, { chooseRandom: () => true })).toBe(false);
  });
  it('statistic --mode nth matches packets n, 2n, …', () => {
    const nth = (seen: number) => m('-m statistic --mode nth --every 3 --packet 0', {}, { nthSeen: () => seen });
    expect([0, 1, 2, 3, 4, 5].map(nth)).toEqual([false, false, true, false, false, true]);
  });
  it('recent --rcheck looks the source up; --set reports an update for the walker', () => {
    const rule = '-m recent --name KUBE-SEP-A --rcheck --seconds 10800 --reap';
    expect(m(rule)).toBe(false);
    expect(m(rule, {}, { recent: { 'KUBE-SEP-A': ['172.16.1.2'] } })).toBe(true);
    expect(m('-m recent --name X --rdest --rcheck', {}, { recent: { X: ['10.96.0.5'] } })).toBe(true);
    const r = run(filter('-A INPUT -m recent --name KUBE-SEP-A --set -j ACCEPT'));
    expect(r.verdict).toBe('ACCEPT');
    expect(r.recent).toEqual([{ name: 'KUBE-SEP-A', ip: '172.16.1.2', op: 'set', at: { table: 'filter', chain: 'INPUT', index: 0 } }]);
  });
  it('physdev', () => {
    const br = { physdevIn: 'veth1', physdevOut: 'veth2', physdevIsBridged: true };
    expect(m('-m physdev --physdev-in veth+ --physdev-is-bridged', br)).toBe(true);
    expect(m('-m physdev --physdev-is-bridged')).toBe(false);
    expect(m('-m physdev ! --physdev-is-in')).toBe(true);
  });
  it('set --match-set through env.ipsets; a missing set is a problem, not a match', () => {
    const ipsets: NetfilterEnv['ipsets'] = [
      { name: 'cali40masq-ipam-pools', type: 'hash:net', members: ['172.16.0.0/16'] },
      { name: 'cali40all-ipam-pools', type: 'hash:net', members: ['172.16.0.0/16'] },
    ];
    const rule = '-m set --match-set cali40masq-ipam-pools src -m set ! --match-set cali40all-ipam-pools dst';
    expect(m(rule, { dst: '1.1.1.1' }, { ipsets })).toBe(true);
    expect(m(rule, { dst: '172.16.9.9' }, { ipsets })).toBe(false);
    const r = run(filter('-A INPUT -m set --match-set nope src -j DROP'));
    expect(r.verdict).toBe('ACCEPT');
    expect(r.problems.join()).toContain('nope');
  });
  it('icmp --icmp-type', () => {
    expect(m('-p icmp --icmp-type echo-request', { proto: 'icmp' })).toBe(true);
    expect(m('-p icmp --icmp-type 3/3', { proto: 'icmp', icmpType: 3, icmpCode: 3 })).toBe(true);
    expect(m('-p icmp --icmp-type port-unreachable', { proto: 'icmp', icmpType: 3, icmpCode: 1 })).toBe(false);
  });
  it('comment, nfacct and limit always match', () => {
    expect(m('-m comment --comment x -m nfacct --nfacct-name ct_state_invalid_dropped_pkts -m limit --limit 1/sec')).toBe(true);
  });
  it('an unknown match or target is reported and the rule does not match', () => {
    const parsed = parseIptables('*filter\n-A INPUT -m mac --mac-source 00:11:22:33:44:55 -j DROP\n-A INPUT -j FROB --frob 1\n-A INPUT -j TPROXY --on-port 1\nCOMMIT\n');
    // FROB is neither a chain nor a target iptables knows: the parser says so too.
    expect(parsed.problems.map((p) => [p.line, p.code])).toEqual([[3, 'iptables-unknown-chain']]);
    const r = evaluateHook(parsed.ruleset, 'filter', 'INPUT', pkt(), env());
    expect(r.verdict).toBe('ACCEPT');
    expect(r.problems).toHaveLength(3);
    expect(r.problems[0]).toContain('-m mac');
  });
});

describe('nat targets (reported, not applied)', () => {
  const svc = nat(
    [
      '-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
      '-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING',
      '-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000',
      '-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN',
      '-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000',
      '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully',
      '-A KUBE-SERVICES -m comment --comment "ns/svc:p cluster IP" -m tcp -p tcp -d 10.96.0.5 --dport 80 -j KUBE-SVC-X',
      '-A KUBE-SVC-X -m comment --comment "ns/svc:p cluster IP" -m tcp -p tcp -d 10.96.0.5 --dport 80 ! -s 172.16.0.0/16 -j KUBE-MARK-MASQ',
      '-A KUBE-SVC-X -m comment --comment "ns/svc:p -> 172.16.1.9:8080" -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-A',
      '-A KUBE-SVC-X -m comment --comment "ns/svc:p -> 172.16.2.3:8080" -j KUBE-SEP-B',
      '-A KUBE-SEP-A -m comment --comment ns/svc:p -s 172.16.1.9 -j KUBE-MARK-MASQ',
      '-A KUBE-SEP-A -m comment --comment ns/svc:p -m tcp -p tcp -j DNAT --to-destination 172.16.1.9:8080',
      '-A KUBE-SEP-B -m comment --comment ns/svc:p -s 172.16.2.3 -j KUBE-MARK-MASQ',
      '-A KUBE-SEP-B -m comment --comment ns/svc:p -m tcp -p tcp -j DNAT --to-destination 172.16.2.3:8080',
    ].join('\n'),
    ['KUBE-SERVICES', 'KUBE-POSTROUTING', 'KUBE-MARK-MASQ', 'KUBE-SVC-X', 'KUBE-SEP-A', 'KUBE-SEP-B'],
  );
  it('a ClusterIP packet walks KUBE-SERVICES → KUBE-SVC → KUBE-SEP and ends in DNAT', () => {
    const r = run(svc, {}, { chooseRandom: () => false }, 'nat', 'PREROUTING');
    expect(r.verdict).toBe('ACCEPT');
    expect(r.nat).toMatchObject({ kind: 'DNAT', toIp: '172.16.2.3', toPort: 8080, randomFully: false });
    expect(r.chains).toEqual(['PREROUTING', 'KUBE-SERVICES', 'KUBE-SVC-X', 'KUBE-SEP-B']);
    expect(r.hits.map((h) => h.target)).toEqual(['KUBE-SERVICES', 'KUBE-SVC-X', 'KUBE-SEP-B', 'DNAT']);
    expect(r.packet.mark).toBe(0);
  });
  it('from outside the cluster CIDR the packet is marked 0x4000 on the way', () => {
    const r = run(svc, { src: '192.168.10.50' }, { chooseRandom: () => true }, 'nat', 'PREROUTING');
    expect(r.packet.mark).toBe(0x4000);
    expect(r.nat?.toIp).toBe('172.16.1.9');
  });
  it('KUBE-POSTROUTING: unmarked packets RETURN (policy ACCEPT), marked ones lose the mark and MASQUERADE', () => {
    const plain = run(svc, {}, {}, 'nat', 'POSTROUTING');
    expect(plain.nat).toBeUndefined();
    expect(plain.byPolicy).toBe(true);
    const marked = run(svc, { mark: 0x4000 }, {}, 'nat', 'POSTROUTING');
    expect(marked.nat).toMatchObject({ kind: 'MASQUERADE', randomFully: true });
    expect(marked.packet.mark).toBe(0);
  });
  it('SNAT and REDIRECT report their address and port', () => {
    const rs = nat('-A POSTROUTING -p tcp -j SNAT --to-source 1.2.3.4:1000-2000\n-A OUTPUT -p tcp -j REDIRECT --to-ports 15001');
    expect(run(rs, {}, {}, 'nat', 'POSTROUTING').nat).toMatchObject({ kind: 'SNAT', toIp: '1.2.3.4', toPort: 1000 });
    const red = run(rs, {}, {}, 'nat', 'OUTPUT').nat;
    expect(red).toMatchObject({ kind: 'REDIRECT', toPort: 15001 });
    expect(red?.toIp).toBeUndefined();
  });
});

describe('raw table', () => {
  const raw = rules([
    '*raw',
    ':cali-PREROUTING - [0:0]',
    '-A PREROUTING -j cali-PREROUTING',
    '-A cali-PREROUTING -i cali+ -j MARK --set-xmark 0x40000/0x40000',
    '-A cali-PREROUTING -m mark --mark 0x40000/0x40000 -m rpfilter --validmark --invert -j DROP',
    '-A cali-PREROUTING -p udp --dport 4789 -j NOTRACK',
    'COMMIT',
  ].join('\n') + '\n');
  it('rpfilter --invert drops only when the reverse path is bad', () => {
    expect(run(raw, {}, {}, 'raw', 'PREROUTING').verdict).toBe('ACCEPT');
    expect(run(raw, {}, { reversePathOk: () => false }, 'raw', 'PREROUTING').verdict).toBe('DROP');
  });
  it('NOTRACK leaves the packet UNTRACKED for the tables after raw', () => {
    const r = run(raw, { proto: 'udp', dport: 4789, inIface: 'eth0' }, {}, 'raw', 'PREROUTING');
    expect(r.packet.ctState).toBe('UNTRACKED');
  });
});

describe('rule sets edited after evaluation', () => {
  it('a rule appended to a chain already evaluated is seen by the next evaluation', () => {
    const rs = filter('-A INPUT -p udp -j DROP', 'ACCEPT', ['A']);
    expect(run(rs).verdict).toBe('ACCEPT');
    rs.tables[0]?.chains.find((c) => c.name === 'INPUT')?.rules.push({ matches: [], target: { name: 'DROP', goto: false, options: [] } });
    expect(run(rs).verdict).toBe('DROP');
  });
});
