#pragma once

#include "commands/Command.h"
#include "core/KmsError.h"
#include "kms/KeyRecord.h"
#include "kms/Requests.h"

#include <QWidget>

#include <optional>

class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;

namespace qkms::model {
class EngineRunner;
}

namespace qkms::ui {

/// The key detail view's Tags tab: the key's tags, and adding, changing and removing them
/// through TagResource / UntagResource command objects. The detail view hands it the tags it
/// read; after a change the tab reads them again itself.
class TagsTab : public QWidget
{
    Q_OBJECT
public:
    explicit TagsTab(model::EngineRunner *runner, QWidget *parent = nullptr);

    /// The key whose tags are shown; another key clears the table until showTags().
    void setKey(const std::optional<kms::KeyRecord> &key);
    /// Shows `tags`, or the error that reading them gave.
    void showTags(const Result<kms::Tags> &tags);
    /// Reads the tags again (ListResourceTags, every page).
    void reload();
    /// The last sentence shown under the table (outcome of an action, or empty).
    [[nodiscard]] QString message() const;

Q_SIGNALS:
    /// The tags of `keyId` are shown (after showTags() or reload()).
    void tagsShown(const QString &keyId);
    /// A tag action finished; `result` says how.
    void actionFinished(const qkms::ui::CommandResult &result);

private:
    void addTag();
    void removeTag();
    void finished(const CommandResult &result, const QString &failure);
    void updateActions();

    model::EngineRunner *m_runner;
    std::optional<kms::KeyRecord> m_key;
    quint64 m_request = 0;
    QTableWidget *m_table = nullptr;
    QLineEdit *m_tagKey = nullptr;
    QLineEdit *m_tagValue = nullptr;
    QPushButton *m_add = nullptr;
    QPushButton *m_remove = nullptr;
    QLabel *m_message = nullptr;
};

} // namespace qkms::ui
