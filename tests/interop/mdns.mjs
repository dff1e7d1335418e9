// A js-libp2p v3 node with @libp2p/mdns, for Goop2's mDNS interop test (tests/netns). Run it
// inside the multicast-enabled network namespace (tests/netns/run_in_netns.sh):
//   node --import ./polyfill.mjs mdns.mjs [serviceTag] [intervalMs]
// serviceTag defaults to js's own '_p2p._udp.local'. Prints {"peerId","addrs"} once listening,
// then {"discovered": <peerId>, "addrs": [...]} for each peer:discovery event and
// {"connected": <peerId>} for each connection opened (by either side). Serves until
// SIGTERM. Logs to stderr.
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { mdns } from '@libp2p/mdns'

const serviceTag = process.argv[2] || '_p2p._udp.local'
const interval = Number(process.argv[3] || 1000)
const out = (obj) => process.stdout.write(JSON.stringify(obj) + '\n')

const node = await createLibp2p({
  addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
  transports: [tcp()],
  connectionEncrypters: [noise()],
  streamMuxers: [yamux()],
  // Discovery only: do not dial what mDNS finds, so the test sees mDNS alone.
  connectionManager: { maxConnections: 10 },
  peerDiscovery: [mdns({ serviceTag, interval })]
})
node.addEventListener('peer:discovery', (evt) => {
  out({ discovered: evt.detail.id.toString(), addrs: evt.detail.multiaddrs.map(String) })
})
node.addEventListener('connection:open', (evt) => {
  out({ connected: evt.detail.remotePeer.toString() })
})
out({ peerId: node.peerId.toString(), addrs: node.getMultiaddrs().map(String) })

const stop = async () => { await node.stop(); process.exit(0) }
process.on('SIGTERM', stop)
