// A TCP or UDP server run inside a lab netns: records every peer it sees, one JSON line each, to a
// file, and answers UDP datagrams so the reply path is exercised too.
// usage: node listener.mjs tcp|udp PORT OUTFILE
import { appendFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';

const [proto, portText, out] = process.argv.slice(2);
const port = Number(portText);
const record = (peer, peerPort, local, localPort) =>
  appendFileSync(out, `${JSON.stringify({ proto, peer, peerPort, local, localPort })}\n`);
writeFileSync(out, '');

if (proto === 'tcp') {
  const server = createServer((sock) => {
    record(sock.remoteAddress, sock.remotePort, sock.localAddress, sock.localPort);
    sock.end('pong\n');
    sock.on('error', () => {});
  });
  server.listen(port, '0.0.0.0', () => process.stdout.write('ready\n'));
} else {
  const sock = createSocket('udp4');
  sock.on('message', (_msg, rinfo) => {
    record(rinfo.address, rinfo.port, null, port);
    sock.send('pong\n', rinfo.port, rinfo.address);
  });
  sock.bind(port, '0.0.0.0', () => process.stdout.write('ready\n'));
}
process.on('SIGTERM', () => process.exit(0));
