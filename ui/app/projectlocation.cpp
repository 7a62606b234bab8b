// Project location: beside the images when writable, else a per-user folder.
#include "ui/app/projectlocation.h"

#include "core/io/project.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryFile>

namespace zm::ui {

namespace fs = std::filesystem;

namespace {

QString absoluteDir(const QString& dir)
{
    const QFileInfo fi(dir);
    const QString canonical = fi.canonicalFilePath();
    return QDir::cleanPath(canonical.isEmpty() ? fi.absoluteFilePath() : canonical);
}

/// The type of `p`; not_found is an answer, not an error (std::filesystem sets `ec` for it).
fs::file_type typeOf(const fs::path& p, std::error_code& ec)
{
    const fs::file_status st = fs::status(p, ec);
    if (st.type() == fs::file_type::not_found)
        ec.clear();
    return st.type();
}

} // namespace

bool seedFrom(const fs::path& from, const fs::path& to, std::string* error)
{
    std::error_code ec;
    if (zm::Project::exists(to)) {
        if (error)
            *error = to.string() + " is a project already";
        return false;
    }
    const fs::path partial = to.parent_path() / (to.filename().string() + ".partial");
    auto fail = [&](const std::string& what, const std::error_code& code) {
        if (error)
            *error = what + ": " + code.message();
        std::error_code ignored;
        fs::remove_all(partial, ignored);
        return false;
    };
    fs::remove_all(partial, ec); // what an interrupted copy left
    if (ec)
        return fail(partial.string(), ec);
    if (!fs::create_directories(partial, ec) || ec)
        return fail(partial.string(), ec ? ec : std::make_error_code(std::errc::file_exists));
    for (const char* file : {"labelmap.json", "exported.json"}) {
        const bool present = typeOf(from / file, ec) == fs::file_type::regular;
        if (ec)
            return fail((from / file).string(), ec);
        if (present && !fs::copy_file(from / file, partial / file, fs::copy_options::overwrite_existing, ec))
            return fail((from / file).string(), ec ? ec : std::make_error_code(std::errc::io_error));
    }
    for (const char* sub : {"annotations", "autosave"}) {
        const bool present = typeOf(from / sub, ec) == fs::file_type::directory;
        if (ec)
            return fail((from / sub).string(), ec);
        if (!present)
            continue;
        fs::create_directories(partial / sub, ec);
        if (!ec)
            fs::copy(from / sub, partial / sub, fs::copy_options::recursive | fs::copy_options::overwrite_existing, ec);
        if (ec)
            return fail((from / sub).string(), ec);
    }
    // A folder at `to` that is not a project holds no work (the project is made right after a copy):
    // an earlier copy whose project was never created.
    if (typeOf(to, ec) != fs::file_type::not_found && !ec)
        fs::remove_all(to, ec);
    if (!ec)
        fs::rename(partial, to, ec);
    if (ec)
        return fail(to.string(), ec);
    return true;
}

namespace {

/// Whether a project folder holds people's work: saved or autosaved labels of at least one image.
bool holdsWork(const fs::path& project)
{
    for (const char* sub : {"annotations", "autosave"}) {
        std::error_code ec;
        for (fs::directory_iterator it(project / sub, ec), end; !ec && it != end; it.increment(ec))
            if (it->path().extension() == ".zma" && it->is_regular_file(ec))
                return true;
    }
    return false;
}

} // namespace

bool canWriteInto(const QString& folder)
{
    QTemporaryFile probe(QDir(folder).filePath(QStringLiteral(".zeromask-write-test-XXXXXX")));
    return probe.open(); // removed when it goes out of scope
}

fs::path fallbackProjectFolder(const QString& imagesDir)
{
    const QString abs = absoluteDir(imagesDir);
    const QByteArray hash = QCryptographicHash::hash(abs.toUtf8(), QCryptographicHash::Sha256).toHex().left(16);
    QString name = QFileInfo(abs).fileName();
    name.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9._-]")), QStringLiteral("_"));
    if (name.isEmpty())
        name = QStringLiteral("root");
    QString base = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    if (base.isEmpty())
        base = QDir::homePath() + QStringLiteral("/.local/share/ZeroMask");
    return fs::path((base + QStringLiteral("/projects/") + name + QLatin1Char('-') + QString::fromLatin1(hash)).toStdString());
}

ProjectLocation locateProject(const QString& imagesDir, const WritableCheck& writable)
{
    const QString abs = absoluteDir(imagesDir);
    const fs::path beside = zm::Project::defaultFolder(abs.toStdString());
    const fs::path perUser = fallbackProjectFolder(abs);
    const QString perUserText = QString::fromStdString(perUser.string());
    const bool besideExists = zm::Project::exists(beside);
    const bool perUserExists = zm::Project::exists(perUser);
    const QString probe = besideExists ? QString::fromStdString(beside.string()) : abs;
    if (writable(probe)) {
        // Work done while the folder was read-only is never abandoned: the per-user project stays in
        // use as long as it holds labels (saved or autosaved), even when the folder has a project of
        // its own again (e.g. the read-only one it was copied from). Without labels the folder's own
        // project (or a new one beside the images) is used.
        if (perUserExists && (!besideExists || holdsWork(perUser))) {
            const QString reason =
                besideExists
                    ? QCoreApplication::translate("ProjectLocation",
                                                  "Using your per-user project for %1 (made while the folder was "
                                                  "read-only; it holds your labels): %2. The project beside the "
                                                  "images, %3, is not used.")
                          .arg(abs, perUserText, QString::fromStdString(beside.string()))
                    : QCoreApplication::translate("ProjectLocation", "Using your per-user project for %1 (made while the "
                                                                     "folder was read-only): %2")
                          .arg(abs, perUserText);
            return {perUser, true, reason};
        }
        return {beside, false, {}};
    }
    QString reason = QCoreApplication::translate("ProjectLocation", "%1 cannot be written: your work is saved in %2")
                         .arg(probe, perUserText);
    if (besideExists && !perUserExists) {
        std::string error;
        if (!seedFrom(beside, perUser, &error))
            reason += QCoreApplication::translate("ProjectLocation",
                                                  " (the project beside the images could not be copied there, %1: "
                                                  "it starts empty)")
                          .arg(QString::fromStdString(error));
    }
    return {perUser, true, reason};
}

} // namespace zm::ui
