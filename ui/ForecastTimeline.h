#pragma once

#include <QList>
#include <QPointF>
#include <QWidget>

namespace qkms::model {
class ForecastModel;
}

namespace qkms::ui {

/// The next N days as a line from today, with a marker per forecast event: a blue dot for a
/// rotation (hollow for an AWS managed key), a red diamond for a deletion. Markers are labelled
/// with the key's alias where there is room; every marker has a tooltip. Painted from a
/// ForecastModel, repainted when it changes.
class ForecastTimeline : public QWidget
{
    Q_OBJECT
public:
    /// One painted marker (for tooltips and tests).
    struct Marker {
        QPointF center;
        int row = -1;        ///< the ForecastModel row
        bool deletion = false;
        QString tooltip;
    };

    explicit ForecastTimeline(model::ForecastModel *forecast, QWidget *parent = nullptr);

    [[nodiscard]] QSize sizeHint() const override;
    [[nodiscard]] QSize minimumSizeHint() const override;
    /// The markers as last laid out for the current size.
    [[nodiscard]] QList<Marker> markers() const;

protected:
    void paintEvent(QPaintEvent *event) override;
    bool event(QEvent *event) override;

private:
    [[nodiscard]] QRectF axisRect() const;
    void paintAxis(QPainter &p, const QRectF &axis) const;

    model::ForecastModel *m_forecast;
};

} // namespace qkms::ui
