#pragma once

#include "AliasListModel.h"

#include <QDialog>

#include <optional>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;

namespace qkms::model {
class EngineRunner;
}

namespace qkms::ui {

/// Asks for an alias and the key it points at. Creating: a name checked as you type with the
/// engine's rules (and against the aliases already listed), and a customer managed key. Retargeting
/// (`alias` given): the name is fixed and the picker offers only the keys UpdateAlias accepts for
/// it — same type and usage as the current target — so the engine's refusal cannot be reached.
/// The keys are read on the engine worker when the dialog opens, as the acting principal.
class AliasDialog : public QDialog
{
    Q_OBJECT
public:
    AliasDialog(model::EngineRunner *runner, const model::AliasListModel *aliases,
                std::optional<model::AliasInfo> alias, QWidget *parent = nullptr);

    [[nodiscard]] QString aliasName() const;
    /// The chosen key's id (empty while none can be chosen).
    [[nodiscard]] QString targetKeyId() const;
    /// Selects `keyId` in the picker when it is offered; returns whether it was.
    bool selectTargetKey(const QString &keyId);
    /// Key ids the picker offers, in its order.
    [[nodiscard]] QStringList offeredKeyIds() const;
    /// The problem with the typed name (empty when it is acceptable).
    [[nodiscard]] QString nameProblem() const;
    [[nodiscard]] bool keysLoaded() const { return m_loaded; }

Q_SIGNALS:
    /// The candidate keys were read (or could not be: the hint says why).
    void keysReady();

private:
    void loadKeys();
    void validate();

    model::EngineRunner *m_runner;
    const model::AliasListModel *m_aliases;
    std::optional<model::AliasInfo> m_alias;
    QLineEdit *m_name = nullptr;
    QLabel *m_problem = nullptr;
    QComboBox *m_keys = nullptr;
    QLabel *m_hint = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
    bool m_loaded = false;
};

} // namespace qkms::ui
