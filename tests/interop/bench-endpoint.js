'use strict'
// Benchmark of `qkms serve` (not a test): requests per second and p50/p99 latency of Encrypt
// (1 KiB) and GenerateDataKey over HTTP keep-alive with 1 and 16 concurrent clients, signature
// verification and audit included, printed beside AWS's default quota (10,000/s per region for
// the cryptographic operations). Each client resends one signed request: the endpoint has no
// replay protection inside the 15-minute window, as AWS has none.
//
//   QKMS_BIN_DIR=build/h1/bin node tests/interop/bench-endpoint.js [seconds per run, default 5]

const { execFileSync, spawn } = require('node:child_process')
const crypto = require('node:crypto')
const fs = require('node:fs')
const http = require('node:http')
const os = require('node:os')
const path = require('node:path')
const readline = require('node:readline')

const seconds = Number(process.argv[2] || 5)
const qkmsBin = path.join(process.env.QKMS_BIN_DIR || 'build/dev/bin', 'qkms')
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'qkms-bench-endpoint-'))
const vault = path.join(work, 'vault')
const env = { ...process.env, QKMS_PASSPHRASE: 'bench passphrase' }
delete env.QKMS_NOW
const qkms = args => execFileSync(qkmsBin, ['--vault', vault, '--region', 'us-east-1', ...args], { env }).toString()

const hmac = (key, data) => crypto.createHmac('sha256', key).update(data).digest()
const sha256 = data => crypto.createHash('sha256').update(data).digest('hex')

/** SigV4 over host, content-type, x-amz-date and x-amz-target, as the SDK signs. */
function signed (host, creds, operation, body) {
  const amzDate = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '')
  const date = amzDate.slice(0, 8)
  const headers = { 'content-type': 'application/x-amz-json-1.1', host, 'x-amz-date': amzDate, 'x-amz-target': `TrentService.${operation}` }
  const names = Object.keys(headers).sort()
  const canonical = ['POST', '/', '', ...names.map(n => `${n}:${headers[n]}`), '', names.join(';'), sha256(body)].join('\n')
  const scope = `${date}/us-east-1/kms/aws4_request`
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n')
  let key = hmac('AWS4' + creds.SecretAccessKey, date)
  for (const part of ['us-east-1', 'kms', 'aws4_request']) key = hmac(key, part)
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${creds.AccessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${hmac(key, toSign).toString('hex')}`
  headers['content-length'] = Buffer.byteLength(body)
  return headers
}

function post (agent, port, headers, body) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/', headers, agent }, res => {
      const chunks = []
      res.on('data', c => chunks.push(c))
      res.on('end', () => res.statusCode === 200 ? resolve() : reject(new Error(`${res.statusCode} ${Buffer.concat(chunks)}`)))
    })
    req.on('error', reject)
    req.end(body)
  })
}

async function run (port, clients, headers, body) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients })
  const latencies = []
  const end = Date.now() + seconds * 1000
  await Promise.all(Array.from({ length: clients }, async () => {
    while (Date.now() < end) {
      const t = process.hrtime.bigint()
      await post(agent, port, headers, body)
      latencies.push(Number(process.hrtime.bigint() - t) / 1e6)
    }
  }))
  agent.destroy()
  latencies.sort((a, b) => a - b)
  const q = p => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))].toFixed(2)
  return { rps: Math.round(latencies.length / seconds), p50: q(0.5), p99: q(0.99) }
}

async function main () {
  qkms(['init'])
  qkms(['create-user', '--user-name', 'bench'])
  qkms(['put-user-policy', '--user-name', 'bench', '--policy-name', 'all', '--policy-document',
    JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] })])
  const creds = JSON.parse(qkms(['create-access-key', '--user-name', 'bench'])).AccessKey
  const keyArn = JSON.parse(qkms(['create-key'])).KeyMetadata.Arn
  const child = spawn(qkmsBin, ['--vault', vault, 'serve', '--listen', '127.0.0.1:0'], { env, stdio: ['ignore', 'pipe', 'inherit'] })
  const port = await new Promise(resolve => readline.createInterface({ input: child.stdout }).once('line', l => resolve(JSON.parse(l).Port)))
  const host = `127.0.0.1:${port}`
  const cases = {
    'Encrypt 1 KiB': JSON.stringify({ KeyId: keyArn, Plaintext: crypto.randomBytes(1024).toString('base64') }),
    GenerateDataKey: JSON.stringify({ KeyId: keyArn, KeySpec: 'AES_256' }),
    // No key, no audit record: what HTTP and signature verification alone cost.
    GenerateRandom: JSON.stringify({ NumberOfBytes: 32 })
  }
  console.log(`qkms serve on ${os.cpus().length} cores, ${seconds} s per run; AWS default quota: 10000 requests/s per region`)
  console.log('operation          clients   requests/s   p50 ms   p99 ms')
  for (const [name, body] of Object.entries(cases)) {
    const headers = signed(host, creds, name.split(' ')[0], body)
    for (const clients of [1, 16]) {
      const r = await run(port, clients, headers, body)
      console.log(`${name.padEnd(18)} ${String(clients).padStart(7)} ${String(r.rps).padStart(12)} ${r.p50.padStart(8)} ${r.p99.padStart(8)}`)
    }
  }
  child.kill('SIGTERM')
  await new Promise(resolve => child.once('exit', resolve))
  fs.rmSync(work, { recursive: true, force: true })
}

main().catch(e => { console.error(e); process.exit(1) })
