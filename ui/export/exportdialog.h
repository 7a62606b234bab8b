// ExportDialog: export the current image (as it is in memory) or every annotated image of the project
// in the chosen formats, into a chosen folder; the whole-project export runs in a worker with a
// cancellable progress bar. Errors (unwritable folder, unknown ids) are shown, never thrown.
#pragma once
#include "ui/export/editcontext.h"

#include <QDialog>

#include <string>
#include <vector>

class QCheckBox;
class QComboBox;
class QLineEdit;
class QRadioButton;

namespace zm::ui {

class ExportDialog : public QDialog {
    Q_OBJECT
public:
    explicit ExportDialog(EditContext context, QWidget* parent = nullptr);

    void setOutputFolder(const QString& folder);
    void setWholeProject(bool whole);
    zm::ExportOptions options() const;

    /// Runs the export with the current choices. Returns false with the message in `error`.
    bool runExport(QString* error);
    /// Images written by the last run.
    int exportedImages() const { return mExported; }
    /// Their keys (image file names): what the main window marks "exported".
    const std::vector<std::string>& exportedKeys() const { return mExportedKeys; }

    void accept() override;

private:
    EditContext mContext;
    QRadioButton* mCurrent;
    QRadioButton* mProject;
    QCheckBox* mVoc;
    QCheckBox* mId;
    QCheckBox* mCoco;
    QCheckBox* mPreview;
    QComboBox* mPalette;
    QLineEdit* mFolder;
    int mExported = 0;
    std::vector<std::string> mExportedKeys;
};

} // namespace zm::ui
