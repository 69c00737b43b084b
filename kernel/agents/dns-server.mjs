// A tiny DNS server for a lab netns: answers from a zone file (the model's records), says NXDOMAIN
// for other names inside its zone, forwards the rest to an upstream resolver, and logs every query
// with the answer it gave, one JSON line each.
// usage: node dns-server.mjs ZONE_JSON LOGFILE
//   ZONE_JSON: { "zone": "cluster.local" | null, "records": [{ "name", "type": "A"|"SRV"|"PTR"|"CNAME", "value" }],
//                "forward": "1.1.1.1" | null }   (zone null: answer only what the records list, NXDOMAIN otherwise)
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { createSocket } from 'node:dgram';

const [zoneFile, logFile] = process.argv.slice(2);
const conf = JSON.parse(readFileSync(zoneFile, 'utf8'));
writeFileSync(logFile, '');
const TYPES = { 1: 'A', 5: 'CNAME', 12: 'PTR', 28: 'AAAA', 33: 'SRV' };
const CODES = Object.fromEntries(Object.entries(TYPES).map(([k, v]) => [v, Number(k)]));

function readName(buf, off) {
  const labels = [];
  for (;;) {
    if (off >= buf.length || labels.length > 127) throw new Error('not a DNS name');
    const len = buf[off];
    if (len === 0) return { name: labels.join('.'), end: off + 1 };
    labels.push(buf.subarray(off + 1, off + 1 + len).toString('ascii'));
    off += len + 1;
  }
}

function encodeName(name) {
  const parts = name.replace(/\.$/, '').split('.').filter(Boolean);
  return Buffer.concat([...parts.map((p) => Buffer.concat([Buffer.from([p.length]), Buffer.from(p, 'ascii')])), Buffer.from([0])]);
}

function rdata(type, value) {
  if (type === 'A') return Buffer.from(value.split('.').map(Number));
  if (type === 'SRV') {
    const [prio, weight, port, target] = value.split(' ');
    const b = Buffer.alloc(6);
    b.writeUInt16BE(Number(prio), 0);
    b.writeUInt16BE(Number(weight), 2);
    b.writeUInt16BE(Number(port), 4);
    return Buffer.concat([b, encodeName(target)]);
  }
  return encodeName(value);
}

function answer(query, qEnd, rcode, records) {
  const header = Buffer.from(query.subarray(0, 12));
  header[2] = 0x84 | (query[2] & 0x01); // QR, AA, keep RD
  header[3] = 0x80 | rcode; // RA
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(records.length, 6);
  header.writeUInt16BE(0, 8);
  header.writeUInt16BE(0, 10);
  const rrs = records.map((r) => {
    const data = rdata(r.type, r.value);
    const fixed = Buffer.alloc(10);
    fixed.writeUInt16BE(CODES[r.type], 0);
    fixed.writeUInt16BE(1, 2);
    fixed.writeUInt32BE(5, 4);
    fixed.writeUInt16BE(data.length, 8);
    return Buffer.concat([Buffer.from([0xc0, 0x0c]), fixed, data]);
  });
  return Buffer.concat([header, query.subarray(12, qEnd), ...rrs]);
}

const inZone = (name) => conf.zone !== null && (name === conf.zone || name.endsWith(`.${conf.zone}`));
const sock = createSocket('udp4');
const pending = new Map();
const upstream = createSocket('udp4');
upstream.on('message', (msg) => {
  const p = pending.get(msg.readUInt16BE(0));
  if (!p) return;
  pending.delete(msg.readUInt16BE(0));
  const rcode = msg[3] & 0x0f;
  appendFileSync(logFile, `${JSON.stringify({ ...p.log, rcode: rcode === 0 ? 'NOERROR' : rcode === 3 ? 'NXDOMAIN' : `RCODE${rcode}`, forwarded: conf.forward, answers: msg.readUInt16BE(6) })}\n`);
  sock.send(msg, p.port, p.address);
});

sock.on('message', (msg, rinfo) => {
  let parsed;
  try {
    parsed = readName(msg, 12);
    if (msg.length < parsed.end + 4) throw new Error('short');
  } catch {
    // Not a DNS query (a plain UDP probe): record the peer and answer, like the plain listener.
    appendFileSync(logFile, `${JSON.stringify({ t: Number(process.hrtime.bigint() / 1000n), peer: rinfo.address, raw: true })}\n`);
    sock.send('pong\n', rinfo.port, rinfo.address);
    return;
  }
  const { name, end } = parsed;
  const type = TYPES[msg.readUInt16BE(end)] ?? String(msg.readUInt16BE(end));
  const qEnd = end + 4;
  const lname = name.toLowerCase();
  const log = { t: Number(process.hrtime.bigint() / 1000n), peer: rinfo.address, name: lname, type };
  if (conf.zone === null || inZone(lname)) {
    const named = conf.records.filter((r) => r.name.toLowerCase() === lname);
    const hits = named.filter((r) => r.type === type);
    const rcode = named.length > 0 || (conf.zone !== null && conf.records.some((r) => r.name.toLowerCase().endsWith(`.${lname}`))) ? 0 : 3;
    appendFileSync(logFile, `${JSON.stringify({ ...log, rcode: rcode === 0 ? 'NOERROR' : 'NXDOMAIN', answers: hits.map((h) => h.value) })}\n`);
    sock.send(answer(msg, qEnd, rcode, hits), rinfo.port, rinfo.address);
    return;
  }
  if (!conf.forward) {
    appendFileSync(logFile, `${JSON.stringify({ ...log, rcode: 'REFUSED', answers: [] })}\n`);
    sock.send(answer(msg, qEnd, 5, []), rinfo.port, rinfo.address);
    return;
  }
  pending.set(msg.readUInt16BE(0), { address: rinfo.address, port: rinfo.port, log });
  upstream.send(msg, 53, conf.forward);
});

sock.bind(53, '0.0.0.0', () => upstream.bind(0, () => process.stdout.write('ready\n')));
process.on('SIGTERM', () => process.exit(0));
