// StatisticsDialog: pixel counts per class for the current image or the whole project (open images
// with their unsaved edits), as a table and a Qt Charts bar chart, plus how much of the prediction
// people changed; exportable as CSV (class_counts.csv, edits.csv).
#pragma once
#include "ui/export/editcontext.h"

#include <QDialog>

#include <vector>

class QChartView;
class QComboBox;
class QLabel;
class QTableWidget;

namespace zm::ui {

class StatisticsDialog : public QDialog {
    Q_OBJECT
public:
    explicit StatisticsDialog(EditContext context, QWidget* parent = nullptr);

    /// 0 = this image, 1 = all images of the project.
    void setScope(int scope);
    /// Recomputes for the current scope.
    void refresh();
    /// Per-image statistics shown now (one entry for "this image").
    const std::vector<zm::LabelStats>& stats() const { return mStats; }
    const zm::LabelStats& total() const { return mTotal; }
    QTableWidget* table() const { return mTable; }
    QString summaryText() const;
    /// Writes the CSV files into `dir`; false with the message in `error`.
    bool exportCsv(const QString& dir, QString* error);

private:
    void fill();
    QString className(std::uint16_t id) const;

    EditContext mContext;
    QComboBox* mScope;
    QTableWidget* mTable;
    QChartView* mChart;
    QLabel* mSummary;
    std::vector<zm::LabelStats> mStats;
    zm::LabelStats mTotal;
};

} // namespace zm::ui
