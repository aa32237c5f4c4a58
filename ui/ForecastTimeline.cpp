#include "ForecastTimeline.h"

#include "ForecastModel.h"
#include "KeyText.h"
#include "ScheduleModel.h"

#include <QHelpEvent>
#include <QPainter>
#include <QPainterPath>
#include <QToolTip>

namespace qkms::ui {

namespace {

const QColor kRotation(0x1f, 0x6f, 0xeb);
const QColor kDeletion(0xc6, 0x28, 0x28);
constexpr int kMargin = 16;
constexpr int kLabelRows = 3;
constexpr qreal kMarkerRadius = 5;

/// Days between ticks: the smallest step that gives at most 10 ticks.
int tickStep(int days)
{
    for (int step : {1, 7, 14, 30, 60, 90, 180, 365, 730})
        if (days / step <= 10)
            return step;
    return 1825;
}

void drawMarker(QPainter &p, const QPointF &c, bool deletion, bool hollow)
{
    p.setPen(QPen(deletion ? kDeletion : kRotation, 2));
    p.setBrush(hollow ? QBrush(Qt::white) : QBrush(deletion ? kDeletion : kRotation));
    if (deletion) {
        QPainterPath diamond;
        const qreal r = kMarkerRadius + 1;
        diamond.moveTo(c.x(), c.y() - r);
        diamond.lineTo(c.x() + r, c.y());
        diamond.lineTo(c.x(), c.y() + r);
        diamond.lineTo(c.x() - r, c.y());
        diamond.closeSubpath();
        p.drawPath(diamond);
    } else {
        p.drawEllipse(c, kMarkerRadius, kMarkerRadius);
    }
}

} // namespace

ForecastTimeline::ForecastTimeline(model::ForecastModel *forecast, QWidget *parent)
    : QWidget(parent), m_forecast(forecast)
{
    setObjectName(QStringLiteral("forecastTimeline"));
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    setAttribute(Qt::WA_OpaquePaintEvent, false);
    connect(m_forecast, &QAbstractItemModel::modelReset, this, qOverload<>(&QWidget::update));
    connect(m_forecast, &model::ForecastModel::loaded, this, qOverload<>(&QWidget::update));
}

QSize ForecastTimeline::sizeHint() const
{
    const int line = fontMetrics().height();
    return {640, line * (kLabelRows + 2) + 28};
}

QSize ForecastTimeline::minimumSizeHint() const
{
    return {240, sizeHint().height()};
}

QRectF ForecastTimeline::axisRect() const
{
    // Legend row, label rows, then the axis line; tick labels below it.
    const int line = fontMetrics().height();
    const qreal y = line * (kLabelRows + 1) + 14;
    return QRectF(kMargin, y, width() - 2 * kMargin, 0);
}

QList<ForecastTimeline::Marker> ForecastTimeline::markers() const
{
    QList<Marker> out;
    const QDateTime from = m_forecast->from();
    const int days = m_forecast->days();
    if (!from.isValid() || days <= 0)
        return out;
    const QRectF axis = axisRect();
    const double span = double(days) * 86400.0;
    for (int row = 0; row < m_forecast->rowCount(); ++row) {
        const model::ForecastEntry &f = m_forecast->entryAt(row);
        const double secs = std::clamp(double(from.secsTo(f.event.dueAt)), 0.0, span);
        Marker m;
        m.center = QPointF(axis.left() + axis.width() * secs / span, axis.top());
        m.row = row;
        m.deletion = f.event.kind == kms::ScheduledEvent::Kind::Deletion;
        const QString when = f.event.daysLeft == 0 ? tr("due now") : tr("in %1").arg(model::schedules::dayCount(f.event.daysLeft));
        m.tooltip = (m.deletion ? tr("Deletion of %1 on %2 (%3)") : tr("Rotation of %1 on %2 (%3)"))
                        .arg(f.label, model::text::dateTime(f.event.dueAt), when);
        out.append(m);
    }
    return out;
}

void ForecastTimeline::paintAxis(QPainter &p, const QRectF &axis) const
{
    const QColor muted = palette().color(QPalette::PlaceholderText);
    p.setPen(QPen(muted, 1));
    p.drawLine(axis.topLeft(), axis.topRight());
    const QDateTime from = m_forecast->from();
    const int days = std::max(1, m_forecast->days());
    const int step = tickStep(days);
    const QFontMetrics fm = fontMetrics();
    qreal lastRight = -1e9;
    for (int d = 0; d <= days; d += step) {
        const qreal x = axis.left() + axis.width() * d / days;
        p.drawLine(QPointF(x, axis.top() - 3), QPointF(x, axis.top() + 3));
        const QDate date = from.isValid() ? from.toLocalTime().date().addDays(d) : QDate();
        const QString label = d == 0 ? tr("Today")
                                     : QLocale().toString(date, days > 730 ? QStringLiteral("MMM yyyy")
                                                                           : QStringLiteral("MMM d"));
        const qreal w = fm.horizontalAdvance(label);
        const qreal left = std::clamp(x - w / 2, axis.left() - kMargin / 2.0, axis.right() + kMargin / 2.0 - w);
        if (left < lastRight + 8)
            continue; // no room: skip this label, keep the tick
        p.drawText(QPointF(left, axis.top() + 6 + fm.ascent()), label);
        lastRight = left + w;
    }
}

void ForecastTimeline::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    p.fillRect(rect(), palette().color(QPalette::Base));
    const QRectF axis = axisRect();
    const QFontMetrics fm = fontMetrics();
    const QColor text = palette().color(QPalette::Text);
    const QColor muted = palette().color(QPalette::PlaceholderText);

    // Legend, top left.
    qreal x = kMargin;
    const qreal legendY = 4 + fm.height() / 2.0;
    for (bool deletion : {false, true}) {
        drawMarker(p, QPointF(x + kMarkerRadius, legendY), deletion, false);
        p.setPen(muted);
        const QString label = deletion ? tr("Deletion") : tr("Rotation");
        p.drawText(QPointF(x + 2 * kMarkerRadius + 6, 4 + fm.ascent()), label);
        x += 2 * kMarkerRadius + 6 + fm.horizontalAdvance(label) + 18;
    }
    paintAxis(p, axis);

    const QList<Marker> all = markers();
    if (all.isEmpty()) {
        p.setPen(muted);
        const QRectF area(axis.left(), fm.height() + 6, axis.width(), axis.top() - fm.height() - 12);
        p.drawText(area, Qt::AlignCenter,
                   m_forecast->from().isValid()
                       ? tr("Nothing is scheduled in the next %1.").arg(model::schedules::dayCount(m_forecast->days()))
                       : tr("Reading the forecast…"));
        return;
    }
    // Labels above their markers, in up to kLabelRows rows; a label that fits in none is left to
    // the tooltip.
    QList<qreal> rowRight(kLabelRows, -1e9);
    for (const Marker &m : all) {
        const model::ForecastEntry &f = m_forecast->entryAt(m.row);
        const QString label = fm.elidedText(f.label, Qt::ElideMiddle, 140);
        const qreal w = fm.horizontalAdvance(label);
        const qreal left = std::clamp(m.center.x() - w / 2, 0.0, width() - w);
        for (int r = 0; r < kLabelRows; ++r) {
            if (left < rowRight[r] + 6)
                continue;
            const qreal baseline = axis.top() - 2 * kMarkerRadius - 2 - r * (fm.height() + 1) - fm.descent();
            p.setPen(QPen(muted, 1, Qt::DotLine));
            p.drawLine(QPointF(m.center.x(), baseline + fm.descent()), m.center);
            p.setPen(m.deletion ? kDeletion : text);
            p.drawText(QPointF(left, baseline), label);
            rowRight[r] = left + w;
            break;
        }
    }
    for (const Marker &m : all)
        drawMarker(p, m.center, m.deletion, !m.deletion && m_forecast->entryAt(m.row).event.awsManaged);
}

bool ForecastTimeline::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        const auto *help = static_cast<QHelpEvent *>(event);
        QStringList lines;
        for (const Marker &m : markers())
            if (QLineF(m.center, help->pos()).length() <= kMarkerRadius + 4)
                lines.append(m.tooltip);
        if (lines.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), lines.join(u'\n'), this);
        return true;
    }
    return QWidget::event(event);
}

} // namespace qkms::ui
