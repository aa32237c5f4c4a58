#pragma once

// The Tags tab's actions: TagResource (add a tag or change its value) and UntagResource. Both
// apply to any key that is not pending deletion and not AWS managed (AWS refuses tagging those).

#include "KeyCommand.h"

namespace qkms::ui {

/// TagResource with one or more tags; an existing tag key gets the new value.
class TagResourceCommand : public KeyCommand
{
    Q_OBJECT
public:
    TagResourceCommand(model::EngineRunner *runner, const kms::KeyRecord &key, kms::Tags tags, QWidget *parentWidget);
    /// Whether the key's tags may be changed.
    [[nodiscard]] static bool appliesTo(const kms::KeyRecord &key);
    void start() override;

private:
    kms::Tags m_tags;
};

/// UntagResource: removes the tags with these keys (keys the key does not have are ignored).
class UntagResourceCommand : public KeyCommand
{
    Q_OBJECT
public:
    UntagResourceCommand(model::EngineRunner *runner, const kms::KeyRecord &key, QStringList tagKeys,
                         QWidget *parentWidget);
    [[nodiscard]] static bool appliesTo(const kms::KeyRecord &key);
    void start() override;

private:
    QStringList m_tagKeys;
};

} // namespace qkms::ui
