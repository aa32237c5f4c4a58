#include "TagsTab.h"

#include "EngineRunner.h"
#include "PagedTable.h"
#include "commands/TagCommands.h"
#include "kms/KmsService.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace qkms::ui {

TagsTab::TagsTab(model::EngineRunner *runner, QWidget *parent) : QWidget(parent), m_runner(runner)
{
    setObjectName(QStringLiteral("keyTagsTab"));
    auto *layout = new QVBoxLayout(this);
    m_table = makeReadOnlyTable("keyTagsTable", {tr("Tag key"), tr("Tag value")}, this);
    m_table->horizontalHeader()->resizeSection(0, 220);
    layout->addWidget(m_table, 1);

    auto *row = new QHBoxLayout;
    m_tagKey = new QLineEdit(this);
    m_tagKey->setObjectName(QStringLiteral("keyTagKeyEdit"));
    m_tagKey->setPlaceholderText(tr("Tag key"));
    m_tagValue = new QLineEdit(this);
    m_tagValue->setObjectName(QStringLiteral("keyTagValueEdit"));
    m_tagValue->setPlaceholderText(tr("Tag value (may be empty)"));
    m_add = new QPushButton(tr("&Add or change tag"), this);
    m_add->setObjectName(QStringLiteral("keyTagAddButton"));
    m_remove = new QPushButton(tr("Remove &selected tag"), this);
    m_remove->setObjectName(QStringLiteral("keyTagRemoveButton"));
    row->addWidget(m_tagKey, 1);
    row->addWidget(m_tagValue, 1);
    row->addWidget(m_add);
    row->addWidget(m_remove);
    layout->addLayout(row);
    m_message = makeTabMessage("keyTagsMessage", this);
    layout->addWidget(m_message);

    connect(m_add, &QPushButton::clicked, this, &TagsTab::addTag);
    connect(m_tagKey, &QLineEdit::returnPressed, this, &TagsTab::addTag);
    connect(m_tagValue, &QLineEdit::returnPressed, this, &TagsTab::addTag);
    connect(m_remove, &QPushButton::clicked, this, &TagsTab::removeTag);
    connect(m_tagKey, &QLineEdit::textChanged, this, &TagsTab::updateActions);
    connect(m_table, &QTableWidget::itemSelectionChanged, this, &TagsTab::updateActions);
    updateActions();
}

void TagsTab::setKey(const std::optional<kms::KeyRecord> &key)
{
    const bool keep = sameKey(key, m_key);
    m_key = key;
    if (!keep) {
        ++m_request;
        m_table->setRowCount(0);
        m_tagKey->clear();
        m_tagValue->clear();
        m_message->clear();
    }
    updateActions();
}

void TagsTab::showTags(const Result<kms::Tags> &tags)
{
    QList<QStringList> rows;
    if (tags)
        for (auto it = tags->cbegin(); it != tags->cend(); ++it)
            rows.append({it.key(), it.value()});
    setTableRows(m_table, rows);
    if (!tags) {
        m_table->setRowCount(1);
        m_table->setItem(0, 0, new QTableWidgetItem(tags.error().toString()));
    }
    updateActions();
    if (m_key)
        Q_EMIT tagsShown(m_key->keyId);
}

void TagsTab::reload()
{
    if (!m_key)
        return;
    const quint64 request = ++m_request;
    m_runner->run(
        this,
        [keyId = m_key->keyId](kms::KmsService &service, const kms::Caller &caller) {
            return readEveryPage<kms::Tags>(
                [&](const QString &marker) { return service.listResourceTags(caller, keyId, 50, marker); },
                [](kms::Tags &all, const kms::ListTagsResponse &page) { all.insert(page.tags); });
        },
        [this, request](Result<kms::Tags> tags) {
            if (request == m_request)
                showTags(tags);
        });
}

QString TagsTab::message() const
{
    return m_message->text();
}

void TagsTab::updateActions()
{
    const bool applies = m_key && TagResourceCommand::appliesTo(*m_key);
    m_tagKey->setEnabled(applies);
    m_tagValue->setEnabled(applies);
    m_add->setEnabled(applies && !m_tagKey->text().trimmed().isEmpty());
    const int row = m_table->currentRow();
    m_remove->setEnabled(applies && row >= 0 && !m_table->selectedItems().isEmpty());
    m_table->setToolTip(m_key && !applies ? tr("Tags of AWS managed keys and of keys pending deletion cannot change.")
                                          : QString());
}

void TagsTab::addTag()
{
    if (!m_add->isEnabled())
        return;
    auto *command = new TagResourceCommand(m_runner, *m_key, {{m_tagKey->text().trimmed(), m_tagValue->text()}}, this);
    connect(command, &Command::finished, this,
            [this](const CommandResult &r) { finished(r, tr("The tag was not added.")); });
    m_add->setEnabled(false);
    command->start();
}

void TagsTab::removeTag()
{
    const int row = m_table->currentRow();
    if (!m_remove->isEnabled() || row < 0 || !m_table->item(row, 0))
        return;
    auto *command = new UntagResourceCommand(m_runner, *m_key, {m_table->item(row, 0)->text()}, this);
    connect(command, &Command::finished, this,
            [this](const CommandResult &r) { finished(r, tr("The tag was not removed.")); });
    m_remove->setEnabled(false);
    command->start();
}

void TagsTab::finished(const CommandResult &result, const QString &failure)
{
    if (result.succeeded()) {
        showTabMessage(m_message, result.message, false);
        m_tagKey->clear();
        m_tagValue->clear();
    } else if (result.outcome == CommandResult::Outcome::Failed) {
        showTabMessage(m_message, failure + u' ' + result.message, true);
    }
    Q_EMIT actionFinished(result);
    reload();
}

} // namespace qkms::ui
