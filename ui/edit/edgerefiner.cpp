// EdgeRefiner implementation: a snapshot of image and labels goes to a worker; the answer comes back as
// one LabelDelta over the pixels that changed.
#include "ui/edit/edgerefiner.h"

#include "ui/document/imagedocument.h"
#include "ui/edit/editcommands.h"
#include "ui/model/classlistmodel.h"
#include "ui/util/runasync.h"

#include "core/common/image.h"

#include <QAction>
#include <QElapsedTimer>
#include <QIcon>
#include <QKeySequence>
#include <QLocale>

#include <exception>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace zm::ui {

namespace {

QString pixels(std::int64_t n)
{
    QLocale locale;
    locale.setNumberOptions(QLocale::DefaultNumberOptions); // "12,345" in the C locale too
    return locale.toString(qlonglong(n));
}

QString needsBackground()
{
    return EdgeRefiner::tr("Refine edges needs a class named \"background\": masks grow only over its pixels. "
                           "Type background in the class panel.");
}

} // namespace

struct EdgeRefiner::Result {
    std::uint64_t generation = 0;
    zm::LabelMap before; ///< the labels it started from (compared with the document's before applying)
    zm::LabelMap after;
    zm::RefineReport report;
    QString error;
    double milliseconds = 0;
};

EdgeRefiner::EdgeRefiner(ClassListModel* classes, QObject* parent)
    : QObject(parent), mClasses(classes), mAction(new QAction(tr("Refine &edges"), this))
{
    mAction->setObjectName(QStringLiteral("RefineEdgesAction"));
    mAction->setIcon(QIcon(QStringLiteral(":/icons/refine.svg")));
    mAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    mAction->setToolTip(tr("Refine edges (Ctrl+R): snap the masks of this image to the edges in the photo. Masks "
                           "grow over \"background\" pixels and give back what does not look like the object; "
                           "one undo step. Needs a class named \"background\"."));
    mAction->setStatusTip(tr("Snap this image's masks to the photo's edges (needs a \"background\" class)"));
    connect(mAction, &QAction::triggered, this, [this] { refine(); });
    updateAction();
}

int EdgeRefiner::backgroundId(const ClassListModel& classes)
{
    for (const ClassEntry& e : classes.entries())
        for (const QString& term : ClassListModel::termsOf(e.name))
            if (zm::backgroundIndex({term.toStdString()}) == 0)
                return e.id;
    return -1;
}

QString EdgeRefiner::problem() const
{
    if (!mDocument || !mDocument->hasLabels())
        return tr("Refine edges: no image is shown");
    if (mRunning)
        return tr("Refine edges is already running");
    if (mDocument->image().empty())
        return tr("Refine edges: the image's pixels are not loaded yet");
    if (backgroundId(*mClasses) < 0)
        return needsBackground();
    return {};
}

void EdgeRefiner::setDocument(ImageDocument* document)
{
    if (document == mDocument)
        return;
    mDocument = document;
    if (mRunning) {
        ++mGeneration; // the answer for the previous image is dropped when it comes
        setRunning(false);
    }
    updateAction();
}

bool EdgeRefiner::refine()
{
    if (const QString why = problem(); !why.isEmpty()) {
        Q_EMIT message(why);
        return false;
    }
    zm::RefineOptions options = mOptions;
    options.background = std::uint16_t(backgroundId(*mClasses));
    options.only.clear();
    for (const ClassEntry& e : mClasses->entries())
        if (e.id != options.background)
            options.only.push_back(e.id);
    if (options.only.empty()) {
        Q_EMIT message(tr("Refine edges: there is no class besides background to refine"));
        return false;
    }
    // Copies: the worker must not read the document, which the GUI thread keeps changing.
    auto image = std::make_shared<const zm::Image>(mDocument->image());
    zm::LabelMap labels = mDocument->labels();
    const std::uint64_t generation = ++mGeneration;
    setRunning(true);
    runAsync(
        this, nullptr,
        [image, labels = std::move(labels), options, generation]() mutable {
            Result r;
            r.generation = generation;
            QElapsedTimer timer;
            timer.start();
            try {
                r.after = labels;
                r.report = zm::refineLabels(*image, r.after, options);
            } catch (const std::exception& e) {
                r.error = QString::fromStdString(e.what());
            }
            r.milliseconds = double(timer.nsecsElapsed()) / 1e6;
            r.before = std::move(labels);
            return r;
        },
        [this](Result r) { apply(std::move(r)); });
    return true;
}

void EdgeRefiner::apply(Result r)
{
    if (r.generation != mGeneration)
        return; // dropped: another image (or a newer run) took its place
    setRunning(false);
    ImageDocument* doc = mDocument;
    if (!doc) {
        Q_EMIT finished(false);
        return;
    }
    if (!r.error.isEmpty()) {
        Q_EMIT message(tr("Refine edges failed: %1").arg(r.error));
        Q_EMIT finished(false);
        return;
    }
    // An edit, an undo or a new prediction while it ran: its answer is for labels that are gone.
    if (!(doc->labels() == r.before)) {
        Q_EMIT message(tr("Refine edges: the labels changed while it ran, nothing was applied (run it again)"));
        Q_EMIT finished(false);
        return;
    }
    // Changed pixels become confirmed with their new class; every other pixel keeps its state.
    std::vector<std::uint8_t> confirmed = doc->confirmed();
    for (std::size_t i = 0; i < confirmed.size(); ++i)
        if (r.after.ids[i] != r.before.ids[i])
            confirmed[i] = 1;
    LabelDelta delta = LabelDelta::fromState(*doc, doc->bounds(), r.after.ids, confirmed);
    if (delta.isEmpty()) {
        Q_EMIT message(r.report.classesRefined > 0
                           ? tr("Refine edges: the masks already follow the edges, nothing changed")
                       : r.report.classesSkipped > 0
                           ? tr("Refine edges: left %1 mask(s) as they were (too little background around them to "
                                "learn its colours)")
                                 .arg(r.report.classesSkipped)
                           : tr("Refine edges: no mask to refine (a mask needs %1 pixels and background around it)")
                                 .arg(mOptions.minPixels));
        Q_EMIT finished(false);
        return;
    }
    doc->undoStack()->push(new RefineCommand(doc, std::move(delta)));
    const int n = r.report.classesRefined;
    const QString took = r.milliseconds < 1000 ? tr("%1 ms").arg(r.milliseconds, 0, 'f', 0)
                                               : tr("%1 s").arg(r.milliseconds / 1000.0, 0, 'f', 1);
    Q_EMIT message(tr("Refined %1 %2: +%3 px, -%4 px (%5; Ctrl+Z undoes)")
                       .arg(n)
                       .arg(n == 1 ? tr("class") : tr("classes"))
                       .arg(pixels(r.report.pixelsGained), pixels(r.report.pixelsReleased), took));
    Q_EMIT finished(true);
}

void EdgeRefiner::setRunning(bool running)
{
    if (running == mRunning)
        return;
    mRunning = running;
    updateAction();
    Q_EMIT runningChanged(running);
}

void EdgeRefiner::updateAction()
{
    mAction->setEnabled(mDocument && mDocument->hasLabels() && !mRunning);
}

} // namespace zm::ui
