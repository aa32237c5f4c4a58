#include "vault/Vault.h"

#include "core/Regions.h"
#include "primitives/Primitives.h"
#include "primitives/SelfTest.h"
#include "store/Database.h"
#include "vault/Schema.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>

namespace qkms::vault {

namespace {

const QString kKeyFile = QStringLiteral("vault.key");
const QString kAccountFile = QStringLiteral("account.db");
constexpr int kMinPassphrase = 8;

QString isoNow(const Clock &clock)
{
    return clock.now().toString(Qt::ISODateWithMs);
}

QString newAccountId()
{
    // 12 digits, the first non-zero, as AWS account ids look.
    const QByteArray r = crypto::randomBytes(12);
    QString id;
    for (int i = 0; i < 12; ++i) {
        const int digit = static_cast<unsigned char>(r[i]) % 10;
        id.append(QChar(u'0' + (i == 0 && digit == 0 ? 1 : digit)));
    }
    return id;
}

Result<QCA::SecureArray> deriveSubkey(const QCA::SecureArray &master, const QByteArray &info)
{
    return crypto::hkdf(crypto::HashAlg::Sha256, master, QByteArrayLiteral("qkms vault"), info, 32);
}

} // namespace

Vault::Vault(QString dir, const Clock &clock) : m_dir(std::move(dir)), m_clock(clock) {}

Vault::~Vault()
{
    lock();
}

QString Vault::defaultDirectory()
{
    const QString env = qEnvironmentVariable("QKMS_VAULT");
    if (!env.isEmpty())
        return env;
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + QStringLiteral("/qkms/vault");
}

bool Vault::exists(const QString &dir)
{
    return QFileInfo::exists(QDir(dir).filePath(kKeyFile));
}

Result<std::unique_ptr<Vault>> Vault::create(const QString &dir, const QCA::SecureArray &passphrase,
                                             const Clock &clock, KdfCost cost)
{
    if (auto st = crypto::requireSelfTest(); !st)
        return std::unexpected(st.error());
    if (passphrase.size() < kMinPassphrase)
        return fail(errors::Validation,
                    QStringLiteral("the passphrase must have at least %1 characters").arg(kMinPassphrase));
    if (exists(dir))
        return fail(errors::AlreadyExists, QStringLiteral("a qkms vault already exists in %1").arg(dir));
    const QDir d(dir);
    if (QFileInfo::exists(d.filePath(kAccountFile)))
        return fail(errors::AlreadyExists,
                    QStringLiteral("%1 holds an account.db without vault.key; refusing to overwrite it").arg(dir));
    if (!QDir().mkpath(dir))
        return fail(errors::Storage, QStringLiteral("cannot create the vault directory %1").arg(dir));
    QFile::setPermissions(dir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);

    std::unique_ptr<Vault> vault(new Vault(QDir(dir).absolutePath(), clock));
    QCA::SecureArray master = crypto::randomSecret(32);
    QCA::SecureArray domain = crypto::randomSecret(32);

    // account.db first: if anything fails before vault.key exists, there is no vault yet and a
    // retry starts clean (the half-made account.db is removed below).
    auto accountKey = deriveSubkey(master, QByteArrayLiteral("sqlcipher account.db"));
    if (!accountKey)
        return std::unexpected(accountKey.error());
    const QString accountPath = d.filePath(kAccountFile);
    auto cleanup = [&accountPath] {
        for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")})
            QFile::remove(accountPath + suffix);
    };
    auto db = store::Database::open(accountPath, *accountKey, store::Database::OpenMode::CreateIfMissing);
    if (!db)
        return std::unexpected(db.error());
    auto initialise = [&]() -> Status {
        if (auto st = store::migrate(**db, accountMigrations()); !st)
            return st;
        auto wrapKey = deriveSubkey(master, QByteArrayLiteral("domain key"));
        if (!wrapKey)
            return std::unexpected(wrapKey.error());
        auto sealed = crypto::aesGcmSeal(*wrapKey, domain, QByteArrayLiteral("qkms domain key v1"));
        if (!sealed)
            return std::unexpected(sealed.error());
        auto tx = store::Transaction::begin(**db);
        if (!tx)
            return std::unexpected(tx.error());
        auto ins = (*db)->prepare(QStringLiteral("INSERT INTO account (id, account_id, created_at) "
                                                 "VALUES (1, :account, :created)"));
        if (!ins)
            return std::unexpected(ins.error());
        if (auto st = ins->bind(":account", newAccountId()).bind(":created", isoNow(clock)).run(); !st)
            return st;
        auto dk = (*db)->prepare(QStringLiteral("INSERT INTO domain_key (id, wrapped) VALUES (1, :wrapped)"));
        if (!dk)
            return std::unexpected(dk.error());
        if (auto st = dk->bind(":wrapped", sealed->nonce + sealed->ciphertext + sealed->tag).run(); !st)
            return st;
        return tx->commit();
    };
    if (auto st = initialise(); !st) {
        db->reset();
        cleanup();
        return std::unexpected(st.error());
    }
    db->reset();
    if (auto st = writeVaultKey(d.filePath(kKeyFile), master, passphrase, cost); !st) {
        cleanup();
        return std::unexpected(st.error());
    }
    if (auto st = vault->unlockWith(std::move(master)); !st)
        return std::unexpected(st.error());
    return vault;
}

Result<std::unique_ptr<Vault>> Vault::open(const QString &dir, const QCA::SecureArray &passphrase, const Clock &clock)
{
    if (auto st = crypto::requireSelfTest(); !st)
        return std::unexpected(st.error());
    const QDir d(dir);
    // A leftover from a passphrase change that was killed before its rename: the real key file
    // is still the old one, so the leftover is only noise. Remove it once we know which is right.
    auto master = readVaultKey(d.filePath(kKeyFile), passphrase);
    if (!master)
        return std::unexpected(master.error());
    QFile::remove(d.filePath(kKeyFile + QStringLiteral(".new")));
    std::unique_ptr<Vault> vault(new Vault(d.absolutePath(), clock));
    if (auto st = vault->unlockWith(std::move(*master)); !st)
        return std::unexpected(st.error());
    return vault;
}

Result<std::unique_ptr<Vault>> Vault::openAnotherHandle() const
{
    if (isLocked())
        return fail(errors::Vault, QStringLiteral("The vault is locked."));
    std::unique_ptr<Vault> vault(new Vault(m_dir, m_clock));
    QCA::SecureArray master = m_masterKey; // the copy is wiped by the new handle's lock()
    if (auto st = vault->unlockWith(std::move(master)); !st)
        return std::unexpected(st.error());
    return vault;
}

Status Vault::unlockWith(QCA::SecureArray masterKey)
{
    m_masterKey = std::move(masterKey);
    auto accountKey = fileKey(kAccountFile);
    if (!accountKey)
        return std::unexpected(accountKey.error());
    auto db = store::Database::open(QDir(m_dir).filePath(kAccountFile), *accountKey,
                                    store::Database::OpenMode::MustExist);
    if (!db) {
        lock();
        return std::unexpected(db.error());
    }
    m_account = std::move(*db);
    auto fault = [this](const KmsError &e) -> Status {
        lock();
        return std::unexpected(e);
    };
    if (auto st = store::migrate(*m_account, accountMigrations()); !st)
        return fault(st.error());
    auto q = m_account->prepare(QStringLiteral("SELECT a.account_id, d.wrapped FROM account a, domain_key d"));
    if (!q)
        return fault(q.error());
    auto row = q->step();
    if (!row || !*row)
        return fault(KmsError{errors::Vault, QStringLiteral("account.db in %1 is incomplete").arg(m_dir)});
    m_accountId = q->columnText(0);
    const QByteArray wrapped = q->columnBlob(1);
    auto wrapKey = deriveSubkey(m_masterKey, QByteArrayLiteral("domain key"));
    if (!wrapKey)
        return fault(wrapKey.error());
    if (wrapped.size() != 12 + 32 + 16)
        return fault(KmsError{errors::Vault, QStringLiteral("the domain key in account.db is corrupt")});
    auto domain = crypto::aesGcmOpen(*wrapKey, wrapped.left(12), wrapped.mid(12, 32), wrapped.right(16),
                                     QByteArrayLiteral("qkms domain key v1"));
    if (!domain)
        return fault(KmsError{errors::Vault, QStringLiteral("the domain key in account.db does not unwrap")});
    m_domainKey = std::move(*domain);
    return {};
}

Result<QCA::SecureArray> Vault::fileKey(const QString &fileName) const
{
    if (m_masterKey.isEmpty())
        return fail(errors::Vault, QStringLiteral("the vault is locked"));
    return deriveSubkey(m_masterKey, QByteArrayLiteral("sqlcipher ") + fileName.toUtf8());
}

Status Vault::changePassphrase(const QCA::SecureArray &oldPassphrase, const QCA::SecureArray &newPassphrase,
                               KdfCost cost, CrashPoint crash)
{
    if (isLocked())
        return fail(errors::Vault, QStringLiteral("the vault is locked"));
    if (newPassphrase.size() < kMinPassphrase)
        return fail(errors::Validation,
                    QStringLiteral("the passphrase must have at least %1 characters").arg(kMinPassphrase));
    const QString path = QDir(m_dir).filePath(kKeyFile);
    auto check = readVaultKey(path, oldPassphrase);
    if (!check)
        return fail(errors::Vault, QStringLiteral("the current passphrase is wrong; nothing was changed"));
    if (!(*check == m_masterKey))
        return fail(errors::Vault, QStringLiteral("vault.key changed underneath this session; unlock again"));
    return writeVaultKey(path, m_masterKey, newPassphrase, cost, crash);
}

void Vault::lock()
{
    m_regions.clear();
    m_account.reset();
    // SecureArray::clear() zeroes the locked buffer before releasing it.
    m_masterKey.clear();
    m_domainKey.clear();
}

bool Vault::isLocked() const
{
    return m_masterKey.isEmpty();
}

bool Vault::holdsSecrets() const
{
    return !m_masterKey.isEmpty() || !m_domainKey.isEmpty();
}

Result<store::Database *> Vault::accountDb()
{
    if (isLocked() || !m_account)
        return fail(errors::Vault, QStringLiteral("the vault is locked"));
    return m_account.get();
}

Result<store::Database *> Vault::regionDb(const QString &region)
{
    if (isLocked())
        return fail(errors::Vault, QStringLiteral("the vault is locked"));
    if (!isValidRegion(region))
        return fail(errors::Validation, QStringLiteral("'%1' is not an AWS region code").arg(region));
    if (auto it = m_regions.constFind(region); it != m_regions.constEnd())
        return it->get();
    const QString fileName = region + QStringLiteral(".db");
    auto key = fileKey(fileName);
    if (!key)
        return std::unexpected(key.error());
    auto db = store::Database::open(QDir(m_dir).filePath(fileName), *key, store::Database::OpenMode::CreateIfMissing);
    if (!db)
        return std::unexpected(db.error());
    if (auto st = store::migrate(**db, regionMigrations()); !st)
        return std::unexpected(st.error());
    auto q = (*db)->prepare(QStringLiteral("SELECT name FROM region"));
    if (!q)
        return std::unexpected(q.error());
    auto row = q->step();
    if (!row)
        return std::unexpected(row.error());
    if (!*row) {
        auto ins = (*db)->prepare(QStringLiteral("INSERT OR IGNORE INTO region (id, name, created_at) "
                                                 "VALUES (1, :name, :created)"));
        if (!ins)
            return std::unexpected(ins.error());
        if (auto st = ins->bind(":name", region).bind(":created", isoNow(m_clock)).run(); !st)
            return std::unexpected(st.error());
    } else if (q->columnText(0) != region) {
        return fail(errors::Vault, QStringLiteral("%1 belongs to region %2, not %3").arg(fileName, q->columnText(0), region));
    }
    std::shared_ptr<store::Database> shared(std::move(*db));
    m_regions.insert(region, shared);
    return shared.get();
}

QStringList Vault::regionsOnDisk() const
{
    QStringList out;
    const QStringList files = QDir(m_dir).entryList({QStringLiteral("*.db")}, QDir::Files, QDir::Name);
    for (const QString &f : files) {
        const QString region = f.chopped(3);
        if (isValidRegion(region))
            out.append(region);
    }
    return out;
}

Result<QByteArray> Vault::wrapMaterial(const QCA::SecureArray &material, const QByteArray &binding) const
{
    if (m_domainKey.isEmpty())
        return fail(errors::Vault, QStringLiteral("the vault is locked"));
    auto sealed = crypto::aesGcmSeal(m_domainKey, material, QByteArrayLiteral("qkms material v1|") + binding);
    if (!sealed)
        return std::unexpected(sealed.error());
    return sealed->nonce + sealed->ciphertext + sealed->tag;
}

Result<QCA::SecureArray> Vault::unwrapMaterial(const QByteArray &wrapped, const QByteArray &binding) const
{
    if (m_domainKey.isEmpty())
        return fail(errors::Vault, QStringLiteral("the vault is locked"));
    if (wrapped.size() < 12 + 16)
        return fail(errors::Internal, QStringLiteral("stored key material is corrupt"));
    // Views into the stored bytes: nonce ‖ ciphertext ‖ tag are not copied out (every Encrypt
    // unwraps its key's material).
    static constexpr QByteArrayView prefix("qkms material v1|");
    QByteArray aad;
    aad.reserve(prefix.size() + binding.size());
    aad.append(prefix).append(binding);
    const QByteArrayView w(wrapped);
    auto opened = crypto::aesGcmOpen(m_domainKey, w.first(12), w.sliced(12, w.size() - 28), w.last(16), aad);
    if (!opened)
        return fail(errors::Internal, QStringLiteral("stored key material does not unwrap (the vault was altered)"));
    return opened;
}

} // namespace qkms::vault
