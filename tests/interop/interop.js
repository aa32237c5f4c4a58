'use strict'
// Interoperability of qkms files with the official AWS Encryption SDK for JavaScript
// (@aws-crypto/client-node, pinned in package.json; ../shared/reference/interop-testing.md).
//
// The SDK reaches qkms for data keys in two ways: QkmsKeyring below, a KeyringNode that runs the
// qkms command line (generate-data-key / encrypt / decrypt, as interop-testing.md describes), and
// the SDK's own KmsKeyringNode given a KMS client whose calls are qkms commands — so the SDK's
// checks of KMS-wrapped data keys (provider id, key ARN, returned KeyId) run on qkms's EDKs.
// Both directions: files `qkms encrypt-file` wrote decrypt in the SDK, messages the SDK wrote
// decrypt with `qkms decrypt-file`; a damaged message fails on either side.
//
// Run by ctest (label interop) with QKMS_BIN_DIR set. Exit 0: all passed; 1: a failure; 77: the
// SDK or node is missing outside scripts/test (QKMS_INTEROP_REQUIRED=1 there makes it a failure).

const { execFileSync } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

function unavailable (why) {
  if (process.env.QKMS_INTEROP_REQUIRED === '1') {
    console.error(`FAIL: ${why}`)
    process.exit(1)
  }
  console.log(`SKIP: ${why}`)
  process.exit(77)
}

let sdk
try {
  sdk = require('@aws-crypto/client-node')
} catch (e) {
  unavailable(`@aws-crypto/client-node is not installed in ${__dirname}/node_modules (scripts/lib/interop-setup.sh installs it): ${e.message}`)
}
const {
  KeyringNode, KmsKeyringNode, KeyringTraceFlag, EncryptedDataKey, AlgorithmSuiteIdentifier, CommitmentPolicy,
  buildClient, unwrapDataKey
} = sdk
const { encrypt, decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT)

const binDir = process.env.QKMS_BIN_DIR
if (!binDir) unavailable('QKMS_BIN_DIR is not set (ctest sets it)')
const qkmsBin = path.join(binDir, 'qkms')
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'qkms-interop-'))
const vault = path.join(work, 'vault')
const env = { ...process.env, QKMS_PASSPHRASE: 'interop passphrase' }
delete env.QKMS_PRINCIPAL

/** Runs qkms; returns stdout (a Buffer). Throws with qkms's error line on a non-zero exit. */
function qkms (args, input) {
  try {
    return execFileSync(qkmsBin, ['--vault', vault, '--region', 'us-east-1', ...args],
      { env, input, maxBuffer: 1 << 28, stdio: ['pipe', 'pipe', 'pipe'] })
  } catch (e) {
    const err = new Error(`qkms ${args[0]} failed (exit ${e.status}): ${String(e.stderr).trim()}`)
    err.status = e.status
    throw err
  }
}
const qkmsJson = (args, input) => JSON.parse(qkms(args, input).toString('utf8'))
const contextArgs = ctx => Object.keys(ctx).length ? ['--encryption-context', JSON.stringify(ctx)] : []
/** A copy in its own ArrayBuffer (byteOffset 0), as the SDK insists for data keys. */
const isolated = buf => new Uint8Array(buf)
let blobCount = 0
/** Writes `bytes` to a private file and returns its fileb:// argument. */
function fileb (bytes) {
  const p = path.join(work, `blob-${++blobCount}`)
  fs.writeFileSync(p, bytes, { mode: 0o600 })
  return { arg: `fileb://${p}`, remove: () => fs.rmSync(p, { force: true }) }
}

/** The keyring of interop-testing.md: data keys from qkms through its command line. */
class QkmsKeyring extends KeyringNode {
  /** `keyArn` encrypts; decryption uses any aws-kms EDK of this vault unless `strict`. */
  constructor (keyArn, { strict = false } = {}) {
    super()
    this.keyArn = keyArn
    this.strict = strict
  }

  async _onEncrypt (material) {
    const ctx = material.encryptionContext
    if (!material.hasUnencryptedDataKey) {
      const r = qkmsJson(['generate-data-key', '--key-id', this.keyArn, '--number-of-bytes',
        String(material.suite.keyLengthBytes), ...contextArgs(ctx)])
      const dataKey = isolated(Buffer.from(r.Plaintext, 'base64'))
      material.setUnencryptedDataKey(dataKey, {
        keyNamespace: 'aws-kms',
        keyName: r.KeyId,
        flags: KeyringTraceFlag.WRAPPING_KEY_GENERATED_DATA_KEY | KeyringTraceFlag.WRAPPING_KEY_ENCRYPTED_DATA_KEY |
          KeyringTraceFlag.WRAPPING_KEY_SIGNED_ENC_CTX
      })
      material.addEncryptedDataKey(new EncryptedDataKey({
        providerId: 'aws-kms', providerInfo: r.KeyId, encryptedDataKey: isolated(Buffer.from(r.CiphertextBlob, 'base64'))
      }), KeyringTraceFlag.WRAPPING_KEY_ENCRYPTED_DATA_KEY | KeyringTraceFlag.WRAPPING_KEY_SIGNED_ENC_CTX)
      return material
    }
    // Another keyring generated the key (multi-keyring): wrap it once more with Encrypt.
    const plain = fileb(unwrapDataKey(material.getUnencryptedDataKey()))
    try {
      const r = qkmsJson(['encrypt', '--key-id', this.keyArn, '--plaintext', plain.arg, ...contextArgs(ctx)])
      material.addEncryptedDataKey(new EncryptedDataKey({
        providerId: 'aws-kms', providerInfo: r.KeyId, encryptedDataKey: isolated(Buffer.from(r.CiphertextBlob, 'base64'))
      }), KeyringTraceFlag.WRAPPING_KEY_ENCRYPTED_DATA_KEY | KeyringTraceFlag.WRAPPING_KEY_SIGNED_ENC_CTX)
    } finally {
      plain.remove()
    }
    return material
  }

  async _onDecrypt (material, encryptedDataKeys) {
    for (const edk of encryptedDataKeys) {
      if (edk.providerId !== 'aws-kms' || (this.strict && edk.providerInfo !== this.keyArn)) continue
      const blob = fileb(edk.encryptedDataKey)
      let r
      try {
        r = qkmsJson(['decrypt', '--key-id', edk.providerInfo, '--ciphertext-blob', blob.arg,
          ...contextArgs(material.encryptionContext)])
      } catch (e) {
        continue // another EDK may open
      } finally {
        blob.remove()
      }
      if (r.KeyId !== edk.providerInfo) throw new Error(`qkms decrypted under ${r.KeyId}, not ${edk.providerInfo}`)
      material.setUnencryptedDataKey(isolated(Buffer.from(r.Plaintext, 'base64')), {
        keyNamespace: 'aws-kms',
        keyName: r.KeyId,
        flags: KeyringTraceFlag.WRAPPING_KEY_DECRYPTED_DATA_KEY | KeyringTraceFlag.WRAPPING_KEY_VERIFIED_ENC_CTX
      })
      return material
    }
    return material
  }
}

/** A KMS client (the v3 shape the SDK accepts) whose calls are qkms commands. */
const qkmsKmsClient = {
  async generateDataKey ({ KeyId, NumberOfBytes, EncryptionContext }) {
    const r = qkmsJson(['generate-data-key', '--key-id', KeyId, '--number-of-bytes', String(NumberOfBytes),
      ...contextArgs(EncryptionContext || {})])
    return { KeyId: r.KeyId, Plaintext: Buffer.from(r.Plaintext, 'base64'), CiphertextBlob: isolated(Buffer.from(r.CiphertextBlob, 'base64')) }
  },
  async encrypt ({ KeyId, Plaintext, EncryptionContext }) {
    const plain = fileb(Plaintext)
    try {
      const r = qkmsJson(['encrypt', '--key-id', KeyId, '--plaintext', plain.arg, ...contextArgs(EncryptionContext || {})])
      return { KeyId: r.KeyId, CiphertextBlob: isolated(Buffer.from(r.CiphertextBlob, 'base64')) }
    } finally {
      plain.remove()
    }
  },
  async decrypt ({ KeyId, CiphertextBlob, EncryptionContext }) {
    const blob = fileb(CiphertextBlob)
    try {
      const r = qkmsJson(['decrypt', '--key-id', KeyId, '--ciphertext-blob', blob.arg, ...contextArgs(EncryptionContext || {})])
      return { KeyId: r.KeyId, Plaintext: Buffer.from(r.Plaintext, 'base64') }
    } finally {
      blob.remove()
    }
  }
}
const sdkKmsKeyring = opts => new KmsKeyringNode({ clientProvider: () => qkmsKmsClient, ...opts })

// ---- a tiny harness ----
let failures = 0
let passes = 0
async function check (name, fn) {
  try {
    await fn()
    passes++
    console.log(`ok - ${name}`)
  } catch (e) {
    failures++
    console.log(`not ok - ${name}\n    ${String(e && e.stack ? e.stack : e).split('\n').join('\n    ')}`)
  }
}
function assert (cond, what) {
  if (!cond) throw new Error(`assertion failed: ${what}`)
}
function sameBytes (a, b, what) {
  assert(Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0, `${what}: ${a.length} bytes differ from ${b.length} expected`)
}
function contextHas (actual, expected) {
  for (const [k, v] of Object.entries(expected)) assert(actual[k] === v, `context ${k}=${v} (got ${actual[k]})`)
}
async function rejects (promise, what) {
  try {
    await promise
  } catch (e) {
    return e
  }
  throw new Error(`${what} succeeded`)
}
/** Bytes that no text codec would leave alone. */
function sample (size) {
  const b = Buffer.alloc(size)
  for (let i = 0; i < size; i++) b[i] = (i * 131 + (i >> 9)) & 0xff
  return b
}

async function main () {
  qkms(['init'])
  const keyA = qkmsJson(['create-key', '--description', 'interop A']).KeyMetadata.Arn
  const keyB = qkmsJson(['create-key', '--description', 'interop B']).KeyMetadata.Arn
  const ctx = { purpose: 'interop', 'unicode-\u00e9\u{1f511}': 'value \u00fc' }
  const suiteNames = { 0x0478: 'ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY', 0x0578: 'ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY_ECDSA_P384' }
  assert(AlgorithmSuiteIdentifier[suiteNames[0x0478]] === 0x0478 && AlgorithmSuiteIdentifier[suiteNames[0x0578]] === 0x0578,
    'SDK suite identifiers')

  // ---- qkms writes, the SDK reads ----
  for (const suite of ['0x0478', '0x0578']) {
    for (const [size, frame] of [[0, null], [1, null], [4096, '4096'], [100000, '4096'], [1 << 20, null]]) {
      await check(`qkms encrypt-file ${suite}, ${size} bytes, frame ${frame || 'default'} -> SDK decrypt`, async () => {
        const plain = sample(size)
        const inFile = path.join(work, `q-${suite}-${size}.bin`)
        fs.writeFileSync(inFile, plain)
        qkms(['encrypt-file', inFile, '--key-id', keyA, '--suite', suite, ...contextArgs(ctx),
          ...(frame ? ['--frame-length', frame] : [])])
        const message = fs.readFileSync(`${inFile}.encrypted`)
        const { plaintext, messageHeader } = await decrypt(new QkmsKeyring(keyA, { strict: true }), message)
        sameBytes(plaintext, plain, 'plaintext')
        assert(messageHeader.suiteId === Number(suite), `suite ${messageHeader.suiteId}`)
        contextHas(messageHeader.encryptionContext, ctx)
        assert(messageHeader.encryptedDataKeys[0].providerInfo === keyA, 'EDK provider info is the key ARN')
      })
    }
  }
  await check('qkms encrypt-file with two keys -> SDK KmsKeyringNode (strict on the second key)', async () => {
    const inFile = path.join(work, 'two-keys.bin')
    fs.writeFileSync(inFile, sample(70000))
    qkms(['encrypt-file', inFile, '--key-id', keyA, '--key-id', keyB, ...contextArgs(ctx)])
    const message = fs.readFileSync(`${inFile}.encrypted`)
    const { plaintext, messageHeader } = await decrypt(sdkKmsKeyring({ keyIds: [keyB] }), message)
    sameBytes(plaintext, sample(70000), 'plaintext')
    assert(messageHeader.encryptedDataKeys.length === 2, 'two EDKs')
  })
  await check('qkms encrypt-file with the default key (alias/aws/files) -> SDK discovery keyring', async () => {
    const inFile = path.join(work, 'default-key.bin')
    fs.writeFileSync(inFile, sample(5000))
    qkms(['encrypt-file', inFile, '--suite', '0x0578'])
    const { plaintext } = await decrypt(sdkKmsKeyring({ discovery: true }), fs.readFileSync(`${inFile}.encrypted`))
    sameBytes(plaintext, sample(5000), 'plaintext')
  })
  await check('SDK refuses a qkms file with one flipped byte', async () => {
    const inFile = path.join(work, 'flip.bin')
    fs.writeFileSync(inFile, sample(9000))
    qkms(['encrypt-file', inFile, '--key-id', keyA, '--frame-length', '4096'])
    const message = fs.readFileSync(`${inFile}.encrypted`)
    message[message.length - 30] ^= 0x01
    await rejects(decrypt(new QkmsKeyring(keyA), message), 'decrypting a damaged message')
  })

  // ---- the SDK writes, qkms reads ----
  const sdkCases = [
    [undefined, undefined, 0], [undefined, undefined, 1], [undefined, 4096, 100000],
    [AlgorithmSuiteIdentifier[suiteNames[0x0478]], 4096, 4096], [AlgorithmSuiteIdentifier[suiteNames[0x0478]], 100, 1000],
    [AlgorithmSuiteIdentifier[suiteNames[0x0478]], undefined, 1 << 20]
  ]
  for (const [suiteId, frameLength, size] of sdkCases) {
    const label = `${suiteId === undefined ? 'default suite (0x0578)' : '0x0478'}, frame ${frameLength || 'default'}, ${size} bytes`
    await check(`SDK encrypt ${label} -> qkms decrypt-file`, async () => {
      const plain = sample(size)
      const { result, messageHeader } = await encrypt(new QkmsKeyring(keyA), plain,
        { encryptionContext: ctx, ...(suiteId !== undefined ? { suiteId } : {}), ...(frameLength ? { frameLength } : {}) })
      assert(messageHeader.suiteId === (suiteId === undefined ? 0x0578 : 0x0478), `suite ${messageHeader.suiteId}`)
      const msgFile = path.join(work, `sdk-${blobCount}-${size}.encrypted`)
      fs.writeFileSync(msgFile, result)
      const out = path.join(work, `sdk-${blobCount}-${size}.out`)
      const r = qkmsJson(['decrypt-file', msgFile, '--output', out])
      sameBytes(fs.readFileSync(out), plain, 'plaintext')
      assert(r.KeyId === keyA, `qkms opened it with ${r.KeyId}`)
      contextHas(r.EncryptionContext, ctx)
      // Through a pipe as well.
      sameBytes(qkms(['decrypt-file', '-'], result), plain, 'plaintext via stdin/stdout')
    })
  }
  await check('SDK KmsKeyringNode (generator A, key B) -> qkms inspect-file and decrypt-file', async () => {
    const plain = sample(30000)
    const { result } = await encrypt(sdkKmsKeyring({ generatorKeyId: keyA, keyIds: [keyB] }), plain, { encryptionContext: ctx })
    const msgFile = path.join(work, 'sdk-kms-keyring.encrypted')
    fs.writeFileSync(msgFile, result)
    const info = qkmsJson(['inspect-file', msgFile])
    assert(info.EncryptedDataKeys.length === 2, 'two EDKs')
    assert(info.EncryptedDataKeys[0].KeyArn === keyA && info.EncryptedDataKeys[1].KeyArn === keyB, 'EDK ARNs')
    assert(info.EncryptedDataKeys.every(k => k.CanDecrypt === true), 'the root may use both')
    assert(info.AlgorithmSuite === '0x0578', `suite ${info.AlgorithmSuite}`)
    const r = qkmsJson(['decrypt-file', msgFile])
    sameBytes(fs.readFileSync(path.join(work, 'sdk-kms-keyring')), plain, 'plaintext')
    assert(r.KeyId === keyA, 'first EDK opened')
  })
  await check('qkms refuses an SDK message with one flipped byte and writes nothing', async () => {
    const { result } = await encrypt(new QkmsKeyring(keyA), sample(20000), { encryptionContext: ctx, frameLength: 4096 })
    result[result.length - 200] ^= 0x01
    const msgFile = path.join(work, 'sdk-flip.encrypted')
    fs.writeFileSync(msgFile, result)
    const out = path.join(work, 'sdk-flip.out')
    let error
    try {
      qkms(['decrypt-file', msgFile, '--output', out])
    } catch (e) {
      error = e
    }
    assert(error && error.status === 254 && /InvalidCiphertextException/.test(error.message), `qkms error: ${error && error.message}`)
    assert(!fs.existsSync(out), 'no output file')
    assert(!fs.readdirSync(work).some(n => n.includes('qkms-part')), 'no temporary file')
  })

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
