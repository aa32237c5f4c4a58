#pragma once

#include "core/KmsError.h"
#include "kms/KeyTypes.h"
#include "kms/Requests.h"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QHash>

namespace qkms::kms {
class KmsService;
}

namespace qkms::model {

class EngineRunner;

/// One alias as the aliases pane shows it: ListAliases's entry plus what the pane needs to know
/// of its target key (to describe it and to offer only compatible keys when retargeting).
struct AliasInfo {
    QString aliasName;
    QString aliasArn;
    QString targetKeyId;
    QDateTime creationDate;
    QDateTime lastUpdatedDate;
    kms::KeySpec targetKeySpec = kms::KeySpec::SymmetricDefault;
    kms::KeyUsage targetKeyUsage = kms::KeyUsage::EncryptDecrypt;
    kms::KeyState targetKeyState = kms::KeyState::Enabled;
    kms::KeyManager targetKeyManager = kms::KeyManager::Customer;
    QString targetDescription;

    /// alias/aws/… names belong to AWS managed keys: nobody may create, retarget or delete them.
    [[nodiscard]] bool isAwsManaged() const { return aliasName.startsWith(QStringLiteral("alias/aws/")); }
    bool operator==(const AliasInfo &) const = default;
};

/// The aliases of the runner's region as a table sorted by name (ListAliases's order). The list
/// is read whole on the engine worker: one audited ListAliases call decides whether the caller
/// may list aliases, then one query reads every alias with its target's metadata, so a region
/// with thousands of aliases is not thousands of audited pages. refresh() applies the difference
/// as row inserts, removals and dataChanged, keeping selections.
class AliasListModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { AliasNameColumn, TargetKeyColumn, TargetTypeColumn, CreatedColumn, UpdatedColumn, ColumnCount };
    enum Role {
        AliasNameRole = Qt::UserRole + 1, ///< QString
        AliasArnRole,                     ///< QString
        TargetKeyIdRole,                  ///< QString
        ReadOnlyRole,                     ///< bool: alias/aws/…
        SortRole,                         ///< a value that sorts the column (dates as QDateTime)
    };

    /// A model over `runner`'s service; it reloads whenever the runner's service or caller changes.
    explicit AliasListModel(EngineRunner *runner, QObject *parent = nullptr);

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    [[nodiscard]] QHash<int, QByteArray> roleNames() const override;

    /// The alias at `row` (a default AliasInfo when out of range); valid until the model changes.
    [[nodiscard]] const AliasInfo &aliasAt(int row) const;
    /// The row of alias `aliasName`, or -1.
    [[nodiscard]] int indexOf(const QString &aliasName) const;
    /// Lower-case name, target key id and target description of `row`: what the search matches.
    [[nodiscard]] QString searchTextAt(int row) const;

    /// Drops every row and reads the list again (after a region or caller switch).
    void reload();
    /// Reads the list again and applies the difference. Coalesced while a read runs.
    void refresh();
    [[nodiscard]] bool isBusy() const { return m_busy; }
    /// Whether the list has been read at least once since the last reload.
    [[nodiscard]] bool isLoaded() const { return m_loaded; }
    /// The last read's failure as "ExceptionName: message" (empty when it succeeded).
    [[nodiscard]] QString errorText() const { return m_error; }

    /// Every alias of the region as `caller` may list them (run on the engine worker). Errors:
    /// ListAliases's (AccessDeniedException), StorageException.
    [[nodiscard]] static Result<QList<AliasInfo>> fetch(kms::KmsService &service, const kms::Caller &caller);
    /// The engine's AliasName rules for a name the user types (CreateAlias): empty rules out
    /// nothing; ValidationException and InvalidAliasNameException with the engine's messages.
    /// Forwards to kms::validateAliasName (crypto/kms/AliasNames.h), which the engine uses too.
    [[nodiscard]] static Status validateAliasName(const QString &name);
    /// Whether UpdateAlias may point `alias` at a key of this spec, usage, manager and state: a
    /// customer managed key not pending deletion, of the same type (symmetric, asymmetric or
    /// HMAC) and usage as the current target, and not the current target itself.
    [[nodiscard]] static bool canRetargetTo(const AliasInfo &alias, const QString &keyId, kms::KeySpec spec,
                                            kms::KeyUsage usage, kms::KeyManager manager, kms::KeyState state);

Q_SIGNALS:
    /// A read was applied (or failed: see errorText()).
    void loaded();
    void errorChanged(const QString &errorText);

private:
    void startRead();
    void readArrived(Result<QList<AliasInfo>> rows, quint64 generation);
    void applyDiff(QList<AliasInfo> fresh);
    void rebuildIndex();
    void setError(const QString &text);

    EngineRunner *m_runner;
    QList<AliasInfo> m_rows;
    QList<QString> m_search; ///< searchTextAt, parallel to m_rows
    QHash<QString, int> m_rowOf;
    bool m_busy = false;
    bool m_loaded = false;
    bool m_refreshPending = false;
    quint64 m_generation = 0; ///< bumped by reload(): results of older reads are dropped
    QString m_error;
};

} // namespace qkms::model
