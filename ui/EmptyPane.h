#pragma once

#include <QWidget>

namespace qkms::ui {

/// A pane's empty state: what the pane is for and what to do first. Every pane shows one until
/// it has something to list.
class EmptyPane : public QWidget
{
    Q_OBJECT
public:
    EmptyPane(const QString &title, const QString &explanation, QWidget *parent = nullptr);
};

} // namespace qkms::ui
