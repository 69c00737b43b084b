import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatRule, parseIptables, printIptablesSave } from './index';
import { tokenizeLine } from './tokenize';

const where = (text: string) => parseIptables(text).problems.map((p) => [p.line, p.col, p.code]);

describe('tokenizeLine (iptables-restore add_param_to_argv)', () => {
  const words = (line: string) => tokenizeLine(line).tokens.map((t) => t.text);
  it('double quotes group, backslash escapes inside quotes, the closing quote ends the argument', () => {
    expect(words('-m comment --comment "a b"')).toEqual(['-m', 'comment', '--comment', 'a b']);
    expect(words('--comment "say \\"hi\\" \\\\ ok"')).toEqual(['--comment', 'say "hi" \\ ok']);
    expect(words('--comment ""')).toEqual(['--comment', '']);
    // iptables-restore rejects `"x y"extra` with "Bad argument `extra'": the quote closes the argument.
    expect(words('"x y"extra')).toEqual(['x y', 'extra']);
    expect(words("--comment 'x'")).toEqual(['--comment', "'x'"]);
    expect(words('a\\b')).toEqual(['a\\b']);
  });
  it('reports an unterminated quote with its column', () => {
    expect(tokenizeLine('-A X -m comment --comment "open').error).toEqual({ col: 27, message: 'unterminated quote' });
  });
});

describe('parse problems carry line and column', () => {
  it('a rule before any table', () => {
    expect(where('-A INPUT -j ACCEPT\n')).toEqual([[1, 1, 'iptables-syntax']]);
  });
  it('an unknown option, a bad address, a bad protocol, a dangling !', () => {
    const text = [
      '*filter',
      '-A INPUT -p tcp --frobnicate 1 -j ACCEPT',
      '-A INPUT -s 10.0.0.300 -j ACCEPT',
      '-A INPUT -p tcpx -j ACCEPT',
      '-A INPUT -j ACCEPT !',
      'COMMIT',
    ].join('\n');
    expect(where(text)).toEqual([
      [2, 17, 'iptables-unknown-option'],
      [3, 13, 'iptables-syntax'],
      [4, 13, 'iptables-syntax'],
      [5, 20, 'iptables-syntax'],
    ]);
  });
  it('a second -p/-s/-o is refused, as iptables does ("multiple -p flags not allowed")', () => {
    expect(where('*filter\n-A INPUT -p udp -p tcp\n-A INPUT -s 1.1.1.1 -s 2.2.2.2\n-A INPUT -o a -o b\nCOMMIT\n')).toEqual([
      [2, 17, 'iptables-syntax'], [3, 21, 'iptables-syntax'], [4, 15, 'iptables-syntax'],
    ]);
  });
  it('! with an address list is refused, as iptables does', () => {
    // iptables-restore: "! not allowed with multiple source or destination IP addresses"
    expect(where('*filter\n:X - [0:0]\n-A X ! -s 5.5.5.5,6.6.6.6 -j DROP\nCOMMIT\n')).toEqual([[3, 6, 'iptables-syntax']]);
  });
  it('a jump to a chain that was never declared points at the -j', () => {
    expect(where('*nat\n:KUBE-SERVICES - [0:0]\n-A KUBE-SERVICES -d 10.96.0.1/32 -j KUBE-SVC-MISSING\nCOMMIT\n')).toEqual([
      [3, 34, 'iptables-unknown-chain'],
    ]);
  });
  it('an unknown table, a user chain with a policy, bad counters, a missing COMMIT', () => {
    expect(where('*natt\nCOMMIT\n')).toEqual([[1, 2, 'iptables-syntax'], [2, 1, 'iptables-syntax']]);
    expect(where('*nat\n:FOO ACCEPT [0:0]\nCOMMIT\n')).toEqual([[2, 6, 'iptables-syntax']]);
    expect(where('*nat\n[1:x] -A PREROUTING -j ACCEPT\nCOMMIT\n')).toEqual([[2, 1, 'iptables-syntax']]);
    const open = parseIptables('*filter\n-A INPUT -j ACCEPT\n');
    expect(open.problems.map((p) => [p.line, p.severity])).toEqual([[1, 'warning']]);
    expect(open.ruleset.tables[0]?.chains[0]?.rules).toHaveLength(1);
  });
  it('the rest of the text is still parsed after a bad line', () => {
    const { ruleset, problems } = parseIptables('*filter\n-A INPUT --bogus\n-A INPUT -j DROP\nCOMMIT\n');
    expect(problems).toHaveLength(1);
    expect(ruleset.tables[0]?.chains.find((c) => c.name === 'INPUT')?.rules).toHaveLength(1);
  });
});

describe('parse semantics', () => {
  const only = (text: string) => {
    const { ruleset, problems } = parseIptables(`*filter\n:X - [0:0]\n${text}\nCOMMIT\n`);
    expect(problems).toEqual([]);
    return ruleset.tables[0]?.chains.find((c) => c.name === 'X')?.rules ?? [];
  };
  it('-I inserts at a 1-based position; -N declares a chain; -P sets a policy', () => {
    const rs = only('-A X -j ACCEPT\n-I X -j DROP\n-I X 2 -j RETURN');
    expect(rs.map((r) => r.target?.name)).toEqual(['DROP', 'RETURN', 'ACCEPT']);
    const { ruleset } = parseIptables('*filter\n-N Y\n-P FORWARD DROP\n-A Y -j ACCEPT\nCOMMIT\n');
    expect(printIptablesSave(ruleset)).toContain(':FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n:Y - [0:0]\n-A Y -j ACCEPT\n');
  });
  it('an option after -j goes to the match that owns it (iptables merges all option tables)', () => {
    const [r] = only('-A X -j REJECT --reject-with tcp-reset -p tcp -m comment --comment late');
    expect(formatRule('X', r ?? { matches: [] })).toBe('-A X -p tcp -m comment --comment late -j REJECT --reject-with tcp-reset');
  });
  it('unknown extensions keep their options as written', () => {
    const [r] = only('-A X -m mac --mac-source 00:11:22:33:44:55 -j TOS --set-tos 0x10/0xff');
    expect(r?.matches).toEqual([{ module: 'mac', options: [{ name: 'mac-source', values: ['00:11:22:33:44:55'], negated: false }] }]);
    expect(formatRule('X', r ?? { matches: [] })).toBe('-A X -m mac --mac-source 00:11:22:33:44:55 -j TOS --set-tos 0x10/0xff');
  });
  it('nfacct prints with two spaces, as iptables-save 1.8.9 does (see fixtures/kube-proxy-calico.save)', () => {
    const [b] = only('-A X -m nfacct --nfacct-name localhost_nps_accepted_pkts');
    expect(formatRule('X', b ?? { matches: [] })).toBe('-A X -m nfacct --nfacct-name  localhost_nps_accepted_pkts');
  });
});

describe('parseIptables never throws', () => {
  const fragments = [
    '*filter', '*nat', 'COMMIT', ':X - [0:0]', ':INPUT DROP [1:2]', '-A', 'X', 'INPUT', '-j', '-g', 'ACCEPT', '-m', 'tcp',
    '--dport', '80', '!', '-p', 'tcp', '-s', '10.0.0.0/8', '"', '\\', '"a b"', '-m comment --comment', '--probability',
    'statistic', '--mode', 'random', '[1:2]', '-I', '-N', '-P', '#', '\n', ' ', '-c', 'DNAT', '--to-destination', ':',
    'recent', '--set', 'set', '--match-set', 'multiport', '--dports', '1:2,3',
  ];
  it('on random iptables-like text', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom(...fragments), fc.string()), { maxLength: 60 }), (parts) => {
        const text = parts.join(' ');
        const out = parseIptables(text);
        expect(Array.isArray(out.problems)).toBe(true);
        printIptablesSave(out.ruleset);
      }),
      { numRuns: 500 },
    );
  });
  it('on arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (s) => {
      printIptablesSave(parseIptables(s).ruleset);
    }), { numRuns: 500 });
  });
});
