#pragma once

#include "kms/KeyTypes.h"

#include <QWizardPage>

class QButtonGroup;
class QCheckBox;
class QComboBox;
class QLabel;

namespace qkms::ui {

/// The create-key wizard's first page: key type (symmetric, asymmetric, HMAC), then the usages
/// that type allows, then the specs that allow the usage, with a sentence on the chosen spec, and
/// whether the material will be imported (symmetric and HMAC keys only).
class KeyTypePage : public QWizardPage
{
    Q_OBJECT
public:
    explicit KeyTypePage(QWidget *parent = nullptr);

    /// The chosen type.
    [[nodiscard]] kms::KeyClass keyClass() const;
    /// The chosen type as its radio button reads ("Symmetric").
    [[nodiscard]] QString keyClassText() const;
    /// The chosen KeyUsage in the API's spelling ("ENCRYPT_DECRYPT").
    [[nodiscard]] QString keyUsage() const;
    /// The chosen usage as the combo box shows it.
    [[nodiscard]] QString keyUsageText() const;
    /// The chosen KeySpec in the API's spelling ("SYMMETRIC_DEFAULT").
    [[nodiscard]] QString keySpec() const;
    /// Whether the user will import the key material (origin EXTERNAL).
    [[nodiscard]] bool externalOrigin() const;

private:
    void updateUsages();
    void updateSpecs();
    void updateSpecHint();

    QButtonGroup *m_typeGroup = nullptr;
    QComboBox *m_usage = nullptr;
    QComboBox *m_spec = nullptr;
    QLabel *m_specHint = nullptr;
    QCheckBox *m_external = nullptr;
};

} // namespace qkms::ui
