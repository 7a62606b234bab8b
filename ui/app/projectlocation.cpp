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

/// Copies a read-only project's work (class table, saved and autosaved labels, export marks) into
/// `to`; project.json and the session lock are not copied (the new project gets its own, pointing
/// at the images by absolute path).
void seedFrom(const fs::path& from, const fs::path& to)
{
    std::error_code ec;
    fs::create_directories(to, ec);
    for (const char* file : {"labelmap.json", "exported.json"})
        if (fs::is_regular_file(from / file, ec))
            fs::copy_file(from / file, to / file, fs::copy_options::skip_existing, ec);
    for (const char* sub : {"annotations", "autosave"})
        if (fs::is_directory(from / sub, ec)) {
            fs::create_directories(to / sub, ec);
            fs::copy(from / sub, to / sub, fs::copy_options::recursive | fs::copy_options::skip_existing, ec);
        }
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
    const bool besideExists = zm::Project::exists(beside);
    const QString probe = besideExists ? QString::fromStdString(beside.string()) : abs;
    if (writable(probe)) {
        // Work done while the folder was read-only stays where it is, unless the folder has its own
        // project now (then that one is the person's choice).
        if (!besideExists && zm::Project::exists(perUser))
            return {perUser, true,
                    QCoreApplication::translate("ProjectLocation", "Using your per-user project for %1 (made while the "
                                                                   "folder was read-only): %2")
                        .arg(abs, QString::fromStdString(perUser.string()))};
        return {beside, false, {}};
    }
    if (besideExists && !zm::Project::exists(perUser))
        seedFrom(beside, perUser);
    return {perUser, true,
            QCoreApplication::translate("ProjectLocation", "%1 cannot be written: your work is saved in %2")
                .arg(probe, QString::fromStdString(perUser.string()))};
}

} // namespace zm::ui
