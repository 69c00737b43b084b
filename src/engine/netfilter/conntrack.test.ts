/**
 * Expected lines follow libnetfilter_conntrack's snprintf_default.c: "%-8s %u " protocol name and
 * number, "%u " timeout, TCP state, "src= dst= sport= dport= " per tuple (ICMP: "type= code= id="),
 * "[UNREPLIED] " after the original tuple until a reply is seen, "[ASSURED] " after the reply
 * tuple, "mark=%u use=%u".
 */
import { describe, expect, it } from 'vitest';
import {
  conntrackListSummary, create, formatConntrackList, lookup, newConntrackTable, seenReply, streamed, translate,
} from './conntrack';

const syn = { proto: 'tcp' as const, src: '172.16.1.2', dst: '10.96.0.5', sport: 40000, dport: 80 };

describe('conntrack table', () => {
  it('records DNAT: the reply tuple comes from the endpoint, back to the client', () => {
    const { table, entry } = create(newConntrackTable('k8s-w1'), syn, { dnat: { ip: '172.16.2.3', port: 8080 } });
    expect(entry.reply).toEqual({ src: '172.16.2.3', dst: '172.16.1.2', sport: 8080, dport: 40000 });
    expect(entry.status).toEqual(['UNREPLIED', 'DNAT']);
    expect(table.entries).toHaveLength(1);
    const reply = { proto: 'tcp' as const, src: '172.16.2.3', dst: '172.16.1.2', sport: 8080, dport: 40000 };
    const found = lookup(table, reply);
    expect(found?.direction).toBe('reply');
    // The reply is un-DNATed: it appears to come from the service address.
    expect(translate(entry, 'reply', reply)).toEqual({ ...reply, src: '10.96.0.5', sport: 80 });
    expect(lookup(table, syn)?.direction).toBe('original');
    expect(translate(entry, 'original', syn)).toEqual({ ...syn, dst: '172.16.2.3', dport: 8080 });
    expect(lookup(table, { ...syn, sport: 40001 })).toBeNull();
  });

  it('records DNAT and SNAT together (NodePort from outside, masqueraded)', () => {
    const first = { proto: 'tcp' as const, src: '203.0.113.7', dst: '192.168.10.101', sport: 51000, dport: 30080 };
    const { entry } = create(newConntrackTable('k8s-w1'), first, {
      dnat: { ip: '172.16.93.65', port: 8080 },
      snat: { ip: '172.16.101.128', port: 51000 },
    });
    expect(entry.reply).toEqual({ src: '172.16.93.65', dst: '172.16.101.128', sport: 8080, dport: 51000 });
    expect(entry.status).toEqual(['UNREPLIED', 'DNAT', 'SNAT']);
  });

  it('does not change the table it was given', () => {
    const empty = newConntrackTable('n');
    create(empty, syn);
    expect(empty.entries).toEqual([]);
  });
});

describe('conntrack -L format', () => {
  it('an established, DNATed TCP connection', () => {
    let t = newConntrackTable('k8s-w1');
    const made = create(t, syn, { dnat: { ip: '172.16.2.3', port: 8080 } });
    t = seenReply(made.table, made.entry).table;
    expect(formatConntrackList(t.entries)).toBe(
      'tcp      6 431999 ESTABLISHED src=172.16.1.2 dst=10.96.0.5 sport=40000 dport=80 src=172.16.2.3 dst=172.16.1.2 sport=8080 dport=40000 [ASSURED] mark=0 use=1\n',
    );
  });
  it('a TCP SYN not answered yet', () => {
    const { entry } = create(newConntrackTable('n'), syn, {}, 0x4000);
    expect(formatConntrackList([entry])).toBe(
      'tcp      6 119 SYN_SENT src=172.16.1.2 dst=10.96.0.5 sport=40000 dport=80 [UNREPLIED] src=10.96.0.5 dst=172.16.1.2 sport=80 dport=40000 mark=16384 use=1\n',
    );
  });
  it('UDP DNS: unreplied, replied, then assured once it streams', () => {
    const q = { proto: 'udp' as const, src: '172.16.1.2', dst: '10.96.0.10', sport: 53000, dport: 53 };
    const made = create(newConntrackTable('n'), q, { dnat: { ip: '172.16.101.129', port: 53 } });
    expect(formatConntrackList([made.entry])).toBe(
      'udp      17 29 src=172.16.1.2 dst=10.96.0.10 sport=53000 dport=53 [UNREPLIED] src=172.16.101.129 dst=172.16.1.2 sport=53 dport=53000 mark=0 use=1\n',
    );
    const replied = seenReply(made.table, made.entry);
    expect(formatConntrackList([replied.entry])).toBe(
      'udp      17 29 src=172.16.1.2 dst=10.96.0.10 sport=53000 dport=53 src=172.16.101.129 dst=172.16.1.2 sport=53 dport=53000 mark=0 use=1\n',
    );
    expect(formatConntrackList([streamed(replied.table, replied.entry).entry])).toContain('dport=53000 [ASSURED] mark=0 use=1');
  });
  it('ICMP echo: type 8 out, type 0 back, same id', () => {
    const ping = { proto: 'icmp' as const, src: '172.16.1.2', dst: '172.16.2.3', sport: 4242, dport: 4242 };
    const made = create(newConntrackTable('n'), ping);
    expect(formatConntrackList([seenReply(made.table, made.entry).entry])).toBe(
      'icmp     1 29 src=172.16.1.2 dst=172.16.2.3 type=8 code=0 id=4242 src=172.16.2.3 dst=172.16.1.2 type=0 code=0 id=4242 mark=0 use=1\n',
    );
  });
  it('the summary line', () => {
    expect(conntrackListSummary(2)).toBe('conntrack v1.4.7 (conntrack-tools): 2 flow entries have been shown.\n');
  });
});
