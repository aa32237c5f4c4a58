#include "wizard/KeyPermissionsPage.h"

#include "EngineRunner.h"
#include "FormParts.h"
#include "iam/PrincipalStore.h"
#include "kms/KmsService.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QVBoxLayout>

namespace qkms::ui {

KeyPermissionsPage::KeyPermissionsPage(model::EngineRunner *runner, QWidget *parent)
    : QWizardPage(parent), m_runner(runner)
{
    setObjectName(QStringLiteral("keyPermissionsPage"));
    setTitle(tr("Define key permissions"));
    setSubTitle(tr("Administrators manage the key but cannot use it; users use it for cryptographic "
                   "operations. Both become statements of the key policy. Pick none to keep the default "
                   "policy, which leaves permissions to IAM policies."));
    auto *pageLayout = new QVBoxLayout(this);
    auto *row = new QHBoxLayout;
    pageLayout->addLayout(row, 1);
    auto addList = [this, row](const QString &title, const char *name) {
        auto *box = new QVBoxLayout;
        auto *label = new QLabel(title, this);
        auto *list = new QListWidget(this);
        list->setObjectName(QString::fromLatin1(name));
        label->setBuddy(list);
        box->addWidget(label);
        box->addWidget(list, 1);
        row->addLayout(box, 1);
        return list;
    };
    m_admins = addList(tr("Key &administrators"), "keyAdministratorsList");
    m_users = addList(tr("Key u&sers"), "keyUsersList");
    m_status = makeHintLabel({}, this);
    m_status->setObjectName(QStringLiteral("principalsStatus"));
    pageLayout->addWidget(m_status);
}

void KeyPermissionsPage::loadPrincipals()
{
    if (m_requested)
        return;
    m_requested = true;
    m_status->setText(tr("Reading the account's users and roles…"));
    struct Listing {
        QString accountId;
        Result<QList<iam::Principal>> principals;
    };
    const bool queued = m_runner->run(
        this,
        [](kms::KmsService &service, const kms::Caller &caller) {
            Listing out{service.accountId(), QList<iam::Principal>()};
            auto users = service.principals().list(caller.principalArn, iam::PrincipalKind::User);
            auto roles = service.principals().list(caller.principalArn, iam::PrincipalKind::Role);
            if (!users)
                out.principals = std::unexpected(users.error());
            else if (!roles)
                out.principals = std::unexpected(roles.error());
            else
                out.principals = *users + *roles;
            return out;
        },
        [this](Listing out) {
            m_accountId = out.accountId;
            m_loaded = true;
            if (!out.principals) {
                m_status->setText(tr("The principals could not be listed, so the key gets the default "
                                     "policy. %1")
                                      .arg(out.principals.error().toString()));
                return;
            }
            for (QListWidget *list : {m_admins, m_users}) {
                for (const iam::Principal &p : std::as_const(*out.principals)) {
                    auto *item = new QListWidgetItem(iam::PrincipalStore::kindName(p.kind) + u'/' + p.name, list);
                    item->setData(Qt::UserRole, p.arn);
                    item->setToolTip(p.arn);
                    item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
                    item->setCheckState(Qt::Unchecked);
                }
            }
            m_status->setText(out.principals->isEmpty()
                                  ? tr("The account has no IAM users or roles yet; the key gets the "
                                       "default policy.")
                                  : QString());
        });
    if (!queued) {
        m_loaded = true;
        m_status->setText(tr("The vault is locked."));
    }
}

QStringList KeyPermissionsPage::administrators() const
{
    return checkedArns(m_admins);
}

QStringList KeyPermissionsPage::users() const
{
    return checkedArns(m_users);
}

QStringList KeyPermissionsPage::checkedArns(const QListWidget *list)
{
    QStringList out;
    for (int i = 0; i < list->count(); ++i)
        if (list->item(i)->checkState() == Qt::Checked)
            out.append(list->item(i)->data(Qt::UserRole).toString());
    return out;
}

} // namespace qkms::ui
