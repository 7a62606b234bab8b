// ExportActions implementation.
#include "ui/export/exportactions.h"

#include "ui/document/imagedocument.h"
#include "ui/export/exportdialog.h"
#include "ui/export/statisticsdialog.h"
#include "ui/export/taskprogress.h"

#include "core/io/project.h"

#include <QAction>
#include <QFileDialog>
#include <QMessageBox>
#include <QWidget>

namespace zm::ui {

ExportActions::ExportActions(ContextProvider provider, QWidget* parent)
    : QObject(parent), mProvider(std::move(provider)), mHost(parent)
{
    mExport = new QAction(tr("&Export labels..."), this);
    mExport->setObjectName(QStringLiteral("ExportLabelsAction"));
    mExport->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    mImportImage = new QAction(tr("&Import labels for this image..."), this);
    mImportImage->setObjectName(QStringLiteral("ImportImageLabelsAction"));
    mImportProject = new QAction(tr("Import labels for &all images..."), this);
    mImportProject->setObjectName(QStringLiteral("ImportProjectLabelsAction"));
    mStats = new QAction(tr("&Statistics..."), this);
    mStats->setObjectName(QStringLiteral("StatisticsAction"));
    mActions = {mExport, mImportImage, mImportProject, mStats};

    connect(mExport, &QAction::triggered, this, [this] {
        ExportDialog dlg(mProvider(), mHost);
        if (dlg.exec() == QDialog::Accepted) {
            Q_EMIT message(tr("Exported %n image(s)", "", dlg.exportedImages()));
            QStringList keys;
            for (const std::string& k : dlg.exportedKeys())
                keys << QString::fromStdString(k);
            Q_EMIT exported(keys);
        }
    });
    connect(mStats, &QAction::triggered, this, [this] {
        StatisticsDialog dlg(mProvider(), mHost);
        dlg.exec();
    });
    connect(mImportImage, &QAction::triggered, this, [this] {
        const QString f = QFileDialog::getOpenFileName(mHost, tr("Import labels for this image"), {},
                                                       tr("Label images or COCO (*.png *.json)"));
        QString error;
        if (!f.isEmpty() && !importForCurrentImage(f, &error))
            QMessageBox::warning(mHost, tr("Import"), error);
    });
    connect(mImportProject, &QAction::triggered, this, [this] {
        const QString d = QFileDialog::getExistingDirectory(mHost, tr("Folder of label PNGs or an export folder"));
        QString error;
        if (!d.isEmpty() && !importForProject(d, &error))
            QMessageBox::warning(mHost, tr("Import"), error);
    });
}

bool ExportActions::importForCurrentImage(const QString& file, QString* error)
{
    const EditContext ctx = mProvider();
    if (!ctx.current || !ctx.current->hasLabels()) {
        if (error)
            *error = tr("Open an image first.");
        return false;
    }
    try {
        const std::size_t n = importIntoDocument(*ctx.current, file.toStdString(), ctx.classes);
        Q_EMIT message(tr("Imported %1: %2 pixels changed").arg(file).arg(qulonglong(n)));
        return true;
    } catch (const std::exception& e) {
        if (error)
            *error = QString::fromStdString(e.what());
        return false;
    }
}

bool ExportActions::importForProject(const QString& source, QString* error)
{
    const EditContext ctx = mProvider();
    auto fail = [error](const QString& m) {
        if (error)
            *error = m;
        return false;
    };
    if (!ctx.project)
        return fail(tr("No project is open."));
    if (ctx.saveAll) {
        QString err;
        if (!ctx.saveAll(&err))
            return fail(tr("Could not save the open images before importing: %1").arg(err));
    }
    try {
        // Import reads small label files: on the GUI thread, with the progress in the status bar.
        TaskProgress progress;
        connect(&progress, &TaskProgress::progressed, this,
                [this](int, const QString& m) { Q_EMIT message(tr("Importing %1").arg(m)); });
        const zm::ImportSummary s = importIntoProject(*ctx.project, source.toStdString(), ctx.documentFor, progress);
        Q_EMIT message(tr("Imported labels for %n image(s)", "", s.imported) +
                       (s.missing.empty() ? QString() : tr("; %n without labels", "", int(s.missing.size()))));
        return true;
    } catch (const std::exception& e) {
        return fail(QString::fromStdString(e.what()));
    }
}

} // namespace zm::ui
