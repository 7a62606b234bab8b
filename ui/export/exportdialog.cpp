// ExportDialog implementation.
#include "ui/export/exportdialog.h"

#include "ui/document/imagedocument.h"
#include "ui/export/taskprogress.h"

#include "core/io/project.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QEventLoop>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QMessageBox>
#include <QProgressDialog>
#include <QPushButton>
#include <QRadioButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace zm::ui {

ExportDialog::ExportDialog(EditContext context, QWidget* parent) : QDialog(parent), mContext(std::move(context))
{
    setWindowTitle(tr("Export labels"));
    mCurrent = new QRadioButton(tr("This image"), this);
    mCurrent->setObjectName(QStringLiteral("ExportCurrent"));
    mProject = new QRadioButton(tr("All annotated images of the project"), this);
    mProject->setObjectName(QStringLiteral("ExportProject"));
    mCurrent->setEnabled(mContext.current && mContext.current->hasLabels());
    mProject->setEnabled(mContext.project != nullptr);
    (mCurrent->isEnabled() ? mCurrent : mProject)->setChecked(true);

    mVoc = new QCheckBox(tr("VOC palette PNG (255 = void) + class_names.txt"), this);
    mVoc->setChecked(true);
    mId = new QCheckBox(tr("Id PNG (grey, 16-bit beyond 255 classes)"), this);
    mCoco = new QCheckBox(tr("COCO JSON with RLE masks"), this);
    mPreview = new QCheckBox(tr("Coloured preview over the photo"), this);
    mPalette = new QComboBox(this);
    mPalette->addItem(tr("VOC colours"), int(zm::PaletteKind::Voc));
    mPalette->addItem(tr("Class colours"), int(zm::PaletteKind::Project));

    mFolder = new QLineEdit(this);
    mFolder->setObjectName(QStringLiteral("ExportFolder"));
    if (mContext.project)
        mFolder->setText(QString::fromStdString((mContext.project->folder() / "export").string()));
    auto* browse = new QPushButton(tr("Browse..."), this);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString d = QFileDialog::getExistingDirectory(this, tr("Export into"), mFolder->text());
        if (!d.isEmpty())
            mFolder->setText(d);
    });
    auto* folderRow = new QHBoxLayout;
    folderRow->addWidget(mFolder, 1);
    folderRow->addWidget(browse);

    auto* form = new QFormLayout;
    auto* scope = new QVBoxLayout;
    scope->addWidget(mCurrent);
    scope->addWidget(mProject);
    form->addRow(tr("Export"), scope);
    auto* formats = new QVBoxLayout;
    for (QCheckBox* c : {mVoc, mId, mCoco, mPreview})
        formats->addWidget(c);
    form->addRow(tr("Formats"), formats);
    form->addRow(tr("Palette"), mPalette);
    form->addRow(tr("Folder"), folderRow);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Export"));
    connect(buttons, &QDialogButtonBox::accepted, this, &ExportDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &ExportDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);
}

void ExportDialog::setOutputFolder(const QString& folder) { mFolder->setText(folder); }

void ExportDialog::setWholeProject(bool whole) { (whole ? mProject : mCurrent)->setChecked(true); }

zm::ExportOptions ExportDialog::options() const
{
    zm::ExportOptions o;
    o.formats.clear();
    if (mVoc->isChecked())
        o.formats.push_back(zm::ExportFormat::Voc);
    if (mId->isChecked())
        o.formats.push_back(zm::ExportFormat::Id);
    if (mCoco->isChecked())
        o.formats.push_back(zm::ExportFormat::Coco);
    if (mPreview->isChecked())
        o.formats.push_back(zm::ExportFormat::Preview);
    o.palette = zm::PaletteKind(mPalette->currentData().toInt());
    return o;
}

bool ExportDialog::runExport(QString* error)
{
    mExported = 0;
    mExportedKeys.clear();
    const zm::ExportOptions opt = options();
    const QString folder = mFolder->text().trimmed();
    auto fail = [error](const QString& m) {
        if (error)
            *error = m;
        return false;
    };
    if (opt.formats.empty())
        return fail(tr("Choose at least one format."));
    if (folder.isEmpty())
        return fail(tr("Choose a folder to export into."));
    const std::filesystem::path out = folder.toStdString();
    if (mCurrent->isChecked()) {
        if (!mContext.current)
            return fail(tr("No image is open."));
        try {
            exportDocument(out, *mContext.current, mContext.classes, opt);
        } catch (const std::exception& e) {
            return fail(QString::fromStdString(e.what()));
        }
        mExported = 1;
        mExportedKeys = {zm::Project::keyOf(mContext.current->path().toStdString())};
        return true;
    }
    if (!mContext.project)
        return fail(tr("No project is open."));
    // The project export reads saved annotations: save what is open first.
    if (mContext.saveAll) {
        QString err;
        if (!mContext.saveAll(&err))
            return fail(tr("Could not save the open images before exporting: %1").arg(err));
    }
    TaskProgress progress;
    QProgressDialog bar(tr("Exporting..."), tr("Cancel"), 0, 1000, this);
    bar.setWindowModality(Qt::WindowModal);
    bar.setMinimumDuration(300);
    connect(&progress, &TaskProgress::progressed, &bar, [&bar](int permille, const QString& msg) {
        bar.setValue(std::max(0, permille));
        bar.setLabelText(tr("Exporting %1").arg(msg));
    });
    connect(&bar, &QProgressDialog::canceled, &bar, [&progress] { progress.cancel(); });
    zm::Project* project = mContext.project;
    QFuture<QString> f = QtConcurrent::run([project, out, opt, &progress, this]() -> QString {
        try {
            mExported = zm::exportProject(*project, out, opt, progress).images;
            // What exportProject wrote: the project's images (files present now) with a saved
            // annotation. An annotation whose image file is gone was not exported and is not marked.
            // Listed here, in the worker, not on the GUI thread.
            mExportedKeys.clear();
            for (const auto& image : project->images())
                if (const std::string key = zm::Project::keyOf(image); project->hasAnnotation(key))
                    mExportedKeys.push_back(key);
            return {};
        } catch (const zm::Cancelled&) {
            return tr("Export cancelled.");
        } catch (const std::exception& e) {
            return QString::fromStdString(e.what());
        }
    });
    QFutureWatcher<QString> watcher;
    QEventLoop loop;
    connect(&watcher, &QFutureWatcher<QString>::finished, &loop, &QEventLoop::quit);
    watcher.setFuture(f);
    if (!f.isFinished())
        loop.exec();
    bar.reset();
    const QString result = f.result();
    if (!result.isEmpty())
        return fail(result);
    return true;
}

void ExportDialog::accept()
{
    QString error;
    if (!runExport(&error)) {
        QMessageBox::warning(this, tr("Export"), error);
        return;
    }
    QDialog::accept();
}

} // namespace zm::ui
