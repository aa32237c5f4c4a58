#include "CreateKeyCommand.h"

#include "CreateKeyWizard.h"

namespace qkms::ui {

CreateKeyWizard *CreateKeyCommand::wizard() const
{
    return m_wizard;
}

void CreateKeyCommand::start()
{
    m_wizard = new CreateKeyWizard(runner(), parentWidget());
    m_wizard->setAttribute(Qt::WA_DeleteOnClose);
    CreateKeyWizard *wizard = m_wizard;
    connect(wizard, &QDialog::accepted, this, [this, wizard] {
        const QString id = wizard->createdKeyId();
        const QString alias = wizard->aliasName();
        finish({CommandResult::Outcome::Succeeded,
                alias.isEmpty() ? tr("Created key %1.").arg(id) : tr("Created key %1 with alias %2.").arg(id, alias),
                id});
    });
    connect(wizard, &QDialog::rejected, this, [this, wizard] {
        const QString id = wizard->createdKeyId();
        if (id.isEmpty())
            cancel();
        else
            finish({CommandResult::Outcome::Succeeded, tr("Created key %1 without an alias.").arg(id), id});
    });
    wizard->open();
}

} // namespace qkms::ui
