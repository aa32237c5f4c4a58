'use strict'
// The official AWS SDK for JavaScript (@aws-sdk/client-kms, pinned in package.json) against
// `qkms serve`: an IAM user's access key from `qkms create-access-key`, the endpoint on a free
// port, and the SDK's own SigV4 signing, serialization and error parsing. Then the AWS Encryption
// SDK's real KmsKeyringNode through the same endpoint, both ways with `qkms encrypt-file` /
// `decrypt-file`.
//
// Run by ctest (label interop) with QKMS_BIN_DIR set. Exit 0: all passed; 1: a failure; 77: node
// packages missing outside scripts/test (QKMS_INTEROP_REQUIRED=1 there makes it a failure).

const { execFileSync, spawn } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const readline = require('node:readline')

function unavailable (why) {
  if (process.env.QKMS_INTEROP_REQUIRED === '1') {
    console.error(`FAIL: ${why}`)
    process.exit(1)
  }
  console.log(`SKIP: ${why}`)
  process.exit(77)
}

let kms, esdk
try {
  kms = require('@aws-sdk/client-kms')
  esdk = require('@aws-crypto/client-node')
} catch (e) {
  unavailable(`the AWS SDK packages are not installed in ${__dirname}/node_modules: ${e.message}`)
}
const binDir = process.env.QKMS_BIN_DIR
if (!binDir) unavailable('QKMS_BIN_DIR is not set (ctest sets it)')

const qkmsBin = path.join(binDir, 'qkms')
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'qkms-endpoint-'))
const vault = path.join(work, 'vault')
const env = { ...process.env, QKMS_PASSPHRASE: 'endpoint interop passphrase' }
delete env.QKMS_PRINCIPAL
delete env.QKMS_NOW

function qkms (args) {
  try {
    return execFileSync(qkmsBin, ['--vault', vault, '--region', 'us-east-1', ...args],
      { env, maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'pipe'] })
  } catch (e) {
    throw new Error(`qkms ${args[0]} failed (exit ${e.status}): ${String(e.stderr).trim()}`)
  }
}
const qkmsJson = args => JSON.parse(qkms(args).toString('utf8'))

let passes = 0
let failures = 0
async function check (name, fn) {
  try {
    await fn()
    passes++
    console.log(`ok   ${name}`)
  } catch (e) {
    failures++
    console.log(`FAIL ${name}: ${e && e.stack ? e.stack : e}`)
  }
}
function assert (cond, what) {
  if (!cond) throw new Error(`assertion failed: ${what}`)
}
/** Expects `promise` to reject with the AWS exception `name`. */
async function throwsNamed (promise, name) {
  try {
    await promise
  } catch (e) {
    assert(e.name === name, `expected ${name}, got ${e.name}: ${e.message}`)
    return e
  }
  throw new Error(`expected ${name}, but the call succeeded`)
}

/** Starts `qkms serve` on a free port; resolves with { url, child } once it prints its address. */
function startServer () {
  const child = spawn(qkmsBin, ['--vault', vault, 'serve', '--listen', '127.0.0.1:0'],
    { env, stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', d => { stderr += d })
  return new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout })
    lines.once('line', line => resolve({ url: JSON.parse(line).Endpoint, child }))
    child.once('exit', code => reject(new Error(`qkms serve exited (${code}): ${stderr}`)))
  })
}

async function main () {
  qkms(['init'])
  qkms(['create-user', '--user-name', 'dev'])
  qkms(['put-user-policy', '--user-name', 'dev', '--policy-name', 'all-kms', '--policy-document',
    JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] })])
  const key = qkmsJson(['create-access-key', '--user-name', 'dev']).AccessKey
  assert(/^AKIA[A-Z2-7]{16}$/.test(key.AccessKeyId), `access key id ${key.AccessKeyId}`)
  const listed = qkmsJson(['list-access-keys', '--user-name', 'dev']).AccessKeyMetadata
  assert(listed.length === 1 && !('SecretAccessKey' in listed[0]), 'list-access-keys shows no secret')

  const { url, child } = await startServer()
  const credentials = { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey }
  const client = (opts = {}) => new kms.KMSClient({ endpoint: url, region: 'us-east-1', credentials, maxAttempts: 1, ...opts })
  const c = client()
  const send = (Command, input, cl = c) => cl.send(new Command(input))

  try {
    let keyArn
    await check('CreateKey and DescribeKey (by ARN and alias)', async () => {
      const r = await send(kms.CreateKeyCommand, { Description: 'sdk key', Tags: [{ TagKey: 't', TagValue: 'v' }] })
      keyArn = r.KeyMetadata.Arn
      assert(/^arn:aws:kms:us-east-1:\d{12}:key\//.test(keyArn), `ARN ${keyArn}`)
      assert(r.KeyMetadata.CreationDate instanceof Date, 'CreationDate is a Date')
      await send(kms.CreateAliasCommand, { AliasName: 'alias/sdk', TargetKeyId: keyArn })
      const d = await send(kms.DescribeKeyCommand, { KeyId: 'alias/sdk' })
      assert(d.KeyMetadata.Arn === keyArn && d.KeyMetadata.Description === 'sdk key', 'described')
      const aliases = await send(kms.ListAliasesCommand, { KeyId: keyArn })
      assert(aliases.Aliases.some(a => a.AliasName === 'alias/sdk'), 'ListAliases')
    })
    await check('ListKeys paging', async () => {
      await send(kms.CreateKeyCommand, {})
      await send(kms.CreateKeyCommand, {})
      const seen = new Set()
      let marker
      let pages = 0
      do {
        const r = await send(kms.ListKeysCommand, { Limit: 1, Marker: marker })
        r.Keys.forEach(k => seen.add(k.KeyArn))
        marker = r.Truncated ? r.NextMarker : undefined
        pages++
      } while (marker)
      assert(seen.size >= 3 && pages === seen.size, `${seen.size} keys over ${pages} pages`)
    })
    await check('Encrypt/Decrypt with encryption context; wrong context refused', async () => {
      const ctx = { purpose: 'interop', n: '1' }
      const e = await send(kms.EncryptCommand, { KeyId: 'alias/sdk', Plaintext: Buffer.from('hello endpoint'), EncryptionContext: ctx })
      assert(e.KeyId === keyArn, 'Encrypt returns the ARN')
      const d = await send(kms.DecryptCommand, { CiphertextBlob: e.CiphertextBlob, EncryptionContext: ctx })
      assert(Buffer.from(d.Plaintext).toString() === 'hello endpoint', 'round trip')
      await throwsNamed(send(kms.DecryptCommand, { CiphertextBlob: e.CiphertextBlob }), 'InvalidCiphertextException')
    })
    await check('GenerateDataKey and ReEncrypt', async () => {
      const g = await send(kms.GenerateDataKeyCommand, { KeyId: keyArn, KeySpec: 'AES_256' })
      assert(g.Plaintext.length === 32, 'data key length')
      const other = (await send(kms.CreateKeyCommand, {})).KeyMetadata.Arn
      const r = await send(kms.ReEncryptCommand, { CiphertextBlob: g.CiphertextBlob, DestinationKeyId: other })
      assert(r.SourceKeyId === keyArn && r.KeyId === other, 'ReEncrypt key ids')
      const d = await send(kms.DecryptCommand, { CiphertextBlob: r.CiphertextBlob })
      assert(Buffer.compare(Buffer.from(d.Plaintext), Buffer.from(g.Plaintext)) === 0, 'same data key')
    })
    await check('Sign/Verify (ECC_NIST_P256)', async () => {
      const k = (await send(kms.CreateKeyCommand, { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' })).KeyMetadata.Arn
      const message = Buffer.from('signed by qkms')
      const s = await send(kms.SignCommand, { KeyId: k, Message: message, SigningAlgorithm: 'ECDSA_SHA_256' })
      const v = await send(kms.VerifyCommand, { KeyId: k, Message: message, Signature: s.Signature, SigningAlgorithm: 'ECDSA_SHA_256' })
      assert(v.SignatureValid === true, 'valid')
      await throwsNamed(send(kms.VerifyCommand, { KeyId: k, Message: Buffer.from('other'), Signature: s.Signature, SigningAlgorithm: 'ECDSA_SHA_256' }),
        'KMSInvalidSignatureException')
    })
    await check('key policy, rotation and grants', async () => {
      const p = await send(kms.GetKeyPolicyCommand, { KeyId: keyArn, PolicyName: 'default' })
      const policy = JSON.parse(p.Policy)
      await send(kms.PutKeyPolicyCommand, { KeyId: keyArn, PolicyName: 'default', Policy: JSON.stringify(policy) })
      await send(kms.EnableKeyRotationCommand, { KeyId: keyArn, RotationPeriodInDays: 90 })
      const st = await send(kms.GetKeyRotationStatusCommand, { KeyId: keyArn })
      assert(st.KeyRotationEnabled === true && st.RotationPeriodInDays === 90, 'rotation on')
      const g = await send(kms.CreateGrantCommand, { KeyId: keyArn, GranteePrincipal: policy.Statement[0].Principal.AWS, Operations: ['Decrypt'] })
      const grants = await send(kms.ListGrantsCommand, { KeyId: keyArn })
      assert(grants.Grants.some(x => x.GrantId === g.GrantId), 'grant listed')
      await send(kms.RevokeGrantCommand, { KeyId: keyArn, GrantId: g.GrantId })
    })
    await check('exceptions arrive with their AWS names', async () => {
      const k = (await send(kms.CreateKeyCommand, {})).KeyMetadata.Arn
      await send(kms.DisableKeyCommand, { KeyId: k })
      await throwsNamed(send(kms.EncryptCommand, { KeyId: k, Plaintext: Buffer.from('x') }), 'DisabledException')
      await throwsNamed(send(kms.DescribeKeyCommand, { KeyId: 'alias/missing' }), 'NotFoundException')
      await throwsNamed(send(kms.CreateAliasCommand, { AliasName: 'alias/sdk', TargetKeyId: k }), 'AlreadyExistsException')
    })
    await check('a wrong secret, an unknown key, a stale date and a region mismatch are refused', async () => {
      // One character changed, always to a different one (a fixed 'x' was no change at all for a
      // secret that starts with x: the call then succeeded, about one run in sixty).
      const real = credentials.secretAccessKey
      const wrongSecret = (real[0] === 'x' ? 'y' : 'x') + real.slice(1)
      await throwsNamed(send(kms.ListKeysCommand, {}, client({ credentials: { ...credentials, secretAccessKey: wrongSecret } })),
        'InvalidSignatureException')
      await throwsNamed(send(kms.ListKeysCommand, {}, client({ credentials: { ...credentials, accessKeyId: 'AKIAAAAAAAAAAAAAAAAA' } })),
        'UnrecognizedClientException')
      const stale = await throwsNamed(send(kms.ListKeysCommand, {}, client({ systemClockOffset: -20 * 60 * 1000 })), 'InvalidSignatureException')
      assert(/Signature expired/.test(stale.message), stale.message)
      // Signed for eu-west-1: that region's vault, where the us-east-1 key does not exist.
      await throwsNamed(send(kms.DescribeKeyCommand, { KeyId: keyArn }, client({ region: 'eu-west-1' })), 'NotFoundException')
      await throwsNamed(send(kms.ListKeysCommand, {}, client({ region: 'xx-nowhere-1' })), 'InvalidSignatureException')
    })
    await check('an Inactive access key is refused, Active again it works', async () => {
      qkms(['update-access-key', '--access-key-id', key.AccessKeyId, '--status', 'Inactive'])
      await throwsNamed(send(kms.ListKeysCommand, {}), 'UnrecognizedClientException')
      qkms(['update-access-key', '--access-key-id', key.AccessKeyId, '--status', 'Active'])
      await send(kms.ListKeysCommand, {})
    })

    const { KmsKeyringNode, buildClient, CommitmentPolicy } = esdk
    const { encrypt, decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT)
    // The keyring calls client.generateDataKey(…) / client.decrypt(…): the aggregated KMS client.
    const sdkClient = new kms.KMS({ endpoint: url, region: 'us-east-1', credentials, maxAttempts: 1 })
    const keyring = new KmsKeyringNode({ generatorKeyId: keyArn, clientProvider: () => sdkClient })
    const ctx = { app: 'endpoint-interop' }
    await check('ESDK KmsKeyringNode through the endpoint -> qkms decrypt-file', async () => {
      const plain = Buffer.from('message from the Encryption SDK '.repeat(100))
      const { result } = await encrypt(keyring, plain, { encryptionContext: ctx })
      const msg = path.join(work, 'sdk.encrypted')
      fs.writeFileSync(msg, result)
      const out = path.join(work, 'sdk.out')
      qkms(['decrypt-file', msg, '--output', out])
      assert(Buffer.compare(fs.readFileSync(out), plain) === 0, 'qkms decrypted the SDK message')
    })
    await check('qkms encrypt-file -> ESDK KmsKeyringNode decrypt through the endpoint', async () => {
      const plain = Buffer.from('file written by qkms '.repeat(100))
      const inFile = path.join(work, 'plain.txt')
      fs.writeFileSync(inFile, plain)
      qkms(['encrypt-file', inFile, '--key-id', keyArn, '--encryption-context', JSON.stringify(ctx)])
      const { plaintext, messageHeader } = await decrypt(keyring, fs.readFileSync(inFile + '.encrypted'))
      assert(Buffer.compare(plaintext, plain) === 0, 'SDK decrypted the qkms file')
      assert(messageHeader.encryptionContext.app === 'endpoint-interop', 'context')
    })
  } finally {
    child.kill('SIGTERM')
    await new Promise(resolve => child.once('exit', resolve))
  }
  console.log(`\n${passes} passed, ${failures} failed`)
  return failures === 0 ? 0 : 1
}

main().then(code => {
  fs.rmSync(work, { recursive: true, force: true })
  process.exit(code)
}, e => {
  console.error(`FAIL: ${e && e.stack ? e.stack : e}`)
  fs.rmSync(work, { recursive: true, force: true })
  process.exit(1)
})
