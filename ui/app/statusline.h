// StatusLine: what the window's status bar shows, from left to right: the image (name, size, place in the
// list), what is under the mouse, the progress of the running work, the red "Class list not saved" label
// (while the project's class table cannot be written), the per-user project label, the last encode and
// score times, and the device and model. The window tells it what happened; it words and shows it.
#pragma once
#include <QObject>
#include <QString>

class QLabel;
class QProgressBar;
class QStatusBar;

namespace zm::ui {

enum class BusyState;

class StatusLine : public QObject {
    Q_OBJECT
public:
    /// Adds its widgets to `bar` (they belong to the bar's window).
    explicit StatusLine(QStatusBar* bar);

    void setImage(const QString& text);
    void setHover(const QString& text);
    /// The model's work (the loading of a model and vectors, while it runs, wins over it).
    void setBusy(BusyState state, const QString& subject);
    /// Fraction (0..1) of the current image's encode.
    void setEncodeFraction(double fraction);
    void setLoading(bool loading);
    /// Edit > Refine edges is running on the current image (wins over the model's work, like loading).
    void setRefining(bool refining);
    void setModel(const QString& text, const QString& tooltip);
    /// Negative: not measured yet.
    void setTimes(double encodeMs, double scoreMs);
    /// Shown while the project lives in the per-user folder; `reason` is its tooltip.
    void setProjectFallback(bool fallback, const QString& reason);
    /// Shown (red) while not empty.
    void setClassesProblem(const QString& problem);

private:
    QStatusBar* mBar;
    QLabel* mImage;
    QLabel* mHover;
    QLabel* mTimes;
    QLabel* mModel;
    QLabel* mProject;
    QLabel* mClasses;
    QProgressBar* mProgress;
    bool mLoading = false;
    bool mEncoding = false;
    bool mRefining = false;
};

} // namespace zm::ui
