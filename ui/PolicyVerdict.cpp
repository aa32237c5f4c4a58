#include "PolicyVerdict.h"

#include <QColor>
#include <QLabel>
#include <QPlainTextEdit>
#include <QTextCursor>

namespace qkms::ui {

PolicyVerdict checkPolicyText(const QString &text, policy::PolicyKind kind,
                              const policy::PrincipalExists &principalExists, const QString &name)
{
    // The engine's parser is pure and takes well under a millisecond for a 32 KB policy, so the
    // console runs it as the user types and gives the verdict PutKeyPolicy / PutUserPolicy would.
    const auto parsed = policy::PolicyDocument::parse(text, kind, principalExists, name);
    if (parsed)
        return {};
    PolicyVerdict verdict;
    verdict.valid = false;
    verdict.span = model::locatePolicyError(text, parsed.error().message);
    // Lines and columns as the editor counts them, 1-based; the plain text's lines are its blocks.
    // The locator falls back to offset 0 (e.g. "missing Statement"), and Qt 6's lastIndexOf reads
    // from == -1 as "from the last character", so the search starts only past the first one.
    const int start = verdict.span.start;
    const int line = int(text.left(start).count(u'\n')) + 1;
    const qsizetype newline = start > 0 ? text.lastIndexOf(u'\n', start - 1) : -1;
    const int column = start - int(newline);
    verdict.message = QObject::tr("Line %1, column %2: %3 (%4)")
                          .arg(line)
                          .arg(column)
                          .arg(parsed.error().message, parsed.error().type);
    return verdict;
}

void markPolicyVerdict(QPlainTextEdit *editor, const PolicyVerdict &verdict)
{
    if (verdict.valid) {
        editor->setExtraSelections({});
        return;
    }
    QTextCursor cursor(editor->document());
    cursor.setPosition(verdict.span.start);
    cursor.setPosition(verdict.span.start + verdict.span.length, QTextCursor::KeepAnchor);
    QTextEdit::ExtraSelection mark;
    mark.cursor = cursor;
    mark.format.setUnderlineStyle(QTextCharFormat::WaveUnderline);
    mark.format.setUnderlineColor(QColor(0xd9, 0x30, 0x25));
    mark.format.setBackground(QColor(0xfd, 0xec, 0xea));
    editor->setExtraSelections({mark});
}

QLabel *makeVerdictLabel(const QString &objectName, QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse); // the message can be copied
    label->setStyleSheet(QStringLiteral("color:#a50e0e;"));
    label->hide();
    return label;
}

void showVerdictText(QLabel *label, const QString &text)
{
    label->setText(text);
    label->setVisible(!text.isEmpty());
}

} // namespace qkms::ui
