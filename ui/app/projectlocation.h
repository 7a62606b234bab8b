// Where the project (zm::Project) for a folder of images lives. Beside the images
// (<images>/zeromask-project) when that can be written; otherwise (installed read-only samples, a
// read-only share, a DVD) a per-user folder: QStandardPaths::AppDataLocation/projects/<name>-<hash>,
// where <hash> is a stable hash of the images folder's absolute path, so the same folder always finds
// its work again. A read-only project beside the images is copied there the first time (its classes
// and labels are the starting point), and work already in the per-user folder is never abandoned.
#pragma once
#include <QString>

#include <filesystem>
#include <functional>

namespace zm::ui {

struct ProjectLocation {
    std::filesystem::path folder; ///< the project folder to open or create
    bool fallback = false;        ///< true: the per-user folder, not the one beside the images
    QString reason;               ///< why (for the status bar); empty when beside the images
};

/// Whether files can be created in `folder` (an existing folder). The default really tries (a
/// temporary file), which is the only honest test: permissions, read-only mounts, ACLs, root.
using WritableCheck = std::function<bool(const QString& folder)>;
bool canWriteInto(const QString& folder);

/// The per-user project folder for `imagesDir` (not created).
std::filesystem::path fallbackProjectFolder(const QString& imagesDir);

/// Decides where the project of `imagesDir` lives (see above). Creates nothing except, when falling
/// back for the first time from a read-only project, the per-user copy of it.
ProjectLocation locateProject(const QString& imagesDir, const WritableCheck& writable = canWriteInto);

} // namespace zm::ui
