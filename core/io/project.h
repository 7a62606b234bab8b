// Project: the folder where a person's work on a folder of images lives, beside the images
// (<images>/zeromask-project) or wherever they choose:
//   project.json          format, version, images folder
//   labelmap.json         the classes (ClassTable), written atomically on every change
//   annotations/<image>.zma   saved state per image (labels, confirmed flags, prediction)
//   autosave/<image>.zma      newer unsaved state, written by autosave() (the GUI debounces, ~1 s)
//   exported.json         images exported since their last change (file name -> time), for the GUI's status
//   session.lock          pid of the process that has the project open
// Every write is atomic (temporary file + fsync + rename), so a crash or kill -9 leaves either the old or
// the new file, never a torn one: at most the work since the last autosave is lost. Autosaves left at
// start are offered for recovery. A failed write (disk full, read-only folder) throws zm::Error and
// changes nothing in memory.
#pragma once
#include "core/common/progress.h"
#include "core/io/annotation.h"
#include "core/io/classtable.h"

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace zm {

class Project {
public:
    static constexpr const char* kDefaultFolderName = "zeromask-project";
    static constexpr const char* kFormat = "zeromask-project";
    static constexpr int kVersion = 1;

    /// <imagesDir>/zeromask-project
    static std::filesystem::path defaultFolder(const std::filesystem::path& imagesDir);
    /// Whether `folder` holds a project (project.json).
    static bool exists(const std::filesystem::path& folder);
    /// Opens a project; throws zm::Error naming the folder when it is not one or is damaged.
    static std::unique_ptr<Project> open(const std::filesystem::path& folder);
    /// Opens the project in `folder`, creating it for the images in `imagesDir` when there is none.
    static std::unique_ptr<Project> openOrCreate(const std::filesystem::path& folder, const std::filesystem::path& imagesDir);

    ~Project(); ///< releases the session lock (not the autosaves)
    Project(const Project&) = delete;
    Project& operator=(const Project&) = delete;

    const std::filesystem::path& folder() const { return mFolder; }
    const std::filesystem::path& imagesDir() const { return mImagesDir; }
    /// Image files of the images folder, natural order.
    std::vector<std::filesystem::path> images() const;
    /// The key of an image in the project: its file name.
    static std::string keyOf(const std::filesystem::path& image) { return image.filename().string(); }

    ClassTable classes() const;
    /// Replaces the class table and writes labelmap.json (atomically; on failure nothing changes).
    void setClasses(const ClassTable& table);

    bool hasAnnotation(const std::string& key) const;
    /// The saved state of an image; an empty state when there is none.
    AnnotationState load(const std::string& key) const;
    /// Saves an image's state and drops its autosave. Throws zm::Error on failure (the caller keeps the state).
    void save(const std::string& key, const AnnotationState& state);
    /// Writes an unsaved state to autosave/ (crash insurance; cheap enough to call every second).
    void autosave(const std::string& key, const AnnotationState& state);
    bool hasAutosave(const std::string& key) const;
    AnnotationState loadAutosave(const std::string& key) const;
    void discardAutosave(const std::string& key);
    /// Images whose autosave holds work that was never saved: what the next start offers to recover.
    std::vector<std::string> recoverable() const;
    /// Recovers one image: its autosave becomes the saved state; returns that state.
    AnnotationState recover(const std::string& key);

    /// Images with a saved annotation, natural order.
    std::vector<std::string> annotated() const;

    /// Records that these images' labels were exported now (exported.json, written atomically; throws
    /// zm::Error on failure and changes nothing). An edit after the export should call clearExported().
    void markExported(const std::vector<std::string>& keys);
    /// Forgets the export mark of an image (it changed since); no write when it had none.
    void clearExported(const std::string& key);
    bool isExported(const std::string& key) const;
    /// Images marked exported, natural order.
    std::vector<std::string> exported() const;

    /// Merges class `from` into `into` across the project: every saved and autosaved annotation
    /// relabels `from` as `into` (confirmed pixels stay confirmed), then `from` leaves the table.
    /// Each file is rewritten atomically and the table last, so an interruption leaves valid files.
    void mergeClasses(std::uint16_t from, std::uint16_t into, Progress& progress);
    /// Deletes a class across the project: its pixels become void and unconfirmed (the next prediction
    /// may fill them), then it leaves the table; its id is never reused.
    void deleteClass(std::uint16_t id, Progress& progress);

    /// True when the last session that opened this project did not close it (crash, kill, power loss).
    bool previousSessionCrashed() const { return mPreviousCrashed; }
    /// Non-zero when another running process on this machine has the project open (its pid).
    int lockedByPid() const { return mLockedBy; }

private:
    Project() = default;
    std::filesystem::path annotationPath(const std::string& key) const;
    std::filesystem::path autosavePath(const std::string& key) const;
    void takeLock();
    void writeExported(const std::map<std::string, std::string>& marks) const;
    void remapEverywhere(const std::map<std::uint16_t, std::uint16_t>& mapping, Progress& progress);

    std::filesystem::path mFolder, mImagesDir;
    ClassTable mClasses;
    std::map<std::string, std::string> mExported; ///< key -> ISO time of the export
    bool mPreviousCrashed = false;
    bool mOwnsLock = false;
    int mLockedBy = 0;
    mutable std::mutex mMutex;
};

} // namespace zm
