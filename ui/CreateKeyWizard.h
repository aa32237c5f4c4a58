#pragma once

#include "kms/Requests.h"

#include <QWizard>

namespace qkms::model {
class EngineRunner;
}

namespace qkms::ui {

class KeyLabelsPage;
class KeyPermissionsPage;
class KeyReviewPage;
class KeyTypePage;

/// The AWS console's create-key flow: key type, usage and spec → alias, description, tags →
/// key administrators and key users (the account's IAM users and roles, read through the
/// runner), which become the key policy in the shape of the AWS console's default → review with
/// the policy JSON. Finish calls CreateKey, then CreateAlias when an alias was given, on the engine
/// worker. On failure the wizard stays open with the error ("AlreadyExistsException: …"); a key
/// that was created before the alias failed is not created twice when Finish is pressed again.
/// The pages live in ui/wizard/; this class turns their fields into requests and runs them.
class CreateKeyWizard : public QWizard
{
    Q_OBJECT
public:
    enum PageId { TypePage, LabelsPage, PermissionsPage, ReviewPage };

    explicit CreateKeyWizard(model::EngineRunner *runner, QWidget *parent = nullptr);

    /// The CreateKey request the fields describe.
    [[nodiscard]] kms::CreateKeyRequest request() const;
    /// The alias to create, with the "alias/" prefix added when the user left it out; empty for none.
    [[nodiscard]] QString aliasName() const;
    /// The key policy the administrators and users make; empty when none is picked (CreateKey
    /// then applies the default policy, which defers to IAM policies).
    [[nodiscard]] QString keyPolicy() const;
    /// Whether the principals have been listed (or listing them failed) on the permissions page.
    [[nodiscard]] bool principalsLoaded() const;
    /// The key CreateKey made, once it has (empty before).
    [[nodiscard]] QString createdKeyId() const { return m_createdKeyId; }
    /// The error shown on the review page (empty when none).
    [[nodiscard]] QString errorText() const { return m_errorText; }

    /// Creates the key (asynchronously); closes only when everything succeeded.
    void accept() override;

Q_SIGNALS:
    /// CreateKey succeeded (the alias may still be missing).
    void keyCreated(const QString &keyId);

private:
    void updateReview();
    void setBusy(bool busy);
    void showError(const QString &text);

    model::EngineRunner *m_runner;
    KeyTypePage *m_typePage = nullptr;
    KeyLabelsPage *m_labelsPage = nullptr;
    KeyPermissionsPage *m_permissionsPage = nullptr;
    KeyReviewPage *m_reviewPage = nullptr;
    QString m_createdKeyId;
    QString m_errorText;
    bool m_busy = false;
};

} // namespace qkms::ui
