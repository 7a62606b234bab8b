// ModelClasses implementation.
#include "ui/app/modelclasses.h"

#include "ui/app/projectsession.h"
#include "ui/engine/backend.h"
#include "ui/engine/segmentationcontroller.h"
#include "ui/model/classlistmodel.h"

#include "core/io/project.h"

#include <QScopedValueRollback>
#include <QAbstractItemModel>
#include <QSettings>

namespace zm::ui {

ModelClasses::ModelClasses(ClassListModel* classes, SegmentationController* controller, ProjectSession* session,
                           QObject* parent)
    : QObject(parent), mClasses(classes), mController(controller), mSession(session),
      mEdited(QSettings().value(QLatin1String(kEditedKey), false).toBool())
{
    // Any change of the list that the first-start fill did not make is the person's (typing, deleting,
    // a list restored from the settings or a project's class table): from then on the list is theirs.
    const auto changed = [this] {
        if (!mFilling)
            markEdited();
    };
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(mClasses, signal, this, changed);
    connect(mClasses, &QAbstractItemModel::modelReset, this, changed);
}

void ModelClasses::markEdited()
{
    if (mEdited)
        return;
    mEdited = true;
    QSettings().setValue(QLatin1String(kEditedKey), true); // now: a crash must not bring the fill back
}

QStringList ModelClasses::namesOf(const Backend* backend)
{
    if (!backend)
        return {};
    QStringList names;
    QStringList seen; // lower case, for repeats
    int background = -1;
    for (const QStringList& part : {backend->seenClassNames(), backend->unseenClassNames()})
        for (const QString& raw : part) {
            const QString name = raw.trimmed();
            const QString key = name.toLower();
            if (name.isEmpty() || seen.contains(key))
                continue;
            if (key == QLatin1String("background"))
                background = int(names.size());
            seen << key;
            names << name;
        }
    if (background > 0)
        names.move(background, 0);
    return names;
}

int ModelClasses::fillOnFirstStart()
{
    if (mEdited || mClasses->rowCount() > 0)
        return 0;
    const zm::Project* project = mSession->project();
    if (project && !project->classes().empty())
        return 0; // the project's labels mean what its table says (ProjectSession loads it)
    const QStringList names = namesOf(mController->backend().get());
    if (names.isEmpty())
        return 0;
    int added = 0;
    {
        const QScopedValueRollback<bool> filling(mFilling, true); // reset even if a name throws
        for (const QString& name : names)
            if (mController->typeClass(name).kind == AddOutcome::Kind::Added)
                ++added;
    }
    if (added > 0)
        Q_EMIT message(tr("Classes from the model %1: %2 (edit them in the class panel)")
                           .arg(mController->backend()->modelName(), QString::number(added)),
                       15000);
    return added;
}

ModelClasses::Result ModelClasses::addMissing()
{
    Result r;
    const QStringList names = namesOf(mController->backend().get());
    if (names.isEmpty()) {
        Q_EMIT message(mController->backend() ? tr("The model's card names no classes")
                                              : tr("No model loaded: its classes are not known"),
                       6000);
        return r;
    }
    for (const QString& name : names) {
        const ClassListModel::NameCheck check = mClasses->checkName(name);
        switch (check.kind) {
        case ClassListModel::NameCheck::Kind::New: {
            const AddOutcome out = mController->typeClass(name);
            if (out.kind == AddOutcome::Kind::Added)
                ++r.added;
            else if (!out.ok())
                r.refused << QStringLiteral("%1: %2").arg(name, out.message);
            else
                ++r.present;
            break;
        }
        case ClassListModel::NameCheck::Kind::Existing:
        case ClassListModel::NameCheck::Kind::Extends:
            // A term of it is already a class: the person's class stays as it is (no synonyms merged into it).
            ++r.present;
            break;
        case ClassListModel::NameCheck::Kind::Invalid:
            r.refused << QStringLiteral("%1: %2").arg(name, check.message);
            break;
        }
    }
    QString text = r.added > 0 ? tr("Added %1 of the model's %2 classes (%3 already in the list)")
                                     .arg(r.added)
                                     .arg(names.size())
                                     .arg(r.present)
                               : tr("All %1 of the model's classes are already in the list").arg(r.present);
    if (r.added == 0 && !r.refused.isEmpty())
        text = tr("No class added");
    if (!r.refused.isEmpty())
        text += tr("; not added: %1").arg(r.refused.join(QStringLiteral("; ")));
    Q_EMIT message(text, 8000);
    return r;
}

} // namespace zm::ui
