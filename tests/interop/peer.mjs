// js-libp2p v3 as the independent libp2p peer for Goop2's interop tests.
// Run with: node --import ./polyfill.mjs peer.mjs <mode> [args]
//
//   listen                 start, print {"peerId","addrs"} as one JSON line, serve until
//                          SIGTERM or the parent exits; one JSON line per identified peer.
//   dial <multiaddr>       dial the peer, run every check, print one JSON result line, exit.
//   perf-client <multiaddr> <bytes>   throughput to the peer's sink; prints {"mbPerSec"}.
//   probe <multiaddr>      dial, identify, ping once; prints what it learned.
//
// Protocols served: identify, ping, /goop2/echo/1.0.0 (echo every byte, then close) and
// /goop2/sink/1.0.0 (read everything, reply with the byte count as 8 bytes, close).
// Logs go to stderr, results to stdout (test-plans rule).
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { multiaddr } from '@multiformats/multiaddr'
import { createHash, randomBytes } from 'node:crypto'

const ECHO = '/goop2/echo/1.0.0'
const SINK = '/goop2/sink/1.0.0'
const IDENTIFY_DEADLINE_MS = 10000
// Resolves with `promise`, or rejects after `ms` naming `what`.
const withDeadline = (promise, ms, what) => Promise.race([promise,
  new Promise((resolve, reject) => setTimeout(() => reject(new Error(`no ${what} within ${ms / 1000} s`)), ms).unref())])
const out = (obj) => process.stdout.write(JSON.stringify(obj) + '\n')
const log = (...a) => process.stderr.write(a.join(' ') + '\n')

async function echoHandler (stream) {
  try {
    for await (const chunk of stream) {
      if (!stream.send(chunk.subarray ? chunk.subarray() : chunk)) await stream.onDrain()
    }
    await stream.close()
  } catch (err) {
    log('echo handler:', err.message)
  }
}

async function makeNode () {
  const node = await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionManager: { inboundConnectionThreshold: 10000, maxIncomingPendingConnections: 1000 },
    services: { identify: identify(), ping: ping() }
  })
  await node.handle(ECHO, echoHandler, { maxInboundStreams: 256, maxOutboundStreams: 256 })
  await node.handle(SINK, sinkHandler)
  return node
}

// Sends `data` on a new echo stream and returns the sha256 of what comes back.
async function echo (node, peer, data) {
  const stream = await node.dialProtocol(peer, ECHO, { runOnLimitedConnection: true })
  const hash = createHash('sha256')
  let received = 0
  const reader = (async () => {
    for await (const chunk of stream) {
      const buf = chunk.subarray ? chunk.subarray() : chunk
      hash.update(buf)
      received += buf.length
    }
  })()
  const CHUNK = 64 * 1024
  for (let off = 0; off < data.length; off += CHUNK) {
    if (!stream.send(data.subarray(off, off + CHUNK))) await stream.onDrain()
  }
  await stream.close()
  await reader
  return { received, sha256: hash.digest('hex') }
}

async function dialMode (target) {
  const node = await makeNode()
  const ma = multiaddr(target)
  const identified = new Promise((resolve) => {
    node.addEventListener('peer:identify', (evt) => resolve(evt.detail))
  })
  const t0 = performance.now()
  const conn = await node.dial(ma)
  const peer = conn.remotePeer
  const result = { ok: true, localPeer: node.peerId.toString(), remotePeer: peer.toString(), connectMs: performance.now() - t0 }
  try {
    // identify runs on connect; its result arrives as an event (10 s limit).
    const info = await withDeadline(identified, IDENTIFY_DEADLINE_MS, 'identify')
    result.remoteProtocols = info.protocols
    result.remoteAgent = info.agentVersion || ''
    result.pingMs = await node.services.ping.ping(peer)

    const big = randomBytes(10 * 1024 * 1024)
    const sent = createHash('sha256').update(big).digest('hex')
    const t1 = performance.now()
    const e = await echo(node, peer, big)
    result.echo10MiB = { ok: e.sha256 === sent && e.received === big.length, ms: performance.now() - t1 }

    const many = await Promise.all(Array.from({ length: 100 }, async (_, i) => {
      const d = randomBytes(1000 + i)
      const r = await echo(node, peer, d)
      return r.sha256 === createHash('sha256').update(d).digest('hex')
    }))
    result.concurrent100 = many.every(Boolean)

    // Reset mid-transfer: the remote must survive and keep serving new streams.
    const s = await node.dialProtocol(peer, ECHO)
    s.send(randomBytes(100000))
    s.abort(new Error('test reset'))
    const after = await echo(node, peer, Buffer.from('still alive'))
    result.afterReset = after.received === 11
  } catch (err) {
    result.ok = false
    result.error = err.stack || String(err)
  }
  await node.hangUp(peer).catch(() => {})
  out(result)
  await node.stop()
}

// probe <multiaddr>: dial, wait for identify, ping once, print what we learned, exit.
async function probeMode (target) {
  const node = await makeNode()
  const identified = new Promise((resolve) => {
    node.addEventListener('peer:identify', (evt) => resolve(evt.detail))
  })
  const result = { ok: true }
  try {
    const conn = await node.dial(multiaddr(target))
    const info = await withDeadline(identified, IDENTIFY_DEADLINE_MS, 'identify')
    result.remotePeer = conn.remotePeer.toString()
    result.remoteAgent = info.agentVersion || ''
    result.remoteProtocols = info.protocols
    result.pingMs = await node.services.ping.ping(conn.remotePeer)
  } catch (err) {
    result.ok = false
    result.error = err.stack || String(err)
  }
  out(result)
  await node.stop()
}

async function listenMode () {
  const node = await makeNode()
  node.addEventListener('peer:identify', (evt) => {
    const d = evt.detail
    out({ identified: d.peerId.toString(), protocols: d.protocols, agent: d.agentVersion || '' })
  })
  out({ peerId: node.peerId.toString(), addrs: node.getMultiaddrs().map(a => a.toString()) })
  const stop = async () => { await node.stop(); process.exit(0) }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
  // Never outlive the test that started us.
  const parent = process.ppid
  setInterval(() => { if (process.ppid !== parent) stop() }, 500)
}

// perf-client <multiaddr> <bytes>: streams <bytes> to the peer's echo-free sink
// (/goop2/sink/1.0.0: reads everything, replies with 8 bytes, closes) and prints MB/s.
async function perfClient (target, bytes) {
  const node = await makeNode()
  const conn = await node.dial(multiaddr(target))
  const stream = await node.dialProtocol(conn.remotePeer, SINK)
  const chunk = randomBytes(256 * 1024)
  const t0 = performance.now()
  for (let sent = 0; sent < bytes; sent += chunk.length) {
    if (!stream.send(chunk.subarray(0, Math.min(chunk.length, bytes - sent)))) await stream.onDrain()
  }
  await stream.close()
  for await (const _ of stream) { /* the 8-byte receipt */ }
  const secs = (performance.now() - t0) / 1000
  out({ bytes, seconds: secs, mbPerSec: bytes / secs / 1e6 })
  await node.stop()
}

async function sinkHandler (stream) {
  let n = 0
  for await (const chunk of stream) n += chunk.byteLength
  const receipt = new Uint8Array(8)
  new DataView(receipt.buffer).setBigUint64(0, BigInt(n))
  stream.send(receipt)
  await stream.close()
}

const [mode, arg, arg2] = process.argv.slice(2)
if (mode === 'listen') await listenMode()
else if (mode === 'dial') await dialMode(arg)
else if (mode === 'perf-client') await perfClient(arg, Number(arg2))
else if (mode === 'probe') await probeMode(arg)
else { log('usage: peer.mjs listen | dial <multiaddr> | perf-client <multiaddr> <bytes>'); process.exit(2) }
