// Charts panel implementation. Statistics are cheap scanline counts, debounced so that a brush
// stroke does not recount on every mouse move.
#include "ui/panels/chartspanel.h"

#include "ui/document/imagedocument.h"
#include "ui/model/classlistmodel.h"

#include "core/common/error.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QFile>
#include <QFileInfo>
#include <QHorizontalBarSeries>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineSeries>
#include <QPieSeries>
#include <QPieSlice>
#include <QPushButton>
#include <QTabWidget>
#include <QTimer>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace zm::ui {

namespace {

QChartView* makeView(QWidget* parent)
{
    auto* chart = new QChart;
    chart->legend()->setVisible(false);
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->setBackgroundRoundness(0);
    auto* view = new QChartView(chart, parent);
    view->setRenderHint(QPainter::Antialiasing);
    view->setMinimumHeight(160);
    return view;
}

bool isLossKey(const QString& k) { return k.contains(QLatin1String("loss"), Qt::CaseInsensitive); }
bool isMetricKey(const QString& k)
{
    return k.contains(QLatin1String("iou"), Qt::CaseInsensitive) || k.contains(QLatin1String("acc"), Qt::CaseInsensitive);
}

} // namespace

TrainingLog parseTrainingLog(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly | QIODevice::Text))
        throw zm::fileError(path.toStdString(), "cannot open the training log: " + f.errorString().toStdString());
    TrainingLog log;
    int lineNo = 0;
    int fallbackX = 0;
    while (!f.atEnd()) {
        const QByteArray line = f.readLine().trimmed();
        ++lineNo;
        if (line.isEmpty())
            continue;
        QJsonParseError err;
        const QJsonDocument doc = QJsonDocument::fromJson(line, &err);
        if (err.error != QJsonParseError::NoError || !doc.isObject())
            throw zm::fileError(path.toStdString(), "line " + std::to_string(lineNo) +
                                                        " is not a JSON object (a training log has one per line)");
        const QJsonObject o = doc.object();
        double x = ++fallbackX;
        for (const char* key : {"iteration", "iter", "step", "epoch"})
            if (o.value(QLatin1String(key)).isDouble()) {
                x = o.value(QLatin1String(key)).toDouble();
                break;
            }
        for (auto it = o.begin(); it != o.end(); ++it) {
            if (!it.value().isDouble())
                continue;
            const double v = it.value().toDouble();
            if (!std::isfinite(v))
                continue;
            if (isLossKey(it.key()))
                log.losses[it.key()].append(QPointF(x, v));
            else if (isMetricKey(it.key()))
                log.metrics[it.key()].append(QPointF(x, v));
        }
        ++log.lines;
    }
    if (log.losses.isEmpty() && log.metrics.isEmpty())
        throw zm::fileError(path.toStdString(), "no loss or IoU values found (expected JSON lines with keys "
                                                "such as \"iteration\", \"loss\", \"miou\")");
    return log;
}

ChartsPanel::ChartsPanel(ClassListModel* classes, QWidget* parent)
    : QWidget(parent), mClasses(classes), mDebounce(new QTimer(this)), mHistogram(20, 0)
{
    mTabs = new QTabWidget(this);
    mTabs->setObjectName(QStringLiteral("ChartTabs"));
    mShareView = makeView(this);
    mShareView->setObjectName(QStringLiteral("PixelShareChart"));
    mHistView = makeView(this);
    mHistView->setObjectName(QStringLiteral("ScoreHistogramChart"));
    auto* logPage = new QWidget(this);
    mLogView = makeView(logPage);
    mLogView->setObjectName(QStringLiteral("TrainingChart"));
    mLogInfo = new QLabel(tr("Open a training log (JSON lines written by zeromask-cli train --log) to see loss and "
                             "mIoU over iterations."),
                          logPage);
    mLogInfo->setWordWrap(true);
    auto* logLayout = new QVBoxLayout(logPage);
    logLayout->setContentsMargins(0, 0, 0, 0);
    logLayout->addWidget(mLogInfo);
    logLayout->addWidget(mLogView, 1);
    mTabs->addTab(mShareView, tr("Classes"));
    mTabs->addTab(mHistView, tr("Confidence"));
    mTabs->addTab(logPage, tr("Training"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(mTabs);

    mDebounce->setSingleShot(true);
    mDebounce->setInterval(250);
    connect(mDebounce, &QTimer::timeout, this, &ChartsPanel::refresh);
    connect(mClasses, &ClassListModel::appearanceChanged, this, &ChartsPanel::scheduleRefresh);
    connect(mClasses, &QAbstractItemModel::dataChanged, this, &ChartsPanel::scheduleRefresh);
}

void ChartsPanel::setDocument(ImageDocument* document)
{
    if (mDocument)
        disconnect(mDocument, nullptr, this, nullptr);
    mDocument = document;
    if (mDocument)
        connect(mDocument, &ImageDocument::labelsChanged, this, &ChartsPanel::scheduleRefresh);
    scheduleRefresh();
}

void ChartsPanel::showEvent(QShowEvent* event)
{
    // Changes while hidden were skipped: catch up when the charts come into view.
    QWidget::showEvent(event);
    scheduleRefresh();
}

void ChartsPanel::scheduleRefresh()
{
    // Charts are only worth computing when someone can see them.
    if (isVisible())
        mDebounce->start();
}

void ChartsPanel::refresh()
{
    mShares.clear();
    std::fill(mHistogram.begin(), mHistogram.end(), 0);
    QMap<std::uint16_t, qint64> counts;
    qint64 total = 0;
    if (mDocument && !mDocument->labels().empty()) {
        std::vector<qint64> c(65536, 0);
        for (std::uint16_t id : mDocument->labels().ids)
            ++c[id];
        total = qint64(mDocument->labels().ids.size());
        for (std::size_t id = 0; id < c.size(); ++id)
            if (c[id])
                counts[std::uint16_t(id)] = c[id];
        for (float s : mDocument->confidence()) {
            if (!std::isfinite(s))
                continue;
            const int bin = std::clamp(int(s * 20.0f), 0, 19);
            ++mHistogram[std::size_t(bin)];
        }
    }

    auto* pieChart = static_cast<QChartView*>(mShareView)->chart();
    pieChart->removeAllSeries();
    auto* pie = new QPieSeries;
    for (auto it = counts.begin(); it != counts.end(); ++it) {
        const ClassEntry* e = mClasses->find(it.key());
        const QString name = it.key() == zm::LabelMap::kVoid ? tr("void") : (e ? e->name : tr("class %1").arg(it.key()));
        const double share = double(it.value()) / double(total);
        mShares[name] += share;
        QPieSlice* slice = pie->append(QStringLiteral("%1 %2%").arg(name).arg(share * 100, 0, 'f', 1), share);
        slice->setColor(e ? e->color : QColor(90, 90, 90));
        slice->setLabelVisible(share > 0.04);
    }
    pie->setPieSize(0.6);
    pieChart->addSeries(pie);
    pieChart->setTitle(total ? tr("Pixel share per class") : tr("No prediction yet"));

    auto* histChart = static_cast<QChartView*>(mHistView)->chart();
    histChart->removeAllSeries();
    for (QAbstractAxis* a : histChart->axes())
        histChart->removeAxis(a);
    auto* set = new QBarSet(tr("pixels"));
    set->setColor(QColor(0x43, 0x63, 0xd8));
    QStringList cats;
    for (std::size_t i = 0; i < mHistogram.size(); ++i) {
        *set << mHistogram[i];
        cats << (i % 5 == 0 ? QString::number(i / 20.0, 'f', 2) : QStringLiteral(" ").repeated(int(i)));
    }
    auto* bars = new QBarSeries;
    bars->append(set);
    bars->setBarWidth(1.0);
    histChart->addSeries(bars);
    auto* xAxis = new QBarCategoryAxis;
    xAxis->append(cats);
    histChart->addAxis(xAxis, Qt::AlignBottom);
    bars->attachAxis(xAxis);
    auto* yAxis = new QValueAxis;
    yAxis->setLabelFormat(QStringLiteral("%.0f"));
    histChart->addAxis(yAxis, Qt::AlignLeft);
    bars->attachAxis(yAxis);
    const int maxCount = *std::max_element(mHistogram.begin(), mHistogram.end());
    yAxis->setRange(0, std::max(1, maxCount));
    histChart->setTitle(tr("Winning score per pixel"));
}

bool ChartsPanel::loadTrainingLog(const QString& path, QString* error)
{
    try {
        mLog = parseTrainingLog(path);
    } catch (const std::exception& e) {
        if (error)
            *error = QString::fromUtf8(e.what());
        return false;
    }
    QChart* chart = static_cast<QChartView*>(mLogView)->chart();
    chart->removeAllSeries();
    for (QAbstractAxis* a : chart->axes())
        chart->removeAxis(a);
    auto* x = new QValueAxis;
    x->setTitleText(tr("iteration"));
    x->setLabelFormat(QStringLiteral("%.0f"));
    auto* yLoss = new QValueAxis;
    yLoss->setTitleText(tr("loss"));
    auto* yMetric = new QValueAxis;
    yMetric->setTitleText(tr("mIoU"));
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(yLoss, Qt::AlignLeft);
    double xmin = 1e300, xmax = -1e300, lmax = 0, mmax = 0;
    auto add = [&](const QMap<QString, QVector<QPointF>>& group, QValueAxis* y, double& ymax) {
        for (auto it = group.begin(); it != group.end(); ++it) {
            auto* s = new QLineSeries;
            s->setName(it.key());
            s->replace(QList<QPointF>(it.value().begin(), it.value().end()));
            chart->addSeries(s);
            s->attachAxis(x);
            s->attachAxis(y);
            for (const QPointF& p : it.value()) {
                xmin = std::min(xmin, p.x());
                xmax = std::max(xmax, p.x());
                ymax = std::max(ymax, p.y());
            }
        }
    };
    add(mLog.losses, yLoss, lmax);
    if (!mLog.metrics.isEmpty()) {
        chart->addAxis(yMetric, Qt::AlignRight);
        add(mLog.metrics, yMetric, mmax);
        yMetric->setRange(0, mmax > 1.0 ? mmax * 1.05 : 1.0);
    } else {
        delete yMetric;
    }
    x->setRange(xmin, xmax > xmin ? xmax : xmin + 1);
    yLoss->setRange(0, lmax > 0 ? lmax * 1.05 : 1.0);
    chart->legend()->setVisible(true);
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setTitle(QFileInfo(path).fileName());
    mLogInfo->setText(tr("%1: %2 records").arg(QFileInfo(path).fileName()).arg(mLog.lines));
    mTabs->setCurrentIndex(2);
    return true;
}

} // namespace zm::ui
