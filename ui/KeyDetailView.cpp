#include "KeyDetailView.h"

#include "EngineRunner.h"
#include "GrantsTab.h"
#include "KeyRotationTab.h"
#include "PagedTable.h"
#include "TagsTab.h"
#include "TryItPanel.h"
#include "KeyText.h"
#include "kms/KmsService.h"

#include <QFontDatabase>
#include <QFormLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QPlainTextEdit>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

namespace qkms::ui {

namespace {

struct KeyDetails {
    Result<QString> policy;
    Result<kms::Tags> tags;
    Result<QList<kms::AliasEntry>> aliases;
    std::optional<Result<QByteArray>> publicKey; ///< asymmetric keys only
};

KeyDetails readDetails(kms::KmsService &service, const kms::Caller &caller, const QString &keyId, bool asymmetric)
{
    KeyDetails d;
    d.policy = service.getKeyPolicy(caller, keyId);
    d.tags = readEveryPage<kms::Tags>(
        [&](const QString &marker) { return service.listResourceTags(caller, keyId, 50, marker); },
        [](kms::Tags &all, const auto &page) { all.insert(page.tags); });
    d.aliases = readEveryPage<QList<kms::AliasEntry>>(
        [&](const QString &marker) { return service.listAliases(caller, keyId, 100, marker); },
        [](QList<kms::AliasEntry> &all, const auto &page) { all.append(page.aliases); });
    if (asymmetric) {
        auto pk = service.getPublicKey(caller, keyId);
        d.publicKey = pk ? Result<QByteArray>(pk->publicKey) : std::unexpected(pk.error());
    }
    return d;
}

QString pem(const QByteArray &der)
{
    const QByteArray b64 = der.toBase64();
    QString out = QStringLiteral("-----BEGIN PUBLIC KEY-----\n");
    for (qsizetype i = 0; i < b64.size(); i += 64)
        out += QString::fromLatin1(b64.mid(i, 64)) + u'\n';
    return out + QStringLiteral("-----END PUBLIC KEY-----");
}

QPlainTextEdit *monospaceText(const char *name, QWidget *parent)
{
    auto *edit = new QPlainTextEdit(parent);
    edit->setObjectName(QString::fromLatin1(name));
    edit->setReadOnly(true);
    edit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    edit->setLineWrapMode(QPlainTextEdit::NoWrap);
    return edit;
}

QTableWidget *table(const char *name, const QStringList &headers, QWidget *parent)
{
    auto *t = new QTableWidget(0, static_cast<int>(headers.size()), parent);
    t->setObjectName(QString::fromLatin1(name));
    t->setHorizontalHeaderLabels(headers);
    t->horizontalHeader()->setStretchLastSection(true);
    t->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    t->verticalHeader()->hide();
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->setAlternatingRowColors(true);
    return t;
}

void setRowText(QTableWidget *t, int row, const QStringList &cells)
{
    for (int c = 0; c < cells.size(); ++c)
        t->setItem(row, c, new QTableWidgetItem(cells.at(c)));
}

} // namespace

KeyDetailView::KeyDetailView(model::EngineRunner *runner, QWidget *parent) : QWidget(parent), m_runner(runner)
{
    setObjectName(QStringLiteral("keyDetailView"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_stack = new QStackedWidget(this);
    layout->addWidget(m_stack);

    auto *placeholder = new QLabel(tr("Select a key to see its configuration, key policy, tags and aliases."), this);
    placeholder->setObjectName(QStringLiteral("keyDetailPlaceholder"));
    placeholder->setAlignment(Qt::AlignCenter);
    placeholder->setStyleSheet(QStringLiteral("color:#5f6368;"));
    m_stack->addWidget(placeholder);

    auto *details = new QWidget(this);
    auto *detailsLayout = new QVBoxLayout(details);
    detailsLayout->setContentsMargins(0, 4, 0, 0);
    m_title = new QLabel(details);
    m_title->setObjectName(QStringLiteral("keyDetailTitle"));
    QFont f = m_title->font();
    f.setBold(true);
    f.setPointSizeF(f.pointSizeF() * 1.15);
    m_title->setFont(f);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    detailsLayout->addWidget(m_title);
    m_tabs = new QTabWidget(details);
    m_tabs->setObjectName(QStringLiteral("keyDetailTabs"));
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(buildGeneralTab(), tr("General configuration"));
    m_policy = monospaceText("keyPolicyText", m_tabs);
    m_tabs->addTab(m_policy, tr("Key policy"));
    m_tabs->addTab(buildCryptoTab(), tr("Cryptographic configuration"));
    m_tagsTab = new ui::TagsTab(m_runner, m_tabs);
    m_tabs->addTab(m_tagsTab, tr("Tags"));
    m_aliasTable = table("keyAliasesTable", {tr("Alias name"), tr("Created"), tr("Updated")}, m_tabs);
    m_aliasTable->horizontalHeader()->resizeSection(0, 260);
    m_aliasTable->horizontalHeader()->resizeSection(1, 140);
    m_tabs->addTab(m_aliasTable, tr("Aliases"));
    m_rotationTab = new ui::KeyRotationTab(m_runner, m_tabs);
    m_tabs->addTab(m_rotationTab, tr("Key rotation"));
    m_grantsTab = new ui::GrantsTab(m_runner, m_tabs);
    m_tabs->addTab(m_grantsTab, tr("Grants"));
    m_tryIt = new ui::TryItPanel(m_runner, m_tabs);
    m_tabs->addTab(m_tryIt, tr("Try it"));
    connect(m_tabs, &QTabWidget::currentChanged, this, [this] {
        if (!m_delay.isActive())
            loadOpenTab();
    });
    detailsLayout->addWidget(m_tabs);
    m_stack->addWidget(details);

    m_delay.setSingleShot(true);
    m_delay.setInterval(150);
    connect(&m_delay, &QTimer::timeout, this, &KeyDetailView::loadDetails);
}

QLabel *KeyDetailView::addField(QFormLayout *form, const QString &title, const char *name)
{
    auto *value = new QLabel(form->parentWidget());
    value->setObjectName(QString::fromLatin1(name));
    value->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    value->setWordWrap(true);
    form->addRow(title, value);
    m_fields.insert(QString::fromLatin1(name), value);
    return value;
}

QWidget *KeyDetailView::buildGeneralTab()
{
    auto *w = new QWidget(this);
    m_generalForm = new QFormLayout(w);
    m_generalForm->setLabelAlignment(Qt::AlignLeft);
    m_generalForm->setHorizontalSpacing(24);
    addField(m_generalForm, tr("ARN"), "detailArn");
    addField(m_generalForm, tr("Key ID"), "detailKeyId");
    addField(m_generalForm, tr("Status"), "detailState");
    addField(m_generalForm, tr("Deletion date"), "detailDeletionDate");
    addField(m_generalForm, tr("Created"), "detailCreated");
    addField(m_generalForm, tr("Description"), "detailDescription");
    addField(m_generalForm, tr("Key manager"), "detailKeyManager");
    addField(m_generalForm, tr("Origin"), "detailOrigin");
    addField(m_generalForm, tr("Current key material ID"), "detailMaterialId");
    return w;
}

QWidget *KeyDetailView::buildCryptoTab()
{
    auto *w = new QWidget(this);
    auto *layout = new QVBoxLayout(w);
    m_cryptoForm = new QFormLayout;
    m_cryptoForm->setHorizontalSpacing(24);
    addField(m_cryptoForm, tr("Key spec"), "detailKeySpec");
    addField(m_cryptoForm, tr("Key usage"), "detailKeyUsage");
    addField(m_cryptoForm, tr("Encryption algorithms"), "detailEncryptionAlgorithms");
    addField(m_cryptoForm, tr("Signing algorithms"), "detailSigningAlgorithms");
    addField(m_cryptoForm, tr("MAC algorithms"), "detailMacAlgorithms");
    layout->addLayout(m_cryptoForm);
    m_publicKey = monospaceText("publicKeyText", w);
    layout->addWidget(m_publicKey, 1);
    return w;
}

void KeyDetailView::setField(const char *name, const QString &value)
{
    QLabel *label = m_fields.value(QString::fromLatin1(name));
    label->setText(value.isEmpty() ? QStringLiteral("—") : value);
}

void KeyDetailView::showKey(const std::optional<kms::KeyRecord> &key, const QStringList &aliases)
{
    const bool sameKey = key && m_key && key->keyId == m_key->keyId;
    const bool aliasesChanged = aliases != m_aliases;
    m_key = key;
    m_aliases = aliases;
    m_tagsTab->setKey(m_key);
    m_rotationTab->setKey(m_key, m_aliases);
    m_grantsTab->setKey(m_key);
    m_tryIt->setKey(m_key);
    if (!m_key) {
        m_delay.stop();
        ++m_request;
        m_stack->setCurrentIndex(0);
        return;
    }
    m_stack->setCurrentIndex(1);
    fillMetadata();
    if (!sameKey) {
        m_policy->setPlainText(tr("Loading…"));
        m_publicKey->clear();
        m_aliasTable->setRowCount(0);
    }
    if (!sameKey || aliasesChanged)
        m_delay.start();
}

void KeyDetailView::fillMetadata()
{
    const kms::KeyRecord &k = *m_key;
    m_title->setText(m_aliases.isEmpty() ? k.keyId : m_aliases.first() + QStringLiteral("  ·  ") + k.keyId);
    setField("detailArn", k.arn);
    setField("detailKeyId", k.keyId);
    setField("detailState", model::text::keyState(k.keyState) + QStringLiteral(" — ")
                                + model::text::keyStateExplanation(k));
    setField("detailDeletionDate", k.deletionDate ? model::text::dateTime(*k.deletionDate) : QString());
    m_generalForm->setRowVisible(m_fields.value(QStringLiteral("detailDeletionDate")), k.deletionDate.has_value());
    setField("detailCreated", model::text::dateTime(k.creationDate));
    setField("detailDescription", k.description);
    setField("detailKeyManager", model::text::keyManager(k.keyManager));
    setField("detailOrigin", kms::toString(k.origin));
    setField("detailMaterialId", k.currentMaterialId);

    setField("detailKeySpec", kms::toString(k.keySpec));
    setField("detailKeyUsage", kms::toString(k.keyUsage));
    const QStringList enc = kms::encryptionAlgorithms(k.keySpec, k.keyUsage);
    const QStringList sig = kms::signingAlgorithms(k.keySpec, k.keyUsage);
    const QStringList mac = kms::macAlgorithms(k.keySpec, k.keyUsage);
    setField("detailEncryptionAlgorithms", enc.join(QStringLiteral(", ")));
    setField("detailSigningAlgorithms", sig.join(QStringLiteral(", ")));
    setField("detailMacAlgorithms", mac.join(QStringLiteral(", ")));
    m_cryptoForm->setRowVisible(m_fields.value(QStringLiteral("detailEncryptionAlgorithms")), !enc.isEmpty());
    m_cryptoForm->setRowVisible(m_fields.value(QStringLiteral("detailSigningAlgorithms")), !sig.isEmpty());
    m_cryptoForm->setRowVisible(m_fields.value(QStringLiteral("detailMacAlgorithms")), !mac.isEmpty());
    m_publicKey->setVisible(kms::keyClass(k.keySpec) == kms::KeyClass::Asymmetric);
}

void KeyDetailView::reloadDetails()
{
    if (m_key)
        m_delay.start();
}

void KeyDetailView::loadDetails()
{
    if (!m_key)
        return;
    const quint64 request = ++m_request;
    const QString keyId = m_key->keyId;
    const bool asymmetric = kms::keyClass(m_key->keySpec) == kms::KeyClass::Asymmetric;
    m_runner->run(
        this,
        [keyId, asymmetric](kms::KmsService &service, const kms::Caller &caller) {
            return readDetails(service, caller, keyId, asymmetric);
        },
        [this, request, keyId](KeyDetails d) {
            if (request != m_request)
                return;
            if (d.policy) {
                // Stored as the user wrote it; shown indented so the statements can be read.
                const QJsonDocument doc = QJsonDocument::fromJson(d.policy->toUtf8());
                m_policy->setPlainText(doc.isNull() ? *d.policy : QString::fromUtf8(doc.toJson(QJsonDocument::Indented)));
            } else {
                m_policy->setPlainText(d.policy.error().toString());
            }
            m_tagsTab->showTags(d.tags);
            m_aliasTable->setRowCount(0);
            if (d.aliases) {
                m_aliasTable->setRowCount(static_cast<int>(d.aliases->size()));
                for (int i = 0; i < d.aliases->size(); ++i) {
                    const kms::AliasEntry &a = d.aliases->at(i);
                    setRowText(m_aliasTable, i, {a.aliasName, model::text::dateTime(a.creationDate),
                                                 model::text::dateTime(a.lastUpdatedDate)});
                }
            } else {
                m_aliasTable->setRowCount(1);
                setRowText(m_aliasTable, 0, {d.aliases.error().toString()});
            }
            if (d.publicKey)
                m_publicKey->setPlainText(*d.publicKey ? pem(**d.publicKey) : d.publicKey->error().toString());
            Q_EMIT detailsLoaded(keyId);
        });
    loadOpenTab();
}

void KeyDetailView::loadOpenTab()
{
    if (!m_key)
        return;
    if (m_tabs->currentIndex() == RotationTab)
        m_rotationTab->reload();
    else if (m_tabs->currentIndex() == GrantsTab)
        m_grantsTab->reload();
}

} // namespace qkms::ui
