// get-parameters-for-import, import-key-material, delete-imported-key-material: key material
// brought in from outside for keys created with --origin EXTERNAL.

#include "Output.h"
#include "kms/KmsService.h"

#include <QTimeZone>

namespace qkms::cli {

using namespace Qt::StringLiterals;

namespace {

/// `--valid-to` as the AWS CLI takes timestamps: ISO 8601 (a date alone is midnight UTC) or
/// seconds since the epoch. Usage error otherwise.
Result<QDateTime> parseTimestamp(const QString &text)
{
    bool isNumber = false;
    const double seconds = text.toDouble(&isNumber);
    if (isNumber)
        return QDateTime::fromMSecsSinceEpoch(qint64(seconds * 1000), QTimeZone::UTC);
    QDateTime t = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!t.isValid())
        t = QDateTime(QDate::fromString(text, Qt::ISODate), QTime(0, 0), QTimeZone::UTC);
    if (!t.isValid())
        return fail(kUsageError, u"argument --valid-to: '%1' is not an ISO 8601 time or epoch seconds"_s.arg(text));
    if (t.timeSpec() == Qt::LocalTime) // no zone given: UTC, as the AWS CLI reads it
        t.setTimeZone(QTimeZone::UTC);
    return t.toUTC();
}

Result<QJsonObject> getParametersForImport(Session &s, const QStringList &words)
{
    auto c = parseKeyCommand(words, {u"key-id"_s, u"wrapping-algorithm"_s, u"wrapping-key-spec"_s});
    if (!c)
        return std::unexpected(c.error());
    auto algorithm = c->parsed.args.required(u"wrapping-algorithm"_s);
    if (!algorithm)
        return std::unexpected(algorithm.error());
    auto spec = c->parsed.args.required(u"wrapping-key-spec"_s);
    if (!spec)
        return std::unexpected(spec.error());
    if (auto opened = openEngine(s, *c); !opened)
        return std::unexpected(opened.error());
    auto p = c->service().getParametersForImport(c->caller(), c->keyId, *algorithm, *spec);
    if (!p)
        return std::unexpected(p.error());
    return QJsonObject{{u"KeyId"_s, p->keyArn},
                       {u"ImportToken"_s, base64(p->importToken)},
                       {u"PublicKey"_s, base64(p->publicKey)},
                       {u"ParametersValidTo"_s, kms::awsTimestamp(p->parametersValidTo)}};
}

Result<QJsonObject> importKeyMaterial(Session &s, const QStringList &words)
{
    auto c = parseKeyCommand(words, {u"key-id"_s, u"import-token"_s, u"encrypted-key-material"_s,
                                     u"expiration-model"_s, u"valid-to"_s});
    if (!c)
        return std::unexpected(c.error());
    const Args &args = c->parsed.args;
    kms::ImportKeyMaterialRequest r;
    r.keyId = c->keyId;
    auto token = requiredBlob(args, u"import-token"_s);
    if (!token)
        return std::unexpected(token.error());
    r.importToken = *token;
    auto material = requiredBlob(args, u"encrypted-key-material"_s);
    if (!material)
        return std::unexpected(material.error());
    r.encryptedKeyMaterial = *material;
    r.expirationModel = args.value(u"expiration-model"_s);
    if (auto validTo = args.value(u"valid-to"_s)) {
        auto t = parseTimestamp(*validTo);
        if (!t)
            return std::unexpected(t.error());
        r.validTo = *t;
    }
    if (auto opened = openEngine(s, *c); !opened)
        return std::unexpected(opened.error());
    auto done = c->service().importKeyMaterial(c->caller(), r);
    if (!done)
        return std::unexpected(done.error());
    return QJsonObject{{u"KeyId"_s, done->keyArn}, {u"KeyMaterialId"_s, done->keyMaterialId}};
}

Result<QJsonObject> deleteImportedKeyMaterial(Session &s, const QStringList &words)
{
    auto c = keyCommand(s, words, {u"key-id"_s});
    if (!c)
        return std::unexpected(c.error());
    return nothing(c->service().deleteImportedKeyMaterial(c->caller(), c->keyId));
}

} // namespace

void registerImportCommands()
{
    addCommand("get-parameters-for-import", "GetParametersForImport",
               "RSA wrapping key and import token for an EXTERNAL key (--wrapping-algorithm, --wrapping-key-spec)",
               getParametersForImport);
    addCommand("import-key-material", "ImportKeyMaterial",
               "import wrapped key material (--encrypted-key-material, --import-token, --expiration-model, --valid-to)",
               importKeyMaterial);
    addCommand("delete-imported-key-material", "DeleteImportedKeyMaterial",
               "delete a key's imported material (the key becomes PendingImport)", deleteImportedKeyMaterial);
}

} // namespace qkms::cli
