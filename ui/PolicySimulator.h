#pragma once

#include "kms/Requests.h"
#include "policy/PolicyEvaluator.h"

#include <QWidget>

#include <optional>

class QComboBox;
class QLabel;
class QPushButton;
class QTableWidget;
class QTreeWidget;

namespace qkms::model {
class EngineRunner;
}

namespace qkms::ui {

/// The policy simulator: a principal, a kms:* action, a key and an encryption context go to
/// KmsService::simulate (the evaluation real calls use) and come back as Allowed or Denied with
/// every statement that was looked at: which one decided, from the key policy or an identity
/// policy, or that nothing allowed (implicit deny).
class PolicySimulator : public QWidget
{
    Q_OBJECT
public:
    explicit PolicySimulator(model::EngineRunner *runner, QWidget *parent = nullptr);

    /// The principals offered (the text stays editable for other ARNs); keeps the current choice
    /// when it is still offered, else picks the runner's caller.
    void setPrincipals(const QStringList &arns);
    /// The keys offered, as (key id, label); the first entry is always "no key".
    void setKeys(const QList<std::pair<QString, QString>> &keys);
    void setPrincipal(const QString &arn);
    void setAction(const QString &action);
    /// Selects `keyId`, or "no key" for an empty id; returns whether it was offered.
    bool setKey(const QString &keyId);
    /// Replaces the encryption context pairs.
    void setEncryptionContext(const kms::EncryptionContext &context);
    [[nodiscard]] kms::EncryptionContext encryptionContext() const;

    /// The last decision, or nullopt (none yet, or the last simulation failed).
    [[nodiscard]] const std::optional<policy::Decision> &decision() const { return m_decision; }
    /// "Allowed", "Denied (explicit deny)", "Denied (implicit deny)" or the error shown.
    [[nodiscard]] QString decisionText() const;

public Q_SLOTS:
    /// Runs the simulation on the engine worker; simulated() follows.
    void simulate();

Q_SIGNALS:
    void simulated();

private:
    QWidget *buildForm();
    void showDecision(const Result<policy::Decision> &result);

    model::EngineRunner *m_runner;
    QComboBox *m_principal = nullptr;
    QComboBox *m_action = nullptr;
    QComboBox *m_key = nullptr;
    QTableWidget *m_context = nullptr;
    QPushButton *m_run = nullptr;
    QLabel *m_result = nullptr;
    QLabel *m_summary = nullptr;
    QTreeWidget *m_trace = nullptr;
    std::optional<policy::Decision> m_decision;
    bool m_busy = false;
};

} // namespace qkms::ui
