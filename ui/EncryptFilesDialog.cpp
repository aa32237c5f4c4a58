#include "EncryptFilesDialog.h"

#include "EngineRunner.h"
#include "FormParts.h"
#include "commands/FileJobCommand.h"
#include "kms/KmsService.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSet>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

namespace qkms::ui {

EncryptFilesDialog::EncryptFilesDialog(model::EngineRunner *runner, const QStringList &files, QWidget *parent)
    : QDialog(parent), m_runner(runner), m_files(files)
{
    setObjectName(QStringLiteral("encryptFilesDialog"));
    setWindowTitle(tr("Encrypt files"));
    auto *layout = new QVBoxLayout(this);

    auto *what = new QLabel(files.size() == 1 ? tr("Encrypt %1").arg(QFileInfo(files.first()).fileName())
                                              : tr("Encrypt %1 files").arg(files.size()),
                            this);
    what->setObjectName(QStringLiteral("encryptFilesTitle"));
    what->setToolTip(files.join(QLatin1Char('\n')));
    layout->addWidget(what);

    auto *form = new QFormLayout;
    m_key = new QComboBox(this);
    m_key->setObjectName(QStringLiteral("keyIdCombo"));
    m_key->setEditable(true);
    m_key->setInsertPolicy(QComboBox::NoInsert);
    m_key->addItem(kFilesKeyAlias);
    m_key->setToolTip(tr("An alias, key ID or key ARN; several, separated by commas, each wrap the data key"));
    form->addRow(tr("KMS key"), m_key);

    auto *folderRow = new QHBoxLayout;
    m_outputFolder = new QLineEdit(this);
    m_outputFolder->setObjectName(QStringLiteral("outputFolderEdit"));
    m_outputFolder->setPlaceholderText(tr("Next to each file"));
    m_outputFolder->setToolTip(tr("Dropped folders are recreated inside it; same-named files never overwrite each other"));
    folderRow->addWidget(m_outputFolder, 1);
    auto *browse = new QPushButton(tr("Browse…"), this);
    browse->setObjectName(QStringLiteral("browseOutputFolderButton"));
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Output folder"), m_outputFolder->text());
        if (!dir.isEmpty())
            m_outputFolder->setText(dir);
    });
    folderRow->addWidget(browse);
    form->addRow(tr("Output folder"), folderRow);
    m_overwrite = new QCheckBox(tr("Overwrite existing files"), this);
    m_overwrite->setObjectName(QStringLiteral("overwriteCheck"));
    m_overwrite->setChecked(false); // an existing file is never replaced unless asked
    form->addRow(QString(), m_overwrite);
    layout->addLayout(form);

    auto *contextBox = new QGroupBox(tr("Encryption context (stored in the clear, needed to decrypt)"), this);
    auto *contextLayout = new QVBoxLayout(contextBox);
    m_context = makeKeyValueTable("contextTable", tr("Key"), tr("Value"), contextBox);
    m_context->setMinimumHeight(110);
    contextLayout->addWidget(m_context);
    auto *contextButtons = new QHBoxLayout;
    auto *add = new QPushButton(tr("Add pair"), contextBox);
    add->setObjectName(QStringLiteral("addContextButton"));
    connect(add, &QPushButton::clicked, this, [this] { appendKeyValueRow(m_context); });
    auto *remove = new QPushButton(tr("Remove pair"), contextBox);
    remove->setObjectName(QStringLiteral("removeContextButton"));
    connect(remove, &QPushButton::clicked, this, [this] { removeCurrentRow(m_context); });
    contextButtons->addWidget(add);
    contextButtons->addWidget(remove);
    contextButtons->addStretch();
    contextLayout->addLayout(contextButtons);
    layout->addWidget(contextBox);

    auto *advanced = new QGroupBox(tr("Advanced"), this);
    auto *advancedForm = new QFormLayout(advanced);
    m_suite = new QComboBox(advanced);
    m_suite->setObjectName(QStringLiteral("suiteCombo"));
    for (auto s : {envelope::AlgorithmSuite::AesGcmHkdfSha512Commit,
                   envelope::AlgorithmSuite::AesGcmHkdfSha512CommitEcdsaP384})
        m_suite->addItem(envelope::hexId(quint16(s)) + QStringLiteral("  ") + envelope::suiteName(s), int(s));
    advancedForm->addRow(tr("Algorithm suite"), m_suite);
    m_frameLength = new QSpinBox(advanced);
    m_frameLength->setObjectName(QStringLiteral("frameLengthSpin"));
    m_frameLength->setRange(1, int(envelope::kMaxFrameBuffer));
    m_frameLength->setValue(int(envelope::kDefaultFrameLength));
    m_frameLength->setSuffix(tr(" bytes"));
    advancedForm->addRow(tr("Frame length"), m_frameLength);
    layout->addWidget(advanced);

    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("encryptFilesError"));
    m_error->setStyleSheet(QStringLiteral("color:#c5221f;"));
    m_error->setWordWrap(true);
    m_error->hide();
    layout->addWidget(m_error);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Encrypt"));
    buttons->button(QDialogButtonBox::Ok)->setObjectName(QStringLiteral("encryptFilesOkButton"));
    buttons->button(QDialogButtonBox::Cancel)->setObjectName(QStringLiteral("encryptFilesCancelButton"));
    connect(buttons, &QDialogButtonBox::accepted, this, &EncryptFilesDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &EncryptFilesDialog::reject);
    layout->addWidget(buttons);

    loadAliases();
}

QStringList EncryptFilesDialog::keyIds() const
{
    QStringList ids;
    for (const QString &part : m_key->currentText().split(QLatin1Char(','), Qt::SkipEmptyParts))
        if (const QString id = part.trimmed(); !id.isEmpty())
            ids.append(id);
    return ids;
}

envelope::EncryptionContext EncryptFilesDialog::context() const
{
    return keyValuePairs(m_context);
}

QString EncryptFilesDialog::outputFolder() const
{
    return m_outputFolder->text().trimmed();
}

bool EncryptFilesDialog::overwrite() const
{
    return m_overwrite->isChecked();
}

envelope::AlgorithmSuite EncryptFilesDialog::suite() const
{
    return envelope::AlgorithmSuite(quint16(m_suite->currentData().toInt()));
}

quint32 EncryptFilesDialog::frameLength() const
{
    return quint32(m_frameLength->value());
}

void EncryptFilesDialog::setKeyId(const QString &keyId)
{
    m_key->setEditText(keyId);
}

void EncryptFilesDialog::addContextPair(const QString &key, const QString &value)
{
    const int row = m_context->rowCount();
    m_context->insertRow(row);
    m_context->setItem(row, 0, new QTableWidgetItem(key));
    m_context->setItem(row, 1, new QTableWidgetItem(value));
}

void EncryptFilesDialog::accept()
{
    const QString problem = validate();
    m_error->setText(problem);
    m_error->setVisible(!problem.isEmpty());
    if (problem.isEmpty())
        QDialog::accept();
}

QString EncryptFilesDialog::validate() const
{
    if (keyIds().isEmpty())
        return tr("Choose a KMS key: an alias, key ID or key ARN.");
    QSet<QString> seen;
    for (int row = 0; row < m_context->rowCount(); ++row) {
        const QString key = m_context->item(row, 0) ? m_context->item(row, 0)->text().trimmed() : QString();
        const QString value = m_context->item(row, 1) ? m_context->item(row, 1)->text() : QString();
        if (key.isEmpty() && !value.isEmpty())
            return tr("Context row %1 has a value but no key.").arg(row + 1);
        if (!key.isEmpty() && seen.contains(key))
            return tr("The context key %1 appears twice.").arg(key);
        seen.insert(key);
    }
    if (auto st = envelope::validateCallerContext(context()); !st)
        return tr("%1 (%2)").arg(st.error().message, st.error().type);
    const QString folder = outputFolder();
    if (!folder.isEmpty() && !QFileInfo(folder).isDir())
        return tr("The output folder %1 does not exist.").arg(folder);
    return {};
}

void EncryptFilesDialog::loadAliases()
{
    // The picker lists the region's aliases; typing a key id or ARN works without them.
    m_runner->run(
        this, [](kms::KmsService &service, const kms::Caller &caller) { return service.listAliases(caller, {}, 100); },
        [this](Result<kms::ListAliasesResponse> r) {
            if (!r)
                return; // the field stays editable; GenerateDataKey will name any problem
            const QString typed = m_key->currentText();
            for (const kms::AliasEntry &a : r->aliases) {
                const bool awsManaged = a.aliasName.startsWith(QStringLiteral("alias/aws/"));
                if ((awsManaged && a.aliasName != kFilesKeyAlias) || a.targetKeyId.isEmpty()
                    || m_key->findText(a.aliasName) >= 0)
                    continue;
                m_key->addItem(a.aliasName, a.targetKeyId);
            }
            m_key->setEditText(typed);
        });
}

} // namespace qkms::ui
