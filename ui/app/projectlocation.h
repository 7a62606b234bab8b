// Where the project (zm::Project) for a folder of images lives. Beside the images
// (<images>/zeromask-project) when that can be written; otherwise (installed read-only samples, a
// read-only share, a DVD) a per-user folder: QStandardPaths::AppDataLocation/projects/<name>-<hash>,
// where <hash> is a stable hash of the images folder's absolute path, so the same folder always finds
// its work again. A read-only project beside the images is copied there the first time (its classes
// and labels are the starting point; all or nothing), and work already in the per-user folder is never
// abandoned: once it holds labels (saved or autosaved) it stays in use even when the images' folder
// becomes writable again, whether or not that folder has a project of its own (the status bar says so).
#pragma once
#include <QString>

#include <filesystem>
#include <functional>
#include <string>

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

/// Copies a read-only project's work (class table, saved and autosaved labels, export marks) into
/// `to`, which must not be a project yet; project.json and the session lock are not copied (the new
/// project gets its own, pointing at the images by absolute path). All or nothing: the copy is made in
/// a sibling folder (`to`.partial) and renamed into place only when every file was copied, so an
/// interrupted or failed copy never leaves truncated labels behind; files are overwritten, never
/// skipped. False + `error` on failure, with nothing left at `to` or beside it.
bool seedFrom(const std::filesystem::path& from, const std::filesystem::path& to, std::string* error = nullptr);

/// Decides where the project of `imagesDir` lives (see above). Creates nothing except, when falling
/// back for the first time from a read-only project, the per-user copy of it.
ProjectLocation locateProject(const QString& imagesDir, const WritableCheck& writable = canWriteInto);

} // namespace zm::ui
