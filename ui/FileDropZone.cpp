#include "FileDropZone.h"

#include <QDragEnterEvent>
#include <QDropEvent>
#include <QMimeData>

#include <algorithm>

namespace qkms::ui {

FileDropZone::FileDropZone(std::function<void(const QList<QUrl> &)> onDrop, QWidget *parent)
    : QFrame(parent), m_onDrop(std::move(onDrop))
{
    setAcceptDrops(true);
    setFrameShape(QFrame::StyledPanel);
    setHighlighted(false);
}

bool FileDropZone::hasLocalFiles(const QMimeData *mime)
{
    if (!mime || !mime->hasUrls())
        return false;
    const QList<QUrl> urls = mime->urls();
    return std::any_of(urls.begin(), urls.end(), [](const QUrl &u) { return u.isLocalFile(); });
}

void FileDropZone::dragEnterEvent(QDragEnterEvent *event)
{
    if (hasLocalFiles(event->mimeData())) {
        event->acceptProposedAction();
        setHighlighted(true);
    }
}

void FileDropZone::dragMoveEvent(QDragMoveEvent *event)
{
    if (hasLocalFiles(event->mimeData()))
        event->acceptProposedAction();
}

void FileDropZone::dragLeaveEvent(QDragLeaveEvent *event)
{
    setHighlighted(false);
    QFrame::dragLeaveEvent(event);
}

void FileDropZone::dropEvent(QDropEvent *event)
{
    setHighlighted(false);
    if (!hasLocalFiles(event->mimeData()))
        return;
    event->acceptProposedAction();
    m_onDrop(event->mimeData()->urls());
}

void FileDropZone::setHighlighted(bool on)
{
    // Selected by objectName so the dashed border does not leak into the zone's children.
    setStyleSheet(on ? QStringLiteral("QFrame#fileDropZone{border:2px dashed #1a73e8;background:#e8f0fe;}")
                     : QStringLiteral("QFrame#fileDropZone{border:2px dashed #9aa0a6;}"));
}

} // namespace qkms::ui
