// ProjectSession implementation.
#include "ui/app/projectsession.h"

#include "ui/app/projectlocation.h"
#include "ui/engine/segmentationcontroller.h"
#include "ui/model/classlistmodel.h"

#include "core/embed/embedder.h"
#include "core/io/project.h"

#include <QAbstractItemModel>
#include <QFileInfo>
#include <QTimer>

namespace zm::ui {

ProjectSession::ProjectSession(ClassListModel* classes, SegmentationController* controller, QObject* parent)
    : QObject(parent), mClasses(classes), mController(controller), mSync(new QTimer(this))
{
    mSync->setSingleShot(true);
    mSync->setInterval(250);
    connect(mSync, &QTimer::timeout, this, [this] { syncClasses(); });
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(mClasses, signal, mSync, qOverload<>(&QTimer::start));
    connect(mClasses, &QAbstractItemModel::dataChanged, mSync, qOverload<>(&QTimer::start));
    connect(mClasses, &QAbstractItemModel::modelReset, mSync, qOverload<>(&QTimer::start));
}

ProjectSession::~ProjectSession() = default;

zm::ClassTable ProjectSession::classTable() const
{
    zm::ClassTable table =
        mClasses->toClassTable(mController->embedder() ? mController->embedder()->spaceId() : zm::VectorSpaceId{});
    // What the list does not know is kept from the project's table: the vector space when no vectors
    // are loaded, and the model that made the predictions (the loaded one, else the recorded one).
    const zm::ClassTable current = mProject ? mProject->classes() : zm::ClassTable();
    if (!table.vectorSpace.valid())
        table.vectorSpace = current.vectorSpace;
    if (mController->backend())
        table.model = {{"name", mController->backend()->modelName().toStdString()}, {"path", mModelPath.toStdString()}};
    else
        table.model = current.model;
    return table;
}

bool ProjectSession::syncClasses(QString* error)
{
    mSync->stop();
    if (!mProject)
        return true;
    try {
        const zm::ClassTable table = classTable();
        if (!(table == mProject->classes()))
            mProject->setClasses(table);
    } catch (const std::exception& e) {
        const QString problem = tr("The class list is not saved into the project: %1").arg(QString::fromUtf8(e.what()));
        if (error)
            *error = problem;
        mClassesProblem = problem;
        Q_EMIT classesSaveFailed(problem);
        return false;
    }
    if (!mClassesProblem.isEmpty()) {
        mClassesProblem.clear();
        Q_EMIT classesSaved();
    }
    return true;
}

void ProjectSession::close()
{
    if (!mProject)
        return;
    syncClasses();
    Q_EMIT closing(mProject.get());
    mProject.reset();
    mFallback = false;
    mFallbackReason.clear();
    if (!mClassesProblem.isEmpty()) {
        mClassesProblem.clear();
        Q_EMIT classesSaved(); // the problem belonged to the project that closed
    }
}

bool ProjectSession::openFor(const QStringList& files)
{
    if (files.isEmpty())
        return mProject != nullptr;
    const QString imagesDir = QFileInfo(files.front()).absolutePath();
    const std::filesystem::path dir = imagesDir.toStdString();
    // Beside the images when that folder can be written, else a per-user folder (projectlocation.h).
    ProjectLocation where = locateProject(imagesDir, mWritable ? mWritable : WritableCheck(canWriteInto));
    if (mProject && mProject->folder() == where.folder)
        return true;
    // Finish writing into the old project (classes, then pending autosaves) before switching.
    close();
    try {
        mProject = zm::Project::openOrCreate(where.folder, dir);
    } catch (const std::exception& e) {
        if (where.fallback) {
            Q_EMIT message(tr("Autosave is off: %1").arg(QString::fromUtf8(e.what())), 15000);
            Q_EMIT opened(nullptr);
            return false;
        }
        // The check passed but creating failed (a race, a full disk): the per-user folder, then.
        const std::filesystem::path perUser = fallbackProjectFolder(imagesDir);
        try {
            mProject = zm::Project::openOrCreate(perUser, dir);
            where = {perUser, true,
                     tr("%1 could not be created (%2): your work is saved in %3")
                         .arg(QString::fromStdString(where.folder.string()), QString::fromUtf8(e.what()),
                              QString::fromStdString(perUser.string()))};
        } catch (const std::exception& e2) {
            Q_EMIT message(tr("Autosave is off: %1").arg(QString::fromUtf8(e2.what())), 15000);
            Q_EMIT opened(nullptr);
            return false;
        }
    }
    mFallback = where.fallback;
    mFallbackReason = where.fallback ? where.reason : QString();
    if (mFallback)
        Q_EMIT message(where.reason, 20000);
    // The project's classes are what its labels mean: they replace the session's list.
    const zm::ClassTable table = mProject->classes();
    if (!table.empty())
        mClasses->fromClassTable(table, [this](const QString& n, QString* p) { return mController->embed(n, p); });
    else if (mClasses->rowCount() > 0)
        syncClasses(); // a new project starts with the session's classes
    Q_EMIT opened(mProject.get());
    return true;
}

} // namespace zm::ui
