#pragma once

#include "kms/KeyRecord.h"

#include <QHash>
#include <QTimer>
#include <QWidget>

#include <optional>

class QFormLayout;
class QLabel;
class QPlainTextEdit;
class QStackedWidget;
class QTabWidget;
class QTableWidget;

namespace qkms::model {
class EngineRunner;
}

namespace qkms::ui {

class GrantsTab;
class KeyRotationTab;
class TagsTab;
class TryItPanel;

/// The selected key in tabs like the AWS console's: general configuration, key policy,
/// cryptographic configuration (with the public key), tags (editable), aliases, key rotation,
/// grants and "Try it". The first and third come from the key's metadata at once; policy, tags,
/// aliases and public key are read from the engine a moment after the selection settles, so
/// arrowing through the table does not flood the audit log; rotation and grants only while
/// their tab is open.
class KeyDetailView : public QWidget
{
    Q_OBJECT
public:
    enum Tab { GeneralTab, PolicyTab, CryptoTab, TagsTab, AliasesTab, RotationTab, GrantsTab, TryItTab };

    explicit KeyDetailView(model::EngineRunner *runner, QWidget *parent = nullptr);

    /// Shows `key` (none: a hint to select one). The same key again only refreshes the metadata;
    /// another key, or changed aliases, reads the policy, tags and aliases again.
    void showKey(const std::optional<kms::KeyRecord> &key, const QStringList &aliases);
    /// Reads the policy, tags, aliases and public key of the shown key again.
    void reloadDetails();
    /// The shown key's id (empty when none).
    [[nodiscard]] QString keyId() const { return m_key ? m_key->keyId : QString(); }
    /// Delay before the engine is asked, after the selection changed (tests set 0).
    void setLoadDelay(int milliseconds) { m_delay.setInterval(milliseconds); }
    /// The tab widget (tests switch tabs through it).
    [[nodiscard]] QTabWidget *tabs() const { return m_tabs; }
    [[nodiscard]] ui::TagsTab *tagsTab() const { return m_tagsTab; }
    [[nodiscard]] ui::KeyRotationTab *rotationTab() const { return m_rotationTab; }
    [[nodiscard]] ui::GrantsTab *grantsTab() const { return m_grantsTab; }
    [[nodiscard]] ui::TryItPanel *tryItPanel() const { return m_tryIt; }

Q_SIGNALS:
    /// The engine-read tabs of `keyId` are filled.
    void detailsLoaded(const QString &keyId);

private:
    QWidget *buildGeneralTab();
    QWidget *buildCryptoTab();
    QLabel *addField(QFormLayout *form, const QString &title, const char *name);
    void fillMetadata();
    void loadDetails();
    void setField(const char *name, const QString &value);
    /// Reads the open tab's data when it is one that loads only while open (rotation, grants).
    void loadOpenTab();

    model::EngineRunner *m_runner;
    std::optional<kms::KeyRecord> m_key;
    QStringList m_aliases;
    QTimer m_delay;
    quint64 m_request = 0; ///< bumped per load; older results are dropped
    QStackedWidget *m_stack = nullptr;
    QLabel *m_title = nullptr;
    QTabWidget *m_tabs = nullptr;
    QHash<QString, QLabel *> m_fields;
    QFormLayout *m_generalForm = nullptr;
    QFormLayout *m_cryptoForm = nullptr;
    QPlainTextEdit *m_policy = nullptr;
    QPlainTextEdit *m_publicKey = nullptr;
    ui::TagsTab *m_tagsTab = nullptr;
    ui::KeyRotationTab *m_rotationTab = nullptr;
    ui::GrantsTab *m_grantsTab = nullptr;
    ui::TryItPanel *m_tryIt = nullptr;
    QTableWidget *m_aliasTable = nullptr;
};

} // namespace qkms::ui
