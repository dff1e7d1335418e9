// Noise interop: js-libp2p's @chainsafe/libp2p-noise against Goop2's C++ Noise over real TCP.
// Run from a folder with the interop node_modules (tests/interop of the main checkout):
//
//   node --import ./polyfill.mjs noise_interop.mjs <path/to/goop_p2p_tests>
//
// Starts two TCP listeners on 127.0.0.1:0. On the first, js runs the Noise handshake as
// responder; on the second, as initiator (Noise roles do not depend on who dialled). Each
// secured connection echoes every byte back and closes when the remote closes. Then it runs
// the gtest NoiseInterop.* with the ports and js's peer ID in environment variables; the test
// dials both, checks the peer IDs and early-muxer lists, and pushes 1 MiB through each echo.
// Exit code: the test's. Logs to stderr, one JSON line per connection and a result to stdout.
import net from 'node:net'
import { spawn } from 'node:child_process'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { defaultLogger } from '@libp2p/logger'
import { noise } from '@chainsafe/libp2p-noise'
import { toMultiaddrConnection } from './node_modules/@libp2p/tcp/dist/src/socket-to-conn.js'

const out = (obj) => process.stdout.write(JSON.stringify(obj) + '\n')
const log = (...a) => process.stderr.write(a.join(' ') + '\n')

const testBinary = process.argv[2]
if (!testBinary) {
  log('usage: noise_interop.mjs <goop_p2p_tests binary>')
  process.exit(2)
}

const privateKey = await generateKeyPair('Ed25519')
const peerId = peerIdFromPrivateKey(privateKey)
const logger = defaultLogger()
const encrypter = noise()({
  privateKey,
  logger,
  upgrader: { getStreamMuxers: () => new Map([['/yamux/1.0.0', {}]]) }
})

async function serve (socket, role) {
  const maConn = toMultiaddrConnection({
    socket,
    direction: 'inbound',
    log: logger.forComponent(`noise-interop:${role}`)
  })
  try {
    const secured = role === 'responder'
      ? await encrypter.secureInbound(maConn)
      : await encrypter.secureOutbound(maConn)
    const conn = secured.connection
    out({
      role,
      remotePeer: secured.remotePeer.toString(),
      remoteMuxers: secured.remoteExtensions?.streamMuxers ?? []
    })
    let bytes = 0
    for await (const chunk of conn) {
      const buf = chunk.subarray ? chunk.subarray() : chunk
      bytes += buf.byteLength
      if (!conn.send(buf)) await conn.onDrain()
    }
    await conn.close()
    out({ role, echoedBytes: bytes })
  } catch (err) {
    log(`js ${role}:`, err.stack ?? err.message)
    out({ role, error: err.message })
    socket.destroy()
  }
}

function listen (role) {
  return new Promise((resolve) => {
    const server = net.createServer((socket) => { serve(socket, role) })
    server.listen(0, '127.0.0.1', () => resolve(server))
  })
}

const responder = await listen('responder')
const initiator = await listen('initiator')
const env = {
  ...process.env,
  GOOP_NOISE_JS_PEER: peerId.toString(),
  GOOP_NOISE_JS_RESPONDER_PORT: String(responder.address().port),
  GOOP_NOISE_JS_INITIATOR_PORT: String(initiator.address().port)
}
log(`js peer ${peerId} responder port ${env.GOOP_NOISE_JS_RESPONDER_PORT} initiator port ${env.GOOP_NOISE_JS_INITIATOR_PORT}`)
const child = spawn(testBinary, ['--gtest_filter=NoiseInterop.*'], { env, stdio: ['ignore', 'inherit', 'inherit'] })
const code = await new Promise((resolve) => child.on('exit', (c) => resolve(c ?? 1)))
responder.close()
initiator.close()
out({ result: code === 0 ? 'pass' : 'fail', exitCode: code })
process.exit(code)
