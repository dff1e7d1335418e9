// js-libp2p v3 + @libp2p/gossipsub as the independent GossipSub peer for Goop2's interop tests
// and the js reference figure of bench/gossipsub_bench.cpp.
// Run from tests/interop with: node --import ./polyfill.mjs gossip.mjs <mode> [args]
//
//   node <topic>           one node (tcp/noise/yamux/identify/ping/gossipsub, StrictSign, emitSelf
//                          off, allowPublishToZeroTopicPeers on), subscribed to <topic>. Prints
//                          {"peerId","addrs"}, then one line per received message:
//                          {"message":{"from","topic","data"(hex),"seqno"(decimal)}}. Commands are
//                          JSON lines on stdin; "id" (any value) is echoed in the reply:
//                            {"id":1,"dial":"<multiaddr>"}        -> {"id":1,"dialed":"<peerId>"}
//                            {"id":2,"publish":"<hex>"}           -> {"id":2,"recipients":n}
//                            {"id":3,"burst":n,"size":s}          publishes n messages of s bytes:
//                                                                    4-byte big-endian index, then
//                                                                    bytes (index + i) & 0xff
//                                                                 -> {"id":3,"published":n}
//                            {"id":4,"subscribe":topic} / {"id":5,"unsubscribe":topic} -> {"id"}
//                            {"id":6,"state":true}                -> {"id":6,"meshPeers","subscribers","connections",
//                                                                           "scores","openPromises",
//                                                                           "protocols","idontwantsFrom","idontwantsKnown"}
//                              protocols: peer -> the protocol our outbound stream to it negotiated;
//                              idontwantsFrom: peer -> message ids it sent IDONTWANT for (v1.2), kept
//                              mcacheLength heartbeats; idontwantsKnown: how many of them name a
//                              message in js's cache (ids in js's dialect)
//                            {"id":8,"protocols":["/meshsub/1.1.0",...]}
//                                                                 restarts gossipsub speaking only these
//                                                                 (an older router; before any dial),
//                                                                 subscribed to <topic> again -> {"id"}
//                            {"id":7,"waitFor":{"meshMin":1,"subscribers":["<peerId>"],
//                                               "meshPeers":[...],"notSubscribers":[...],
//                                               "scoreBelow":{"<peerId>":x},
//                                               "idontwantsFrom":{"<peerId>":n}},"timeoutMs":t}
//                                                                 -> {"id":7,"ok":bool, ...state}
//                          Failures reply {"id","error"}. Exits on SIGTERM, when stdin closes, or
//                          when the parent process goes away.
//   bench <n> <bytes> <window>
//                          five js nodes in this process, fully connected, one topic. Node 0
//                          publishes <n> messages of <bytes> (a send timestamp in the first 8
//                          bytes), keeping at most <window> not yet received by all four others.
//                          Prints {"msgsPerSec","p50Ms","p99Ms","lost","duplicates"} and exits.
//
// Logs go to stderr, results to stdout (test-plans rule).
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { gossipsub } from '@libp2p/gossipsub'
import { multiaddr } from '@multiformats/multiaddr'
import { createInterface } from 'node:readline'

const out = (obj) => process.stdout.write(JSON.stringify(obj) + '\n')
const log = (...a) => process.stderr.write(a.join(' ') + '\n')
const hex = (u8) => Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength).toString('hex')

async function makeNode () {
  return await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionManager: { inboundConnectionThreshold: 10000, maxIncomingPendingConnections: 1000 },
    services: {
      identify: identify(),
      ping: ping(),
      pubsub: gossipsub({
        globalSignaturePolicy: 'StrictSign',
        emitSelf: false,
        allowPublishToZeroTopicPeers: true
      })
    }
  })
}

function state (node, topic) {
  const ps = node.services.pubsub
  return {
    meshPeers: ps.getMeshPeers(topic).map(String),
    subscribers: ps.getSubscribers(topic).map(String),
    connections: node.getConnections().map(c => c.remotePeer.toString()),
    scores: Object.fromEntries(ps.getPeers().map(p => [p.toString(), ps.getScore(p.toString())])),
    // IWANTs whose message has not arrived yet under the id js asked for (internal field)
    openPromises: ps.gossipTracer?.size ?? -1,
    // gossipsub v1.2 (internal fields): negotiated outbound protocol, IDONTWANT ids kept per peer
    protocols: Object.fromEntries([...ps.streamsOutbound.entries()].map(([p, s]) => [p, s.protocol])),
    idontwantsFrom: Object.fromEntries([...ps.idontwants.entries()].map(([p, m]) => [p, m.size])),
    // of those, ids of messages in js's message cache (so sent in js's id dialect)
    idontwantsKnown: Object.fromEntries([...ps.idontwants.entries()].map(([p, m]) =>
      [p, [...m.keys()].filter(id => ps.mcache.msgs.has(id)).length]))
  }
}

function satisfied (st, want) {
  if (want.meshMin != null && st.meshPeers.length < want.meshMin) return false
  for (const p of want.subscribers ?? []) if (!st.subscribers.includes(p)) return false
  for (const p of want.meshPeers ?? []) if (!st.meshPeers.includes(p)) return false
  for (const p of want.notSubscribers ?? []) if (st.subscribers.includes(p)) return false
  for (const [p, v] of Object.entries(want.scoreBelow ?? {})) if (!((st.scores[p] ?? 0) < v)) return false
  for (const [p, n] of Object.entries(want.idontwantsFrom ?? {})) if (!((st.idontwantsFrom[p] ?? 0) >= n)) return false
  return true
}

// Resolves with the state once `want` holds (checked on every gossipsub event and every 20 ms),
// or with ok=false after `timeoutMs`.
function waitFor (node, topic, want, timeoutMs) {
  return new Promise((resolve) => {
    const ps = node.services.pubsub
    const events = ['subscription-change', 'gossipsub:graft', 'gossipsub:prune', 'gossipsub:heartbeat']
    const finish = (ok) => {
      clearInterval(tick)
      clearTimeout(timer)
      for (const e of events) ps.removeEventListener(e, check)
      resolve({ ok, ...state(node, topic) })
    }
    const check = () => { if (satisfied(state(node, topic), want)) finish(true) }
    for (const e of events) ps.addEventListener(e, check)
    const tick = setInterval(check, 20)
    const timer = setTimeout(() => finish(false), timeoutMs ?? 10000)
    check()
  })
}

async function handle (node, topic, cmd) {
  const ps = node.services.pubsub
  if (cmd.dial != null) {
    const conn = await node.dial(multiaddr(cmd.dial))
    return { dialed: conn.remotePeer.toString() }
  }
  if (cmd.publish != null) {
    const r = await ps.publish(cmd.topic ?? topic, Buffer.from(cmd.publish, 'hex'))
    return { recipients: r.recipients.length }
  }
  if (cmd.burst != null) {
    for (let k = 0; k < cmd.burst; ++k) {
      const d = new Uint8Array(cmd.size)
      for (let i = 4; i < d.length; ++i) d[i] = (k + i) & 0xff
      new DataView(d.buffer).setUint32(0, k)
      await ps.publish(cmd.topic ?? topic, d)
    }
    return { published: cmd.burst }
  }
  if (cmd.protocols != null) {
    await ps.stop()
    ps.protocols = cmd.protocols
    await ps.start()
    ps.subscribe(topic)
    return {}
  }
  if (cmd.subscribe != null) { ps.subscribe(cmd.subscribe); return {} }
  if (cmd.unsubscribe != null) { ps.unsubscribe(cmd.unsubscribe); return {} }
  if (cmd.state != null) return state(node, topic)
  if (cmd.waitFor != null) return await waitFor(node, topic, cmd.waitFor, cmd.timeoutMs)
  throw new Error('unknown command ' + JSON.stringify(cmd))
}

async function nodeMode (topic) {
  const node = await makeNode()
  const ps = node.services.pubsub
  ps.addEventListener('message', (evt) => {
    const m = evt.detail
    out({ message: { from: m.from?.toString() ?? '', topic: m.topic, data: hex(m.data), seqno: String(m.sequenceNumber ?? '') } })
  })
  ps.addEventListener('subscription-change', (evt) => {
    log('subscription-change', evt.detail.peerId.toString(), JSON.stringify(evt.detail.subscriptions))
  })
  ps.subscribe(topic)
  out({ peerId: node.peerId.toString(), addrs: node.getMultiaddrs().map(a => a.toString()) })

  let stopping = false
  const stop = async () => {
    if (stopping) return
    stopping = true
    await node.stop().catch(() => {})
    process.exit(0)
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
  const parent = process.ppid
  setInterval(() => { if (process.ppid !== parent) stop() }, 500)

  const rl = createInterface({ input: process.stdin })
  rl.on('line', (line) => {
    if (line.trim() === '') return
    let cmd
    try { cmd = JSON.parse(line) } catch (err) { out({ error: 'bad json: ' + err.message }); return }
    handle(node, topic, cmd)
      .then((r) => out({ id: cmd.id, ...r }))
      .catch((err) => out({ id: cmd.id, error: err.stack || String(err) }))
  })
  rl.on('close', stop)
}

function percentile (sorted, p) {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]
}

async function benchMode (n, size, window) {
  const topic = 'bench'
  const nodes = await Promise.all(Array.from({ length: 5 }, () => makeNode()))
  for (let i = 0; i < nodes.length; ++i) {
    for (let j = i + 1; j < nodes.length; ++j) await nodes[i].dial(nodes[j].getMultiaddrs()[0])
  }
  const receivers = nodes.length - 1
  const got = new Uint32Array(n) // receivers that have message k
  const latencies = []
  let complete = 0 // messages received by all receivers
  let duplicates = 0
  let wake = null
  nodes.forEach((node, i) => {
    node.services.pubsub.subscribe(topic)
    if (i === 0) return
    const seen = new Uint8Array(n)
    node.services.pubsub.addEventListener('message', (evt) => {
      const d = evt.detail.data
      const v = new DataView(d.buffer, d.byteOffset, d.byteLength)
      const sentAt = v.getFloat64(0)
      const k = v.getUint32(8)
      if (seen[k]) { duplicates++; return }
      seen[k] = 1
      latencies.push(performance.now() - sentAt)
      if (++got[k] === receivers) {
        complete++
        if (wake) { const w = wake; wake = null; w() }
      }
    })
  })
  // Wait until every node has all four others in its mesh (js grafts on heartbeat).
  const meshed = await Promise.all(nodes.map(node => waitFor(node, topic, { meshMin: receivers }, 20000)))
  if (!meshed.every(m => m.ok)) log('bench: mesh incomplete', JSON.stringify(meshed.map(m => m.meshPeers.length)))

  const pub = nodes[0].services.pubsub
  const payload = new Uint8Array(size)
  const t0 = performance.now()
  for (let k = 0; k < n; ++k) {
    while (k - complete >= window) await new Promise((resolve) => { wake = resolve })
    const v = new DataView(payload.buffer)
    v.setFloat64(0, performance.now())
    v.setUint32(8, k)
    await pub.publish(topic, payload.slice())
  }
  let timedOut = false
  const deadline = new Promise((resolve) => setTimeout(() => { timedOut = true; resolve() }, 10000).unref())
  while (complete < n && !timedOut) await Promise.race([new Promise((resolve) => { wake = resolve }), deadline])
  const secs = (performance.now() - t0) / 1000
  latencies.sort((a, b) => a - b)
  const lost = n * receivers - latencies.length
  out({ msgsPerSec: complete / secs, p50Ms: percentile(latencies, 0.5), p99Ms: percentile(latencies, 0.99), lost, duplicates, seconds: secs })
  await Promise.all(nodes.map(node => node.stop()))
  process.exit(0)
}

const [mode, ...args] = process.argv.slice(2)
if (mode === 'node' && args.length >= 1) await nodeMode(args[0])
else if (mode === 'bench') await benchMode(Number(args[0] ?? 5000), Number(args[1] ?? 1024), Number(args[2] ?? 64))
else { log('usage: gossip.mjs node <topic> | bench <n> <bytes> <window>'); process.exit(2) }
