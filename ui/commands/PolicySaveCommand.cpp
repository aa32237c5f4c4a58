#include "PolicySaveCommand.h"

#include "EngineRunner.h"
#include "iam/PrincipalStore.h"
#include "kms/KmsService.h"

namespace qkms::ui {

PolicySaveCommand::PolicySaveCommand(model::EngineRunner *runner, model::PolicyRef policy, QString document,
                                     QWidget *parentWidget)
    : Command(runner, parentWidget), m_policy(std::move(policy)), m_document(std::move(document))
{
}

bool PolicySaveCommand::isLockoutRefusal(const KmsError &error)
{
    return error.type == errors::MalformedPolicy
           && error.message.startsWith(QStringLiteral("The new key policy will not allow you to update the key policy"));
}

QString PolicySaveCommand::explain(const KmsError &error, const QString &callerArn)
{
    if (isLockoutRefusal(error))
        return tr("Not saved: this policy would lock you out of the key. Once it is in force, %1 would no longer be "
                  "allowed kms:PutKeyPolicy, so nobody acting as you could ever change or repair the policy again. "
                  "Keep a statement that allows you (or the account root) kms:PutKeyPolicy, then save. (%2)")
            .arg(callerArn, error.type);
    return tr("Not saved: %1 (%2)").arg(error.message, error.type);
}

void PolicySaveCommand::start()
{
    const model::PolicyRef policy = m_policy;
    const QString document = m_document;
    const QString callerArn = runner()->caller().principalArn;
    const bool queued = runner()->run(
        this,
        [policy, document](kms::KmsService &service, const kms::Caller &caller) -> Status {
            if (policy.kind == model::PolicyRef::Kind::KeyPolicy)
                return service.putKeyPolicy(caller, policy.keyId, policy.policyName, document);
            return service.principals().putPolicy(caller.principalArn, policy.principalKind, policy.principalName,
                                                  policy.policyName, document);
        },
        [this, policy, callerArn](Status result) {
            if (result)
                finish({CommandResult::Outcome::Succeeded, tr("Saved the policy of %1.").arg(policy.label()),
                        policy.keyId});
            else
                finish({CommandResult::Outcome::Failed, explain(result.error(), callerArn), policy.keyId});
        });
    if (!queued)
        finish({CommandResult::Outcome::Failed, tr("The vault is locked."), policy.keyId});
}

} // namespace qkms::ui
