// Project store: folder layout, atomic per-image saves, autosaves, session lock and recovery.
#include "core/io/project.h"

#include "core/common/error.h"
#include "core/common/files.h"
#include "core/common/json.h"
#include "core/io/annotationfile.h"
#include "core/io/image_io.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <ctime>
#include <unistd.h>

namespace zm {

namespace fs = std::filesystem;

namespace {

constexpr const char* kProjectFile = "project.json";
constexpr const char* kLabelMapFile = "labelmap.json";
constexpr const char* kLockFile = "session.lock";
constexpr const char* kExportedFile = "exported.json";
constexpr const char* kExt = ".zma";

void requireKey(const std::string& key)
{
    if (key.empty() || key == "." || key == ".." || key.find('/') != std::string::npos || key.find('\0') != std::string::npos)
        throw Error("\"" + key + "\" is not an image file name");
}

std::string hostName()
{
    char buf[256] = {};
    if (gethostname(buf, sizeof buf - 1) != 0)
        return {};
    return buf;
}

bool processAlive(int pid)
{
    if (pid <= 0)
        return false;
    return ::kill(pid, 0) == 0 || errno == EPERM;
}

std::string nowIso()
{
    std::time_t t = std::time(nullptr);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
    return buf;
}

// Leftovers of writes that a crash interrupted: never valid data, safe to delete.
void removeTempFiles(const fs::path& dir)
{
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        return;
    for (const auto& e : fs::directory_iterator(dir, ec))
        if (e.path().filename().string().find(".tmp-") != std::string::npos)
            fs::remove(e.path(), ec);
}

std::vector<std::string> keysIn(const fs::path& dir)
{
    std::vector<std::string> keys;
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        return keys;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        const std::string name = e.path().filename().string();
        if (e.is_regular_file() && name.size() > 4 && name.compare(name.size() - 4, 4, kExt) == 0)
            keys.push_back(name.substr(0, name.size() - 4));
    }
    std::sort(keys.begin(), keys.end(), naturalLess);
    return keys;
}

} // namespace

fs::path Project::defaultFolder(const fs::path& imagesDir) { return imagesDir / kDefaultFolderName; }

bool Project::exists(const fs::path& folder)
{
    std::error_code ec;
    return fs::is_regular_file(folder / kProjectFile, ec);
}

std::unique_ptr<Project> Project::open(const fs::path& folder)
{
    if (!exists(folder))
        throw fileError(folder.string(), "not a ZeroMask project (no project.json)");
    const Json j = loadJsonFile(folder / kProjectFile);
    if (!j.is_object() || j.value("format", std::string()) != kFormat)
        throw fileError((folder / kProjectFile).string(), "not a ZeroMask project file");
    if (j.value("version", 0) > kVersion)
        throw fileError((folder / kProjectFile).string(), "project version " + std::to_string(j.value("version", 0)) +
                                                              " is newer than this ZeroMask reads; update ZeroMask");
    std::unique_ptr<Project> p(new Project);
    p->mFolder = folder;
    const fs::path images = j.value("images_dir", std::string(".."));
    p->mImagesDir = (images.is_absolute() ? images : (folder / images)).lexically_normal();
    if (fs::exists(folder / kLabelMapFile))
        p->mClasses = ClassTable::load(folder / kLabelMapFile);
    if (fs::exists(folder / kExportedFile)) {
        // Only a status hint: a damaged file costs the marks, not the project.
        try {
            const Json e = loadJsonFile(folder / kExportedFile);
            if (e.is_object() && e.contains("images") && e["images"].is_object())
                for (const auto& [key, when] : e["images"].items())
                    p->mExported[key] = when.is_string() ? when.get<std::string>() : std::string();
        } catch (const Error&) {
        }
    }
    p->takeLock();
    return p;
}

std::unique_ptr<Project> Project::openOrCreate(const fs::path& folder, const fs::path& imagesDir)
{
    if (exists(folder))
        return open(folder);
    std::error_code ec;
    fs::create_directories(folder, ec);
    if (ec)
        throw fileError(folder.string(), "cannot create the project folder: " + ec.message());
    // Relative when possible, so the images and their project can move together.
    const fs::path absImages = fs::absolute(imagesDir).lexically_normal();
    const fs::path rel = absImages.lexically_relative(fs::absolute(folder).lexically_normal());
    Json j = {{"format", kFormat}, {"version", kVersion}, {"created", nowIso()},
              {"images_dir", rel.empty() ? absImages.string() : rel.string()}};
    saveJsonFile(folder / kProjectFile, j);
    return open(folder);
}

void Project::takeLock()
{
    const fs::path lock = mFolder / kLockFile;
    std::error_code ec;
    if (fs::exists(lock, ec)) {
        int pid = 0;
        std::string host;
        try {
            const Json j = loadJsonFile(lock);
            pid = j.value("pid", 0);
            host = j.value("host", std::string());
        } catch (const Error&) {
            // A lock torn by a crash: the session it belonged to is gone.
        }
        if (pid != int(getpid()) && host == hostName() && processAlive(pid)) {
            mLockedBy = pid;
            return; // leave the other session's lock and temporary files alone
        }
        mPreviousCrashed = pid != int(getpid());
    }
    removeTempFiles(mFolder);
    removeTempFiles(mFolder / "annotations");
    removeTempFiles(mFolder / "autosave");
    try {
        saveJsonFile(lock, {{"pid", int(getpid())}, {"host", hostName()}, {"started", nowIso()}});
        mOwnsLock = true;
    } catch (const Error&) {
        // Read-only project: it can still be opened and read; saving will report the problem.
    }
}

Project::~Project()
{
    if (mOwnsLock) {
        std::error_code ec;
        fs::remove(mFolder / kLockFile, ec);
    }
}

std::vector<fs::path> Project::images() const
{
    std::error_code ec;
    if (!fs::is_directory(mImagesDir, ec))
        return {};
    return listImages(mImagesDir);
}

ClassTable Project::classes() const
{
    std::lock_guard<std::mutex> g(mMutex);
    return mClasses;
}

void Project::setClasses(const ClassTable& table)
{
    std::lock_guard<std::mutex> g(mMutex);
    table.save(mFolder / kLabelMapFile);
    mClasses = table;
}

fs::path Project::annotationPath(const std::string& key) const
{
    requireKey(key);
    return mFolder / "annotations" / (key + kExt);
}

fs::path Project::autosavePath(const std::string& key) const
{
    requireKey(key);
    return mFolder / "autosave" / (key + kExt);
}

bool Project::hasAnnotation(const std::string& key) const
{
    std::error_code ec;
    return fs::is_regular_file(annotationPath(key), ec);
}

AnnotationState Project::load(const std::string& key) const
{
    const fs::path p = annotationPath(key);
    std::lock_guard<std::mutex> g(mMutex);
    std::error_code ec;
    if (!fs::exists(p, ec))
        return {};
    return loadAnnotation(p);
}

void Project::save(const std::string& key, const AnnotationState& state)
{
    const fs::path p = annotationPath(key);
    const std::string bytes = encodeAnnotation(state); // outside the lock: compression takes time
    std::lock_guard<std::mutex> g(mMutex);
    writeFileAtomic(p, bytes);
    std::error_code ec;
    fs::remove(autosavePath(key), ec);
}

void Project::autosave(const std::string& key, const AnnotationState& state)
{
    const fs::path p = autosavePath(key);
    const std::string bytes = encodeAnnotation(state);
    std::lock_guard<std::mutex> g(mMutex);
    writeFileAtomic(p, bytes);
}

bool Project::hasAutosave(const std::string& key) const
{
    std::error_code ec;
    return fs::is_regular_file(autosavePath(key), ec);
}

AnnotationState Project::loadAutosave(const std::string& key) const
{
    const fs::path p = autosavePath(key);
    std::lock_guard<std::mutex> g(mMutex);
    return loadAnnotation(p);
}

void Project::discardAutosave(const std::string& key)
{
    const fs::path p = autosavePath(key);
    std::lock_guard<std::mutex> g(mMutex);
    std::error_code ec;
    fs::remove(p, ec);
}

std::vector<std::string> Project::recoverable() const
{
    std::lock_guard<std::mutex> g(mMutex);
    return keysIn(mFolder / "autosave");
}

AnnotationState Project::recover(const std::string& key)
{
    AnnotationState s = loadAutosave(key);
    save(key, s);
    return s;
}

std::vector<std::string> Project::annotated() const
{
    std::lock_guard<std::mutex> g(mMutex);
    return keysIn(mFolder / "annotations");
}

void Project::writeExported(const std::map<std::string, std::string>& marks) const
{
    Json images = Json::object();
    for (const auto& [key, when] : marks)
        images[key] = when;
    saveJsonFile(mFolder / kExportedFile, Json{{"format", "zeromask-exported"}, {"version", 1}, {"images", images}});
}

void Project::markExported(const std::vector<std::string>& keys)
{
    for (const auto& k : keys)
        requireKey(k);
    std::lock_guard<std::mutex> g(mMutex);
    auto marks = mExported;
    const std::string now = nowIso();
    for (const auto& k : keys)
        marks[k] = now;
    writeExported(marks);
    mExported = std::move(marks);
}

void Project::clearExported(const std::string& key)
{
    std::lock_guard<std::mutex> g(mMutex);
    auto it = mExported.find(key);
    if (it == mExported.end())
        return;
    auto marks = mExported;
    marks.erase(key);
    writeExported(marks);
    mExported = std::move(marks);
}

bool Project::isExported(const std::string& key) const
{
    std::lock_guard<std::mutex> g(mMutex);
    return mExported.count(key) > 0;
}

std::vector<std::string> Project::exported() const
{
    std::lock_guard<std::mutex> g(mMutex);
    std::vector<std::string> keys;
    for (const auto& [key, when] : mExported)
        keys.push_back(key);
    std::sort(keys.begin(), keys.end(), naturalLess);
    return keys;
}

void Project::remapEverywhere(const std::map<std::uint16_t, std::uint16_t>& mapping, Progress& progress)
{
    const auto saved = annotated();
    const auto autosaved = recoverable();
    const std::size_t total = saved.size() + autosaved.size();
    std::size_t done = 0;
    for (const auto& key : saved) {
        checkCancelled(progress);
        progress.update(double(done++) / double(total ? total : 1), key);
        const AnnotationState s = load(key);
        writeFileAtomic(annotationPath(key), encodeAnnotation(remapIds(s, mapping)));
    }
    for (const auto& key : autosaved) {
        checkCancelled(progress);
        progress.update(double(done++) / double(total ? total : 1), key);
        autosave(key, remapIds(loadAutosave(key), mapping));
    }
    progress.update(1.0, "done");
}

void Project::mergeClasses(std::uint16_t from, std::uint16_t into, Progress& progress)
{
    ClassTable table = classes();
    const std::string fromName = table.at(from).name;
    table.at(into);
    if (from == into)
        throw Error("cannot merge class \"" + fromName + "\" into itself");
    remapEverywhere({{from, into}}, progress);
    table.remove(from);
    setClasses(table);
}

void Project::deleteClass(std::uint16_t id, Progress& progress)
{
    ClassTable table = classes();
    table.at(id);
    remapEverywhere({{id, LabelMap::kVoid}}, progress);
    table.remove(id);
    setClasses(table);
}

} // namespace zm
