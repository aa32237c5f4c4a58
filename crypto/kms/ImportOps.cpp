// GetParametersForImport, ImportKeyMaterial, DeleteImportedKeyMaterial and the expiry of imported
// material. The wrapping keys and import tokens are made and opened in ImportWrapping.cpp.
//
// Re-imports must bring the same material (AWS): a keyed fingerprint of the first material stays
// when the material is deleted, wrapped under the domain key, and later imports are compared with it.

#include "kms/CryptoOpSupport.h"
#include "kms/ImportRows.h"
#include "kms/ImportWrapping.h"
#include "kms/KeyRows.h"
#include "kms/KeyStateRules.h"
#include "kms/KmsService.h"
#include "primitives/Primitives.h"
#include "store/Database.h"
#include "vault/Vault.h"

using namespace Qt::StringLiterals;

namespace qkms::kms {

using namespace ops;

namespace {

constexpr int MaxImportBlobBytes = 6144; // EncryptedKeyMaterial and ImportToken
const QByteArray kFingerprintLabel = QByteArrayLiteral("qkms imported key material fingerprint v1");
const QString kExpires = u"KEY_MATERIAL_EXPIRES"_s;
const QString kDoesNotExpire = u"KEY_MATERIAL_DOES_NOT_EXPIRE"_s;

QByteArray fingerprintBinding(const QString &arn)
{
    return arn.toUtf8() + "|imported-material-fingerprint";
}

/// Lengths AWS accepts for imported material: 256-bit symmetric keys, HMAC keys from the
/// spec's digest length up to its block size.
bool materialLengthFits(KeySpec spec, qsizetype n)
{
    switch (spec) {
    case KeySpec::SymmetricDefault: return n == 32;
    case KeySpec::Hmac224: return n >= 28 && n <= 64;
    case KeySpec::Hmac256: return n >= 32 && n <= 64;
    case KeySpec::Hmac384: return n >= 48 && n <= 128;
    case KeySpec::Hmac512: return n >= 64 && n <= 128;
    default: return false;
    }
}

QJsonObject keyParam(const QString &keyId)
{
    return {{u"keyId"_s, keyId}};
}

} // namespace

Result<ImportParameters> KmsService::getParametersForImport(const Caller &c, const QString &keyId,
                                                            const QString &wrappingAlgorithm,
                                                            const QString &wrappingKeySpec)
{
    const QString op = u"GetParametersForImport"_s;
    QString arn;
    auto run = [&]() -> Result<ImportParameters> {
        auto wrapping = parseWrapping(wrappingAlgorithm);
        auto kind = parseWrappingSpec(wrappingKeySpec);
        // Enum violations first (ValidationException before any lookup); unsupported names after
        // authorization, as for other valid-but-unsupported requests.
        if (!wrapping && wrapping.error().type == errors::Validation)
            return std::unexpected(wrapping.error());
        if (!kind && kind.error().type == errors::Validation)
            return std::unexpected(kind.error());
        auto key = resolveKey(keyId, false);
        if (!key)
            return std::unexpected(key.error());
        arn = key->arn;
        if (auto st = authorize(c, u"kms:GetParametersForImport"_s, &*key, {},
                                {{u"kms:WrappingAlgorithm"_s, {wrappingAlgorithm}},
                                 {u"kms:WrappingKeySpec"_s, {wrappingKeySpec}}});
            !st)
            return std::unexpected(st.error());
        if (auto st = checkKeyState(*key, OperationGroup::Import); !st)
            return std::unexpected(st.error());
        if (!wrapping)
            return std::unexpected(wrapping.error());
        if (!kind)
            return std::unexpected(kind.error());
        // RSA generation (a second for 4096 bits) runs outside any transaction.
        auto made = makeWrappingKey(m_vault, *key, *kind, wrappingAlgorithm, wrappingKeySpec);
        if (!made)
            return std::unexpected(made.error());
        const rows::ImportParametersRow &row = made->row;
        auto tx = store::Transaction::begin(*m_db);
        if (!tx)
            return std::unexpected(tx.error());
        if (auto st = rows::purgeExpiredImportParameters(*m_db, key->keyId, row.createdAt); !st)
            return std::unexpected(st.error());
        if (auto st = rows::insertImportParameters(*m_db, row); !st)
            return std::unexpected(st.error());
        if (auto st = tx->commit(); !st)
            return std::unexpected(st.error());
        return ImportParameters{key->arn, made->importToken, row.publicKey, row.validTo};
    };
    auto result = run();
    QJsonObject params = keyParam(keyId);
    params.insert(u"wrappingAlgorithm", wrappingAlgorithm);
    params.insert(u"wrappingKeySpec", wrappingKeySpec);
    record(c, op, arn, params, errorOf(result));
    return result;
}

Result<ImportKeyMaterialResponse> KmsService::importKeyMaterial(const Caller &c, const ImportKeyMaterialRequest &r)
{
    const QString op = u"ImportKeyMaterial"_s;
    const QString model = r.expirationModel.value_or(r.validTo ? kExpires : kDoesNotExpire);
    const QDateTime now = m_vault.clock().now();
    QString arn;
    auto run = [&]() -> Result<ImportKeyMaterialResponse> {
        if (auto st = checkLength(r.importToken.size(), u"importToken"_s, MaxImportBlobBytes); !st)
            return std::unexpected(st.error());
        if (auto st = checkLength(r.encryptedKeyMaterial.size(), u"encryptedKeyMaterial"_s, MaxImportBlobBytes); !st)
            return std::unexpected(st.error());
        if (model != kExpires && model != kDoesNotExpire)
            return validation(u"Value '%1' at 'expirationModel' failed to satisfy constraint: Member must satisfy "
                              "enum value set: [KEY_MATERIAL_EXPIRES, KEY_MATERIAL_DOES_NOT_EXPIRE]"_s.arg(model));
        if (model == kExpires && !r.validTo)
            return fail(errors::Validation, u"A ValidTo date must be set if the ExpirationModel is "
                                            "KEY_MATERIAL_EXPIRES."_s);
        if (model == kDoesNotExpire && r.validTo)
            return fail(errors::Validation, u"ValidTo must not be set if the ExpirationModel is "
                                            "KEY_MATERIAL_DOES_NOT_EXPIRE."_s);
        if (r.validTo && (*r.validTo <= now || *r.validTo > now.addDays(365)))
            return fail(errors::Validation, u"ValidTo must be in the future and at most 365 days from now."_s);
        auto key = resolveKey(r.keyId, false);
        if (!key)
            return std::unexpected(key.error());
        arn = key->arn;
        QMap<QString, QStringList> conditions{{u"kms:ExpirationModel"_s, {model}}};
        if (r.validTo)
            conditions.insert(u"kms:ValidTo"_s, {QString::number(r.validTo->toSecsSinceEpoch())});
        if (auto st = authorize(c, u"kms:ImportKeyMaterial"_s, &*key, {}, conditions); !st)
            return std::unexpected(st.error());
        if (auto st = checkKeyState(*key, OperationGroup::Import); !st)
            return std::unexpected(st.error());
        auto params = openImportToken(m_vault, *m_db, r.importToken);
        if (!params)
            return std::unexpected(params.error());
        if (params->keyId != key->keyId)
            return invalidToken();
        if (params->validTo < now)
            return fail(errors::ExpiredImportToken, u"The import token has expired: call GetParametersForImport "
                                                    "again."_s);
        auto material = unwrapImportedMaterial(m_vault, *key, *params, r.encryptedKeyMaterial);
        if (!material)
            return std::unexpected(material.error());
        if (!materialLengthFits(key->keySpec, material->size()))
            return fail(errors::IncorrectKeyMaterial, u"The key material is not valid for key spec %1."_s
                                                          .arg(toString(key->keySpec)));
        auto fingerprint = crypto::hmac(crypto::HashAlg::Sha256, *material, kFingerprintLabel);
        if (!fingerprint)
            return std::unexpected(fingerprint.error());
        // From here under the write lock: a concurrent import or deletion in another process is
        // seen, so the first material of a key is recorded once.
        auto tx = store::Transaction::begin(*m_db);
        if (!tx)
            return std::unexpected(tx.error());
        auto fresh = rows::loadKey(*m_db, key->keyId);
        if (!fresh)
            return std::unexpected(fresh.error());
        if (!*fresh)
            return fail(errors::NotFound, u"Key '%1' does not exist"_s.arg(key->arn));
        KeyRecord k = **fresh;
        if (auto st = checkKeyState(k, OperationGroup::Import); !st)
            return std::unexpected(st.error());
        auto known = rows::loadImportedMaterial(*m_db, key->keyId);
        if (!known)
            return std::unexpected(known.error());
        if (*known) {
            auto previous = m_vault.unwrapMaterial((*known)->wrappedFingerprint, fingerprintBinding(key->arn));
            if (!previous)
                return std::unexpected(previous.error());
            if (!crypto::constantTimeEquals(previous->toByteArray(), *fingerprint))
                return fail(errors::IncorrectKeyMaterial, u"The key material in the request is not the key material "
                                                          "that was previously imported into this KMS key."_s);
        }
        // Material versions are fixed at 1: imported keys do not rotate, and re-imported material
        // gets the same binding, so ciphertexts made before a deletion open again.
        QByteArray wrappedMaterial;
        if (k.currentVersion == 0) {
            auto w = m_vault.wrapMaterial(*material, rows::materialBinding(k.arn, 1));
            if (!w)
                return std::unexpected(w.error());
            wrappedMaterial = *w;
        }
        QString materialId;
        if (*known) {
            materialId = (*known)->materialId;
        } else {
            materialId = QString::fromLatin1(crypto::randomBytes(32).toHex());
            auto wrappedFingerprint = m_vault.wrapMaterial(QCA::SecureArray(*fingerprint), fingerprintBinding(key->arn));
            if (!wrappedFingerprint)
                return std::unexpected(wrappedFingerprint.error());
            if (auto st = rows::insertImportedMaterial(*m_db, key->keyId, {materialId, *wrappedFingerprint}); !st)
                return std::unexpected(st.error());
        }
        if (k.currentVersion == 0) {
            if (auto st = rows::insertMaterial(*m_db, k.keyId, 1, materialId, wrappedMaterial, {}, now, {}); !st)
                return std::unexpected(st.error());
            k.currentVersion = 1;
        }
        if (k.keyState == KeyState::PendingImport)
            k.keyState = KeyState::Enabled;
        k.expirationModel = model;
        k.validTo = r.validTo ? std::optional<QDateTime>(r.validTo->toUTC()) : std::nullopt;
        if (auto st = saveKey(k); !st)
            return std::unexpected(st.error());
        if (auto st = tx->commit(); !st)
            return std::unexpected(st.error());
        return ImportKeyMaterialResponse{k.arn, materialId};
    };
    auto result = run();
    QJsonObject params = keyParam(r.keyId);
    params.insert(u"expirationModel", model);
    if (r.validTo)
        params.insert(u"validTo", r.validTo->toUTC().toString(Qt::ISODate));
    record(c, op, arn, params, errorOf(result));
    return result;
}

Status KmsService::deleteImportedKeyMaterial(const Caller &c, const QString &keyId)
{
    QString arn;
    auto run = [&]() -> Status {
        auto key = resolveKey(keyId, false);
        if (!key)
            return std::unexpected(key.error());
        arn = key->arn;
        if (auto st = authorize(c, u"kms:DeleteImportedKeyMaterial"_s, &*key); !st)
            return st;
        if (auto st = checkKeyState(*key, OperationGroup::DeleteImport); !st)
            return st;
        if (key->currentVersion == 0)
            return {}; // PendingImport already: no effect
        auto tx = store::Transaction::begin(*m_db);
        if (!tx)
            return std::unexpected(tx.error());
        if (auto st = rows::deleteMaterialVersions(*m_db, key->keyId); !st)
            return st;
        KeyRecord k = *key;
        k.currentVersion = 0;
        k.validTo.reset();
        k.expirationModel.clear();
        if (k.keyState != KeyState::PendingDeletion) // deletion stays scheduled (AWS)
            k.keyState = KeyState::PendingImport;
        if (auto st = saveKey(k); !st)
            return st;
        return tx->commit();
    };
    auto result = run();
    record(c, u"DeleteImportedKeyMaterial"_s, arn, keyParam(keyId), errorOf(result));
    return result;
}

Result<QStringList> KmsService::expireImportedMaterial(QList<QPair<QString, KmsError>> *failures)
{
    const QDateTime now = m_vault.clock().now();
    auto due = rows::keysWithExpiredMaterial(*m_db, now);
    if (!due)
        return std::unexpected(due.error());
    const Caller scheduler{rootArn(), u"scheduler"_s, {}};
    QStringList expired;
    for (const QString &id : *due) {
        // Re-checked under the write lock, so two processes expire (and audit) it once.
        auto one = [&]() -> Result<std::optional<KeyRecord>> {
            auto tx = store::Transaction::begin(*m_db, store::Transaction::Kind::Immediate);
            if (!tx)
                return std::unexpected(tx.error());
            auto key = rows::loadKey(*m_db, id);
            if (!key)
                return std::unexpected(key.error());
            if (!*key || (*key)->currentVersion == 0 || (*key)->expirationModel != kExpires || !(*key)->validTo
                || *(*key)->validTo > now)
                return std::optional<KeyRecord>{};
            KeyRecord k = **key;
            if (auto st = rows::deleteMaterialVersions(*m_db, id); !st)
                return std::unexpected(st.error());
            k.currentVersion = 0;
            if (k.keyState != KeyState::PendingDeletion)
                k.keyState = KeyState::PendingImport;
            // ValidTo and the model stay, so DescribeKey shows why the key went to PendingImport.
            if (auto st = saveKey(k); !st)
                return std::unexpected(st.error());
            if (auto st = tx->commit(); !st)
                return std::unexpected(st.error());
            return std::optional<KeyRecord>{k};
        };
        auto done = one();
        if (!done) {
            if (failures)
                failures->append({id, done.error()});
            continue;
        }
        if (!*done)
            continue;
        record(scheduler, u"DeleteExpiredKeyMaterial"_s, (*done)->arn,
               {{u"keyId"_s, id}, {u"validTo"_s, (*done)->validTo->toString(Qt::ISODate)}}, std::nullopt);
        expired.append(id);
    }
    return expired;
}

} // namespace qkms::kms
