// StatisticsDialog implementation.
#include "ui/export/statisticsdialog.h"

#include "ui/document/imagedocument.h"

#include "core/io/project.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QHorizontalBarSeries>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QTableWidget>
#include <QValueAxis>
#include <QVBoxLayout>

namespace zm::ui {

StatisticsDialog::StatisticsDialog(EditContext context, QWidget* parent) : QDialog(parent), mContext(std::move(context))
{
    setWindowTitle(tr("Label statistics"));
    mScope = new QComboBox(this);
    mScope->setObjectName(QStringLiteral("StatsScope"));
    mScope->addItem(tr("This image"));
    mScope->addItem(tr("All images of the project"));
    if (!mContext.project)
        mScope->setItemData(1, 0, Qt::UserRole - 1); // disabled: no project to walk
    mTable = new QTableWidget(0, 3, this);
    mTable->setObjectName(QStringLiteral("StatsTable"));
    mTable->setHorizontalHeaderLabels({tr("Class"), tr("Pixels"), tr("Share")});
    mTable->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    mTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    mTable->setSortingEnabled(true);
    mChart = new QChartView(this);
    mChart->setMinimumHeight(220);
    mSummary = new QLabel(this);
    mSummary->setObjectName(QStringLiteral("StatsSummary"));
    mSummary->setWordWrap(true);

    auto* csv = new QPushButton(tr("Export CSV..."), this);
    connect(csv, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Write CSV files into"));
        if (dir.isEmpty())
            return;
        QString error;
        if (!exportCsv(dir, &error))
            QMessageBox::warning(this, tr("Statistics"), error);
    });
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->addButton(csv, QDialogButtonBox::ActionRole);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Count"), this));
    top->addWidget(mScope, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(mChart, 2);
    layout->addWidget(mTable, 2);
    layout->addWidget(mSummary);
    layout->addWidget(buttons);
    resize(560, 620);

    connect(mScope, &QComboBox::currentIndexChanged, this, &StatisticsDialog::refresh);
    refresh();
}

void StatisticsDialog::setScope(int scope) { mScope->setCurrentIndex(scope); }

QString StatisticsDialog::className(std::uint16_t id) const
{
    if (id == zm::LabelMap::kVoid)
        return tr("void (unlabelled)");
    if (const zm::ClassEntry* c = mContext.classes.find(id))
        return QString::fromStdString(c->name);
    return tr("class %1").arg(id);
}

void StatisticsDialog::refresh()
{
    mStats.clear();
    try {
        if (mScope->currentIndex() == 1 && mContext.project) {
            zm::NullProgress progress;
            mStats = collectStats(*mContext.project, mContext.documentFor, progress);
        } else if (mContext.current && mContext.current->hasLabels()) {
            mStats.push_back(zm::computeStats(QFileInfo(mContext.current->path()).fileName().toStdString(),
                                              mContext.current->state()));
        }
    } catch (const std::exception& e) {
        mSummary->setText(QString::fromStdString(e.what()));
        return;
    }
    mTotal = zm::totalStats(mStats);
    fill();
}

void StatisticsDialog::fill()
{
    mTable->setSortingEnabled(false);
    mTable->setRowCount(0);
    auto* set = new QBarSet(tr("Pixels"));
    QStringList names;
    for (const auto& [id, count] : mTotal.counts) {
        const int row = mTable->rowCount();
        mTable->insertRow(row);
        mTable->setItem(row, 0, new QTableWidgetItem(className(id)));
        auto* n = new QTableWidgetItem;
        n->setData(Qt::DisplayRole, qulonglong(count));
        mTable->setItem(row, 1, n);
        auto* share = new QTableWidgetItem;
        share->setData(Qt::DisplayRole, mTotal.pixels ? 100.0 * double(count) / double(mTotal.pixels) : 0.0);
        mTable->setItem(row, 2, share);
        if (const zm::ClassEntry* c = mContext.classes.find(id))
            mTable->item(row, 0)->setData(Qt::DecorationRole, QColor(c->color[0], c->color[1], c->color[2]));
        *set << double(count);
        names << className(id);
    }
    mTable->setSortingEnabled(true);

    auto* series = new QHorizontalBarSeries;
    series->append(set);
    auto* chart = new QChart;
    chart->addSeries(series);
    chart->setTitle(mScope->currentIndex() == 1 ? tr("Pixels per class, %n image(s)", "", int(mStats.size()))
                                                : tr("Pixels per class"));
    chart->legend()->hide();
    auto* axisY = new QBarCategoryAxis;
    axisY->append(names);
    chart->addAxis(axisY, Qt::AlignLeft);
    series->attachAxis(axisY);
    auto* axisX = new QValueAxis;
    axisX->setLabelFormat(QStringLiteral("%.0f"));
    chart->addAxis(axisX, Qt::AlignBottom);
    series->attachAxis(axisX);
    QChart* old = mChart->chart();
    mChart->setChart(chart);
    delete old;
    mSummary->setText(summaryText());
}

QString StatisticsDialog::summaryText() const
{
    if (mStats.empty())
        return tr("No labels yet.");
    return tr("%1 pixels, %2 confirmed by people. People changed %3 % of the pixels against the prediction "
              "(%4 of %5 confirmed pixels that had a prediction got another class).")
        .arg(mTotal.pixels)
        .arg(mTotal.confirmed)
        .arg(100.0 * mTotal.changedShare(), 0, 'f', 2)
        .arg(mTotal.changed)
        .arg(mTotal.compared);
}

bool StatisticsDialog::exportCsv(const QString& dir, QString* error)
{
    try {
        writeStatsCsv(dir.toStdString(), mStats, mContext.classes);
        return true;
    } catch (const std::exception& e) {
        if (error)
            *error = QString::fromStdString(e.what());
        return false;
    }
}

} // namespace zm::ui
