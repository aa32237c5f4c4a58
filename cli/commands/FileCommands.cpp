// encrypt-file, decrypt-file, inspect-file: whole files in the AWS Encryption SDK message format
// (version 2), with data keys from this vault's KMS keys. `-` names stdin or stdout. Output to a
// file appears only when complete (and, for decryption, authenticated); to stdout, decrypted
// frames stream as each one authenticates and the last is held back until the whole message
// (and its signature) verified — a non-zero exit means: discard what was read, as with the AWS
// Encryption CLI's default (unbuffered) mode.

#include "Output.h"
#include "envelope/FileJob.h"
#include "envelope/KmsKeyring.h"
#include "envelope/MessageDecryptor.h"
#include "kms/KmsService.h"

#include <QFile>
#include <QJsonArray>

#include <unistd.h>

namespace qkms::cli {

using namespace Qt::StringLiterals;

namespace {

const QString kStdio = u"-"_s;

/// Every value of a repeatable option (`--key-id A --key-id B`, also `--key-id=A`).
QStringList repeated(const QStringList &words, const QString &name)
{
    const QString option = u"--"_s + name;
    QStringList values;
    for (qsizetype i = 0; i < words.size(); ++i) {
        if (words[i] == option && i + 1 < words.size())
            values.append(words[++i]);
        else if (words[i].startsWith(option + u'='))
            values.append(words[i].mid(option.size() + 1));
    }
    return values;
}

/// The options of a file command and its one input file (a path, or `-` for stdin). Unlike the
/// aws-kms-shaped commands these take a positional word, so parseCommand's stray-word check
/// does not apply; `--key-id` repeats instead of taking a list.
struct FileArgs {
    Args args;
    QString input;
};

Result<FileArgs> parseFileCommand(const QStringList &words, const QStringList &known, const QStringList &flags = {})
{
    auto a = Args::parse(words, flags);
    if (!a)
        return std::unexpected(a.error());
    if (auto st = a->allowOnly(known); !st)
        return std::unexpected(st.error());
    const QStringList &pos = a->positional();
    if (pos.isEmpty())
        return fail(kUsageError, u"the following arguments are required: IN (a file, or - for stdin)"_s);
    if (pos.size() > 1)
        return fail(kUsageError, u"Unknown options: %1"_s.arg(pos.mid(1).join(u", "_s)));
    return FileArgs{*a, pos.first()};
}

/// The input as a device: fd 0 for `-` (read unbuffered: the message layer loops itself), else
/// the file. Used where a device is needed (stdin, or stdout as the output); file-to-file jobs
/// go through the path API, which also refuses input = output.
Result<std::unique_ptr<QFile>> openSource(const QString &input)
{
    auto f = std::make_unique<QFile>(input == kStdio ? QString() : input);
    const bool ok = input == kStdio ? f->open(STDIN_FILENO, QIODevice::ReadOnly | QIODevice::Unbuffered)
                                    : f->open(QIODevice::ReadOnly);
    if (!ok)
        return fail(errors::Storage, u"cannot read %1: %2"_s.arg(input == kStdio ? u"standard input"_s : input,
                                                                f->errorString()));
    return f;
}

QJsonObject contextJson(const envelope::EncryptionContext &ctx)
{
    QJsonObject o;
    for (auto it = ctx.constBegin(); it != ctx.constEnd(); ++it)
        o.insert(it.key(), it.value());
    return o;
}

QJsonObject summary(const envelope::MessageHeader &h, qint64 plaintextBytes, qint64 messageBytes)
{
    return QJsonObject{{u"AlgorithmSuite"_s, envelope::hexId(quint16(h.suite))},
                       {u"MessageId"_s, QString::fromLatin1(h.messageId.toHex())},
                       {u"FrameLength"_s, qint64(h.frameLength)},
                       {u"EncryptionContext"_s, contextJson(h.context)},
                       {u"PlaintextBytes"_s, plaintextBytes},
                       {u"MessageBytes"_s, messageBytes}};
}

Result<QJsonObject> encryptFile(Session &s, const QStringList &words)
{
    auto a = parseFileCommand(words, {u"output"_s, u"key-id"_s, u"encryption-context"_s, u"suite"_s,
                                      u"frame-length"_s, u"overwrite"_s},
                              {u"overwrite"_s});
    if (!a)
        return std::unexpected(a.error());
    const QString input = a->input;
    envelope::EncryptOptions options;
    if (auto suite = a->args.value(u"suite"_s)) {
        auto parsed = envelope::parseSuite(*suite);
        if (!parsed)
            return std::unexpected(parsed.error());
        options.suite = *parsed;
    }
    auto frame = a->args.integer(u"frame-length"_s, 1, envelope::kMaxFrameBuffer);
    if (!frame)
        return std::unexpected(frame.error());
    if (*frame)
        options.frameLength = quint32(**frame);
    auto context = contextOption(a->args, u"encryption-context"_s);
    if (!context)
        return std::unexpected(context.error());
    options.context = *context;
    // Refused before the vault opens or a default key is made.
    if (auto st = envelope::validateCallerContext(options.context); !st)
        return std::unexpected(st.error());
    const QString output = a->args.value(u"output"_s)
                               .value_or(input == kStdio ? kStdio : envelope::defaultEncryptedPath(input));

    auto e = engine(s);
    if (!e)
        return std::unexpected(e.error());
    QStringList keyIds = repeated(words, u"key-id"_s);
    if (keyIds.isEmpty()) {
        // As AWS services do: the AWS-managed key of the service, made on first use.
        auto managed = e->service->awsManagedKey(e->caller, u"files"_s);
        if (!managed)
            return std::unexpected(managed.error());
        keyIds.append(managed->arn);
    }
    envelope::KmsKeyring keyring(*e->service, e->caller, keyIds);

    envelope::FileJobOptions job;
    job.overwrite = a->args.flag(u"overwrite"_s);
    Result<envelope::FileJobResult> r = fail(errors::Internal, {});
    if (input != kStdio && output != kStdio) {
        r = envelope::encryptFile(keyring, input, output, options, job);
    } else {
        auto in = openSource(input);
        if (!in)
            return std::unexpected(in.error());
        if (output == kStdio) {
            auto written = envelope::MessageEncryptor(keyring).encrypt(**in, s.out(), options);
            if (!written)
                return std::unexpected(written.error());
            return QJsonObject{}; // stdout carries the message
        }
        r = envelope::encryptToFile(keyring, **in, -1, output, options, job);
    }
    if (!r)
        return std::unexpected(r.error());
    QJsonArray keys;
    for (const envelope::EncryptedDataKey &edk : r->header.encryptedDataKeys)
        keys.append(QString::fromUtf8(edk.providerInfo));
    QJsonObject o = summary(r->header, r->plaintextBytes, r->messageBytes);
    o.insert(u"Output"_s, r->outputPath);
    o.insert(u"KeyIds"_s, keys);
    return o;
}

Result<QJsonObject> decryptFile(Session &s, const QStringList &words)
{
    auto a = parseFileCommand(words, {u"output"_s, u"overwrite"_s}, {u"overwrite"_s});
    if (!a)
        return std::unexpected(a.error());
    const QString input = a->input;
    const QString output = a->args.value(u"output"_s)
                               .value_or(input == kStdio ? kStdio : envelope::defaultDecryptedPath(input));
    auto e = engine(s);
    if (!e)
        return std::unexpected(e.error());
    envelope::KmsKeyring keyring(*e->service, e->caller);

    envelope::FileJobOptions job;
    job.overwrite = a->args.flag(u"overwrite"_s);
    Result<envelope::FileJobResult> r = fail(errors::Internal, {});
    if (input != kStdio && output != kStdio) {
        r = envelope::decryptFile(keyring, input, output, job);
    } else {
        auto in = openSource(input);
        if (!in)
            return std::unexpected(in.error());
        if (output == kStdio) {
            auto read = envelope::MessageDecryptor(keyring).decrypt(**in, s.out());
            if (!read)
                return std::unexpected(read.error());
            return QJsonObject{};
        }
        r = envelope::decryptToFile(keyring, **in, -1, output, job);
    }
    if (!r)
        return std::unexpected(r.error());
    QJsonObject o = summary(r->header, r->plaintextBytes, r->messageBytes);
    o.insert(u"Output"_s, r->outputPath);
    o.insert(u"KeyId"_s, keyring.lastKeyArn());
    return o;
}

Result<QJsonObject> inspectFile(Session &s, const QStringList &words)
{
    auto a = parseFileCommand(words, {});
    if (!a)
        return std::unexpected(a.error());
    const QString input = a->input;
    auto in = openSource(input);
    if (!in)
        return std::unexpected(in.error());
    auto header = envelope::inspect(**in);
    if (!header)
        return std::unexpected(header.error());
    auto e = engine(s);
    if (!e)
        return std::unexpected(e.error());
    envelope::KmsKeyring keyring(*e->service, e->caller);
    QJsonArray keys;
    for (const envelope::EncryptedDataKey &edk : header->encryptedDataKeys) {
        const envelope::DataKeyAccess access = keyring.checkAccess(edk, header->context);
        QJsonObject k{{u"ProviderId"_s, access.providerId}, {u"CanDecrypt"_s, access.usable}};
        if (!access.keyArn.isEmpty())
            k.insert(u"KeyArn"_s, access.keyArn);
        if (access.why)
            k.insert(u"Reason"_s, access.why->toString());
        keys.append(k);
    }
    const envelope::MessageHeader &h = *header;
    return QJsonObject{{u"AlgorithmSuite"_s, envelope::hexId(quint16(h.suite))},
                       {u"AlgorithmSuiteName"_s, envelope::suiteName(h.suite)},
                       {u"MessageId"_s, QString::fromLatin1(h.messageId.toHex())},
                       {u"ContentType"_s, h.contentType == envelope::ContentType::Framed ? u"FRAMED"_s : u"NON_FRAMED"_s},
                       {u"FrameLength"_s, qint64(h.frameLength)},
                       {u"EncryptionContext"_s, contextJson(h.context)},
                       {u"EncryptedDataKeys"_s, keys},
                       {u"Authenticated"_s, false}};
}

} // namespace

void registerFileCommands()
{
    addCommand("encrypt-file", "EncryptFile",
               "encrypt IN (or -) as an AWS Encryption SDK message (--key-id …, default alias/aws/files)", encryptFile);
    addCommand("decrypt-file", "DecryptFile", "decrypt an AWS Encryption SDK message (IN or -)", decryptFile);
    addCommand("inspect-file", "InspectFile", "an encrypted file's header, and which data keys you may use", inspectFile);
}

} // namespace qkms::cli
