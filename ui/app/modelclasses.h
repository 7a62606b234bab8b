// ModelClasses: the classes a model's card names (those it was trained on, then those held out) as a
// starting class list. On a first start, when the person has never set a class list and no project
// class table says what the labels mean, a loaded model fills the empty list with them, so masks appear
// without typing. "Add the model's classes" (Model menu) adds those not yet in the list. Whether the
// person has ever set the list is remembered in the settings (kEditedKey): a list deliberately emptied is
// never refilled.
#pragma once
#include <QObject>
#include <QString>
#include <QStringList>

namespace zm::ui {

class Backend;
class ClassListModel;
class ProjectSession;
class SegmentationController;

class ModelClasses : public QObject {
    Q_OBJECT
public:
    /// Settings key: true once the class list was set or changed by anything but fillOnFirstStart().
    static constexpr const char* kEditedKey = "classes/edited";

    ModelClasses(ClassListModel* classes, SegmentationController* controller, ProjectSession* session,
                 QObject* parent = nullptr);

    /// The model's class names: seen then unseen, each in the card's order, "background" first when the
    /// card has it; empty names and repeats (ignoring case) left out. Empty without a model.
    static QStringList namesOf(const Backend* backend);

    /// True once the class list has been set or edited (in this or an earlier session).
    bool listWasSet() const { return mEdited; }

    /// A model was loaded: when the list is empty, was never set and the open project has no class table,
    /// fills it with the model's classes (embedded and scored as typed ones) and says so. Returns how many
    /// classes were added (0 when nothing was done).
    int fillOnFirstStart();

    struct Result {
        int added = 0;       ///< new classes
        int present = 0;     ///< names already in the list (a class's name or synonym)
        QStringList refused; ///< "name: reason"
    };
    /// Adds the model's classes that are not in the list yet (a name that is already a class or one of its
    /// synonyms is skipped, as when typed: ClassListModel::checkName) and says how many were added.
    Result addMissing();

Q_SIGNALS:
    /// For the status bar.
    void message(const QString& text, int milliseconds);

private:
    void markEdited();

    ClassListModel* mClasses;
    SegmentationController* mController;
    ProjectSession* mSession;
    bool mEdited = false;
    bool mFilling = false; ///< changes made by fillOnFirstStart() are not the person's
};

} // namespace zm::ui
