#pragma once

#include "core/KmsError.h"
#include "iam/PrincipalStore.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QTimer>

namespace qkms::kms {
class KmsService;
}

namespace qkms::model {

class EngineRunner;

/// The account's principals: the root first, then IAM users, then roles (each sorted by name
/// as IAM lists them). The list is read as the account root whoever the console acts as: it is
/// what the "acting as" selector offers, and only the root may list principals at all. Principals
/// live in account.db, outside the region's audit log that VaultWatcher polls, so the model also
/// polls on its own (a user created from the CLI appears without a restart).
class PrincipalListModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { NameColumn, KindColumn, ArnColumn, CreatedColumn, ColumnCount };
    enum Role {
        ArnRole = Qt::UserRole + 1, ///< QString
        KindRole,                   ///< int (iam::PrincipalKind)
        NameRole,                   ///< QString
        SortRole,
    };

    /// A model over `runner`'s service; it reloads whenever the runner's service (not its caller:
    /// the list is the same for everyone) changes and
    /// re-reads every `pollMs` (0: never) while it has one.
    explicit PrincipalListModel(EngineRunner *runner, int pollMs = 5000, QObject *parent = nullptr);

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    [[nodiscard]] QHash<int, QByteArray> roleNames() const override;

    /// The principal at `row` (a default Principal when out of range).
    [[nodiscard]] const iam::Principal &principalAt(int row) const;
    /// The row of the principal with this ARN, or -1.
    [[nodiscard]] int indexOf(const QString &arn) const;
    /// "root (account 111122223333)", "user/alice", "role/auditor": how the console names one.
    [[nodiscard]] static QString label(const iam::Principal &p);

    /// Reads the list again and applies the difference (coalesced while a read runs).
    void refresh();
    [[nodiscard]] bool isBusy() const { return m_busy; }
    [[nodiscard]] QString errorText() const { return m_error; }

    /// Root, users and roles of the service's account, read as the root (run on the worker).
    /// Errors: errors::Vault when locked, StorageException.
    [[nodiscard]] static Result<QList<iam::Principal>> fetch(kms::KmsService &service);

Q_SIGNALS:
    /// A read was applied (or failed: see errorText()).
    void loaded();

private:
    void serviceChanged();
    void reload();
    void readArrived(Result<QList<iam::Principal>> rows, quint64 generation);
    void applyDiff(QList<iam::Principal> fresh);

    EngineRunner *m_runner;
    QList<iam::Principal> m_rows;
    QHash<QString, int> m_rowOf;
    QTimer m_poll;
    bool m_busy = false;
    bool m_refreshPending = false;
    quint64 m_generation = 0;
    quint64 m_serviceGeneration = 0; ///< the runner's, at the last reload
    QString m_error;
};

} // namespace qkms::model
