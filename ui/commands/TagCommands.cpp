#include "TagCommands.h"

#include "kms/KmsService.h"

namespace qkms::ui {

namespace {

bool taggable(const kms::KeyRecord &key)
{
    return !key.keyId.isEmpty() && key.keyManager == kms::KeyManager::Customer
           && key.keyState != kms::KeyState::PendingDeletion;
}

} // namespace

TagResourceCommand::TagResourceCommand(model::EngineRunner *runner, const kms::KeyRecord &key, kms::Tags tags,
                                       QWidget *parentWidget)
    : KeyCommand(runner, key, parentWidget), m_tags(std::move(tags))
{
}

bool TagResourceCommand::appliesTo(const kms::KeyRecord &key)
{
    return taggable(key);
}

void TagResourceCommand::start()
{
    runOnKey([tags = m_tags](kms::KmsService &service, const kms::Caller &caller, const QString &keyId) -> Result<QString> {
        if (auto st = service.tagResource(caller, keyId, tags); !st)
            return std::unexpected(st.error());
        QStringList names;
        for (auto it = tags.cbegin(); it != tags.cend(); ++it)
            names.append(it.key() + QStringLiteral(" = ") + it.value());
        return tr("Tagged key %1 with %2.").arg(keyId, names.join(QStringLiteral(", ")));
    });
}

UntagResourceCommand::UntagResourceCommand(model::EngineRunner *runner, const kms::KeyRecord &key,
                                           QStringList tagKeys, QWidget *parentWidget)
    : KeyCommand(runner, key, parentWidget), m_tagKeys(std::move(tagKeys))
{
}

bool UntagResourceCommand::appliesTo(const kms::KeyRecord &key)
{
    return taggable(key);
}

void UntagResourceCommand::start()
{
    runOnKey([tagKeys = m_tagKeys](kms::KmsService &service, const kms::Caller &caller,
                                   const QString &keyId) -> Result<QString> {
        if (auto st = service.untagResource(caller, keyId, tagKeys); !st)
            return std::unexpected(st.error());
        return tr("Removed tag %1 from key %2.").arg(tagKeys.join(QStringLiteral(", ")), keyId);
    });
}

} // namespace qkms::ui
