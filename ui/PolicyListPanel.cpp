#include "PolicyListPanel.h"

#include "PolicyListModel.h"

#include <QLabel>
#include <QListView>
#include <QPushButton>
#include <QScopedValueRollback>
#include <QVBoxLayout>

namespace qkms::ui {

PolicyListPanel::PolicyListPanel(model::PolicyListModel *policies, QWidget *parent)
    : QWidget(parent), m_policies(policies)
{
    auto *column = new QVBoxLayout(this);
    column->setContentsMargins(0, 0, 0, 0);
    auto *heading = new QLabel(tr("Key and identity policies"), this);
    QFont f = heading->font();
    f.setBold(true);
    heading->setFont(f);
    column->addWidget(heading);
    m_list = new QListView(this);
    m_list->setObjectName(QStringLiteral("policyList"));
    m_list->setModel(m_policies);
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    m_list->setUniformItemSizes(true); // one line each: keeps thousands of keys cheap
    column->addWidget(m_list, 1);
    m_newIdentity = new QPushButton(tr("New identity policy…"), this);
    m_newIdentity->setObjectName(QStringLiteral("newIdentityPolicyButton"));
    m_newIdentity->setToolTip(tr("Attach a new inline identity policy to an IAM user or role"));
    connect(m_newIdentity, &QPushButton::clicked, this, &PolicyListPanel::newIdentityPolicyRequested);
    column->addWidget(m_newIdentity);
    m_note = new QLabel(this);
    m_note->setObjectName(QStringLiteral("policyListNote"));
    m_note->setWordWrap(true);
    m_note->setStyleSheet(QStringLiteral("color:#5f6368;"));
    m_note->hide();
    column->addWidget(m_note);
    connect(m_list->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &PolicyListPanel::selectionChanged);
    connect(m_policies, &model::PolicyListModel::loaded, this, &PolicyListPanel::updateNote);
}

void PolicyListPanel::selectRow(int row)
{
    const QScopedValueRollback guard(m_syncingSelection, true);
    if (row < 0)
        m_list->selectionModel()->clearSelection();
    else
        m_list->selectionModel()->setCurrentIndex(m_policies->index(row), QItemSelectionModel::ClearAndSelect);
}

void PolicyListPanel::setNewPolicyEnabled(bool enabled, bool mayManage)
{
    m_newIdentity->setEnabled(enabled);
    m_newIdentity->setToolTip(mayManage ? tr("Attach a new inline identity policy to an IAM user or role")
                                        : tr("Only the account root manages identity policies: choose it in "
                                             "“Acting as”."));
}

void PolicyListPanel::updateNote()
{
    // The first reason the list is not the whole picture: the read failed, identity policies
    // were refused, or there is nothing to list yet.
    QString note = m_policies->errorText();
    if (note.isEmpty() && !m_policies->catalog().identityError.isEmpty())
        note = m_policies->catalog().identityError;
    if (note.isEmpty() && m_policies->rowCount() == 0)
        note = tr("No customer managed keys or identity policies yet. Create a key in the Customer managed keys "
                  "pane; its key policy appears here.");
    m_note->setText(note);
    m_note->setVisible(!note.isEmpty());
}

void PolicyListPanel::selectionChanged()
{
    if (m_syncingSelection)
        return;
    const QModelIndexList rows = m_list->selectionModel()->selectedRows();
    if (!rows.isEmpty())
        Q_EMIT policyChosen(m_policies->policyAt(rows.first().row()));
}

} // namespace qkms::ui
