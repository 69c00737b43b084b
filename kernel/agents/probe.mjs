// Sends one real probe from inside a lab netns and prints what the socket saw, as one JSON line.
// usage: node probe.mjs tcp|udp DST PORT TIMEOUT_MS
//   result: connected (TCP handshake done) | replied (UDP answer came back) | refused | unreachable | timeout
import { connect } from 'node:net';
import { createSocket } from 'node:dgram';

const [proto, dst, portText, timeoutText] = process.argv.slice(2);
const port = Number(portText);
const timeout = Number(timeoutText);

const codes = {
  ECONNREFUSED: 'refused',
  EHOSTUNREACH: 'unreachable',
  ENETUNREACH: 'unreachable',
  EACCES: 'refused',
  EPERM: 'refused',
};

function done(result, extra = {}) {
  process.stdout.write(`${JSON.stringify({ result, ...extra })}\n`);
  process.exit(0);
}

if (proto === 'tcp') {
  const sock = connect({ host: dst, port });
  const timer = setTimeout(() => done('timeout'), timeout);
  sock.on('connect', () => {
    clearTimeout(timer);
    const local = { address: sock.localAddress, port: sock.localPort };
    sock.end();
    done('connected', { local });
  });
  sock.on('error', (e) => {
    clearTimeout(timer);
    done(codes[e.code] ?? 'error', { code: e.code });
  });
} else {
  const sock = createSocket('udp4');
  const timer = setTimeout(() => done('timeout'), timeout);
  sock.on('error', (e) => {
    clearTimeout(timer);
    done(codes[e.code] ?? 'error', { code: e.code });
  });
  sock.on('message', (_msg, rinfo) => {
    clearTimeout(timer);
    done('replied', { local: { address: sock.address().address, port: sock.address().port }, from: rinfo.address, fromPort: rinfo.port });
  });
  // A connected UDP socket reports ICMP errors (port/host unreachable) as socket errors.
  sock.connect(port, dst, () => sock.send('ping\n'));
}
