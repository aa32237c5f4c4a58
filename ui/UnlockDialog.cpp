#include "UnlockDialog.h"

#include "primitives/Primitives.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>
#include <QtConcurrent>

namespace qkms::ui {

namespace {

// The text of a password field, straight into a SecureArray; the field is then cleared so the
// passphrase does not linger in the widget.
QCA::SecureArray takeSecret(QLineEdit *edit)
{
    QCA::SecureArray s(edit->text().toUtf8());
    edit->clear();
    return s;
}

} // namespace

UnlockDialog::UnlockDialog(QString vaultDir, const Clock &clock, QWidget *parent)
    : QDialog(parent), m_dir(std::move(vaultDir)), m_clock(clock), m_create(!vault::Vault::exists(m_dir))
{
    setObjectName(QStringLiteral("unlockDialog"));
    setWindowTitle(m_create ? tr("Create a qkms vault") : tr("Unlock qkms vault"));
    setWindowIcon(QIcon(QStringLiteral(":/qkms/icons/qkms.svg")));
    setMinimumWidth(480);

    auto *layout = new QVBoxLayout(this);
    auto *title = new QLabel(m_create ? tr("<b>Create a new vault</b>") : tr("<b>Unlock your vault</b>"), this);
    title->setObjectName(QStringLiteral("modeLabel"));
    auto *explain = new QLabel(m_create
            ? tr("No vault exists in this folder yet. Choose a passphrase: it protects every key in the vault, "
                 "and it cannot be recovered if you forget it.")
            : tr("Enter the passphrase of this vault."),
        this);
    explain->setWordWrap(true);
    auto *path = new QLabel(m_dir, this);
    path->setObjectName(QStringLiteral("vaultPathLabel"));
    path->setTextInteractionFlags(Qt::TextSelectableByMouse);
    path->setStyleSheet(QStringLiteral("color: palette(mid);"));

    auto *form = new QFormLayout;
    m_passphrase = new QLineEdit(this);
    m_passphrase->setObjectName(QStringLiteral("passphraseEdit"));
    m_passphrase->setEchoMode(QLineEdit::Password);
    form->addRow(tr("Passphrase:"), m_passphrase);
    if (m_create) {
        m_confirm = new QLineEdit(this);
        m_confirm->setObjectName(QStringLiteral("confirmEdit"));
        m_confirm->setEchoMode(QLineEdit::Password);
        form->addRow(tr("Repeat:"), m_confirm);
    }
    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("errorLabel"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #b00020;"));
    m_error->hide();

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_submit = buttons->addButton(m_create ? tr("Create vault") : tr("Unlock"), QDialogButtonBox::AcceptRole);
    m_submit->setObjectName(QStringLiteral("unlockButton"));
    m_submit->setDefault(true);
    buttons->button(QDialogButtonBox::Cancel)->setObjectName(QStringLiteral("cancelButton"));
    connect(buttons, &QDialogButtonBox::accepted, this, &UnlockDialog::submit);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(&m_watcher, &QFutureWatcherBase::finished, this, &UnlockDialog::finished);

    layout->addWidget(title);
    layout->addWidget(explain);
    layout->addWidget(path);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addStretch();
    layout->addWidget(buttons);
    m_passphrase->setFocus();
}

UnlockDialog::~UnlockDialog()
{
    m_watcher.waitForFinished();
    // A vault opened after the dialog was abandoned: close it (wiping its keys).
    if (m_watcher.future().isValid() && m_watcher.isFinished() && !m_handedOver) {
        auto r = m_watcher.result();
        if (r)
            delete *r;
    }
}

QString UnlockDialog::errorText() const
{
    return m_error->isVisible() || !m_error->text().isEmpty() ? m_error->text() : QString();
}

void UnlockDialog::showError(const QString &text)
{
    m_error->setText(text);
    m_error->show();
}

void UnlockDialog::setBusy(bool busy)
{
    m_submit->setEnabled(!busy);
    m_passphrase->setEnabled(!busy);
    if (m_confirm)
        m_confirm->setEnabled(!busy);
    m_submit->setText(busy ? tr("Working…") : (m_create ? tr("Create vault") : tr("Unlock")));
}

void UnlockDialog::submit()
{
    if (m_watcher.isRunning())
        return;
    if (m_create && m_passphrase->text() != m_confirm->text()) {
        m_confirm->clear();
        showError(tr("The two passphrases differ."));
        return;
    }
    QCA::SecureArray pass = takeSecret(m_passphrase);
    if (m_confirm)
        m_confirm->clear();
    setBusy(true);
    const QString dir = m_dir;
    const Clock *clock = &m_clock;
    const bool create = m_create;
    // The KDF takes a quarter of a second: never on the GUI thread.
    m_watcher.setFuture(QtConcurrent::run([dir, clock, create, pass]() -> Result<vault::Vault *> {
        auto v = create ? vault::Vault::create(dir, pass, *clock) : vault::Vault::open(dir, pass, *clock);
        if (!v)
            return std::unexpected(v.error());
        return v->release();
    }));
}

void UnlockDialog::finished()
{
    auto result = m_watcher.result();
    setBusy(false);
    if (!result) {
        showError(result.error().message);
        m_passphrase->setFocus();
        return;
    }
    m_vault.reset(*result);
    m_handedOver = true;
    accept();
}

} // namespace qkms::ui
