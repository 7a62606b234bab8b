// StatusLine implementation.
#include "ui/app/statusline.h"

#include "ui/engine/segmentationcontroller.h"

#include <QLabel>
#include <QProgressBar>
#include <QStatusBar>
#include <QStringList>

namespace zm::ui {

namespace {

QLabel* label(QStatusBar* bar, const char* name)
{
    auto* l = new QLabel(bar);
    l->setObjectName(QLatin1String(name));
    return l;
}

} // namespace

StatusLine::StatusLine(QStatusBar* bar)
    : QObject(bar), mBar(bar), mImage(label(bar, "StatusImage")), mHover(label(bar, "StatusHover")),
      mTimes(label(bar, "StatusTimes")), mModel(label(bar, "StatusModel")), mProject(label(bar, "StatusProject")),
      mClasses(label(bar, "StatusClassesProblem")), mProgress(new QProgressBar(bar))
{
    mProject->hide();
    mClasses->setStyleSheet(QStringLiteral("QLabel { background: #c62828; color: white; padding: 1px 6px; }"));
    mClasses->hide();
    mProgress->setObjectName(QStringLiteral("BusyIndicator"));
    mProgress->setMaximumWidth(bar->fontMetrics().horizontalAdvance(QLatin1Char('x')) * 28);
    mProgress->setTextVisible(true);
    mProgress->hide();
    bar->addWidget(mImage, 1);
    bar->addWidget(mHover, 1);
    bar->addPermanentWidget(mProgress);
    bar->addPermanentWidget(mClasses);
    bar->addPermanentWidget(mProject);
    bar->addPermanentWidget(mTimes);
    bar->addPermanentWidget(mModel);
}

void StatusLine::setImage(const QString& text)
{
    mImage->setText(text);
}
void StatusLine::setHover(const QString& text)
{
    mHover->setText(text);
}

void StatusLine::setBusy(BusyState state, const QString& subject)
{
    mEncoding = state == BusyState::Encoding;
    if (mLoading || mRefining)
        return; // the loader's (or the refinement's) bar stays until it is done
    switch (state) {
    case BusyState::Idle:
        mProgress->hide();
        return;
    case BusyState::Encoding:
        mProgress->setRange(0, 100);
        mProgress->setValue(0);
        mProgress->setFormat(tr("Encoding %1").arg(subject) + QStringLiteral(" %p%"));
        break;
    case BusyState::PreEncoding:
        mProgress->setRange(0, 0);
        mProgress->setFormat(tr("Pre-encoding %1").arg(subject));
        break;
    case BusyState::Scoring:
        mProgress->setRange(0, 0);
        mProgress->setFormat(tr("Scoring"));
        break;
    }
    mProgress->show();
}

void StatusLine::setEncodeFraction(double fraction)
{
    if (mLoading || mRefining || !mEncoding || fraction < 0)
        return;
    mProgress->setRange(0, 100);
    mProgress->setValue(int(fraction * 100));
}

void StatusLine::setLoading(bool loading)
{
    mLoading = loading;
    if (loading) {
        mModel->setText(tr("Loading model and vectors..."));
        mProgress->setRange(0, 0);
        mProgress->setFormat(tr("Loading model and vectors"));
        mProgress->show();
    } else {
        mProgress->hide();
        setRefining(mRefining);
    }
}

void StatusLine::setRefining(bool refining)
{
    mRefining = refining;
    if (mLoading)
        return;
    if (refining) {
        mProgress->setRange(0, 0);
        mProgress->setFormat(tr("Refining edges"));
        mProgress->show();
    } else {
        mProgress->hide(); // the window then shows the model's state again (setBusy)
    }
}

void StatusLine::setModel(const QString& text, const QString& tooltip)
{
    if (mLoading)
        return;
    mModel->setText(text);
    mModel->setToolTip(tooltip);
}

void StatusLine::setTimes(double encodeMs, double scoreMs)
{
    QStringList times;
    if (encodeMs >= 0)
        times << tr("encode %1 ms").arg(encodeMs, 0, 'f', 0);
    if (scoreMs >= 0)
        times << tr("score %1 ms").arg(scoreMs, 0, 'f', 0);
    mTimes->setText(times.join(QStringLiteral(", ")));
}

void StatusLine::setProjectFallback(bool fallback, const QString& reason)
{
    mProject->setVisible(fallback);
    if (fallback) {
        mProject->setText(tr("Project: per-user folder"));
        mProject->setToolTip(reason);
    }
}

void StatusLine::setClassesProblem(const QString& problem)
{
    mClasses->setVisible(!problem.isEmpty());
    if (!problem.isEmpty()) {
        mClasses->setText(tr("Class list not saved"));
        mClasses->setToolTip(problem + tr("\nThe list stays in memory; every change tries again."));
    }
}

} // namespace zm::ui
