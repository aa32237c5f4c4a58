#pragma once

#include <QFrame>
#include <QList>
#include <QUrl>

#include <functional>

class QMimeData;

namespace qkms::ui {

/// The framed area of the Files pane that takes drops of local files and folders: it highlights
/// while a usable drag hovers over it and hands the dropped URLs to its callback. What a drop
/// means (encrypt or decrypt, by header) is the pane's decision, not the zone's.
class FileDropZone : public QFrame
{
public:
    /// `onDrop` receives the URLs of every drop that names at least one local file.
    FileDropZone(std::function<void(const QList<QUrl> &)> onDrop, QWidget *parent);

    /// Whether `mime` names at least one local file or folder (other URLs alone are refused).
    [[nodiscard]] static bool hasLocalFiles(const QMimeData *mime);

protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dragMoveEvent(QDragMoveEvent *event) override;
    void dragLeaveEvent(QDragLeaveEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void setHighlighted(bool on);

    std::function<void(const QList<QUrl> &)> m_onDrop;
};

} // namespace qkms::ui
