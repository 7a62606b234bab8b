// Charts (Qt Charts): per-class pixel share of the current image, a histogram of the winning
// scores (how sure the model is), and loss / mIoU curves from a training log (JSON lines).
#pragma once
#include "ui/document/imagedocument.h"

#include <QMap>
#include <QPointer>
#include <QWidget>

#include <vector>

class QTabWidget;
class QTimer;
class QLabel;

namespace zm::ui {

class ClassListModel;
class ImageDocument;

/// One parsed training log: x = iteration, named series of values.
struct TrainingLog {
    QMap<QString, QVector<QPointF>> losses;  ///< keys containing "loss"
    QMap<QString, QVector<QPointF>> metrics; ///< keys containing "iou" or "acc"
    int lines = 0;
};
/// Parses JSON lines; throws zm::Error naming the file and line for unreadable input.
TrainingLog parseTrainingLog(const QString& path);

class ChartsPanel : public QWidget {
    Q_OBJECT
public:
    explicit ChartsPanel(ClassListModel* classes, QWidget* parent = nullptr);
    void setDocument(ImageDocument* document);

    /// Shows a training log's curves; returns false with the message in `error`.
    bool loadTrainingLog(const QString& path, QString* error = nullptr);

    /// Class name -> share of the image's pixels (0..1), void as "void". Recomputed on refresh().
    const QMap<QString, double>& pixelShares() const { return mShares; }
    /// Counts of winning scores in 20 bins over [0, 1].
    const std::vector<int>& scoreHistogram() const { return mHistogram; }
    const TrainingLog& trainingLog() const { return mLog; }
    QTabWidget* tabs() const { return mTabs; }

    /// Recomputes the image charts now (normally debounced after label changes).
    void refresh();

protected:
    void showEvent(QShowEvent* event) override;

private:
    void scheduleRefresh();

    ClassListModel* mClasses;
    QPointer<ImageDocument> mDocument;
    QTabWidget* mTabs;
    QWidget* mShareView;
    QWidget* mHistView;
    QWidget* mLogView;
    QLabel* mLogInfo;
    QTimer* mDebounce;
    QMap<QString, double> mShares;
    std::vector<int> mHistogram;
    TrainingLog mLog;
};

} // namespace zm::ui
