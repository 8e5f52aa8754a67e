// Preloaded into a scan (and its worker threads) by the no-network test: any attempt to open a
// socket or resolve a name is recorded in UNSPRAWL_NET_LOG and then refused.
import { appendFileSync } from 'node:fs';
import dns from 'node:dns';
import net from 'node:net';
import tls from 'node:tls';
import dgram from 'node:dgram';

const logFile = process.env.UNSPRAWL_NET_LOG;
function refuse(what) {
  return function blocked(...args) {
    const target = typeof args[0] === 'object' ? JSON.stringify(args[0]) : String(args[0]);
    if (logFile) appendFileSync(logFile, `${what} ${target}\n`);
    throw new Error(`network use refused by test guard: ${what}`);
  };
}
net.Socket.prototype.connect = refuse('net.connect');
net.connect = net.createConnection = refuse('net.createConnection');
tls.connect = refuse('tls.connect');
dgram.createSocket = refuse('dgram.createSocket');
dns.lookup = refuse('dns.lookup');
dns.resolve = refuse('dns.resolve');
dns.promises.lookup = refuse('dns.promises.lookup');
dns.promises.resolve = refuse('dns.promises.resolve');
