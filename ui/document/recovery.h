// Recovery of work a crash left in the project's autosave/ folder: a pure step that restores the
// autosaves into documents (testable), and the dialog the app shows on start to offer it.
#pragma once
#include <QString>
#include <QStringList>

#include <functional>
#include <string>
#include <vector>

class QWidget;

namespace zm {
class Project;
}

namespace zm::ui {

class ImageDocument;

struct RecoveryResult {
    QStringList recovered; ///< image keys whose autosave became the saved annotation
    QStringList failed;    ///< "key: message" for autosaves that could not be read or applied
};

/// Makes every autosave of the project its saved annotation (Project::recover) and, where
/// `documentFor(key)` returns an open document, loads the state into it. Damaged autosaves are
/// reported in `failed` and left in place.
RecoveryResult recoverAll(zm::Project& project, const std::function<ImageDocument*(const std::string& key)>& documentFor);

/// Drops every autosave (the person chose not to recover).
void discardAll(zm::Project& project);

/// On start: when the project holds autosaves, asks "Recover / Discard / Decide later" and does it.
/// Returns the result (empty when nothing was recovered). Never throws; problems are shown.
RecoveryResult offerRecovery(QWidget* parent, zm::Project& project,
                             const std::function<ImageDocument*(const std::string& key)>& documentFor);

} // namespace zm::ui
