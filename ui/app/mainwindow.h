// The main window: image list (left), canvas (centre), classes and charts (right), status bar with
// the device, the model, the last encode/score times and a progress indicator. It wires parts that each
// do one job: DocumentManager (documents, undo, reading images, the memory bound), ImageListModel (the
// list and each image's status), ProjectSession (the project and its class table), ModelLoader (model and
// vectors, off the GUI thread), ModelClasses (the model's classes as a first class list), StatusLine (the
// status bar) and SegmentationController (the model's work for the current image).
#pragma once
#include "ui/app/imagelistmodel.h"

#include <QHash>
#include <QIcon>
#include <QImage>
#include <QMainWindow>
#include <QPointer>
#include <QStringList>

#include <functional>
#include <memory>

class QAction;
class QActionGroup;
class QListView;
class QMenu;
class QSlider;
class QToolBar;
class QUndoGroup;

namespace zm {
class ClassEmbedder;
class Project;
struct Image;
} // namespace zm

namespace zm::ui {

class Backend;
class Autosaver;
class CanvasView;
class DocumentManager;
class EdgeRefiner;
class ExportActions;
struct EditContext;
class ChartsPanel;
class ClassListModel;
class ClassesPanel;
class ImageDocument;
class ModelClasses;
class ModelLoader;
class ProjectSession;
class SegmentationController;
class StatusLine;
class ThumbnailCache;
class Tool;
class ToolBox;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    /// Per-image state shown in the image list.
    using ImageStatus = ImageListModel::Status;

    /// `loadDefaults`: load the model and vectors from the settings (or the defaults) on start.
    explicit MainWindow(QWidget* parent = nullptr, bool loadDefaults = false);
    ~MainWindow() override;

    /// Opens files and folders (folders contribute their images, in natural order).
    void openPaths(const QStringList& paths);
    int imageCount() const;
    int currentIndex() const;
    QString currentPath() const;
    /// Shows an image: the file is read in a worker, then encoded and scored in workers.
    void showImage(int index);
    ImageStatus imageStatus(int index) const;
    /// Sets an image's status. Exported is also recorded in the project (it survives restarts) and is
    /// what a GUI export sets; an edit after it makes the image Edited again and drops the mark.
    void setImageStatus(const QString& path, ImageStatus status);
    /// Why an image could not be read (empty when it could).
    QString imageProblem(int index) const;

    /// The current image's document (nullptr while none is loaded).
    ImageDocument* currentDocument() const;
    /// The open document of an image (nullptr when none: never shown, or closed to save memory).
    ImageDocument* documentFor(const QString& path) const;

    /// Model and vectors, read in a worker (ModelLoader); problems are shown in the classes panel, never
    /// thrown. An empty path explains that none was found.
    void loadModel(const QString& path);
    void loadVectors(const QString& path);
    void loadAsync(const QString& model, const QString& vectors);
    void setBackend(std::shared_ptr<const Backend> backend, const QString& path = {});
    void setEmbedder(std::shared_ptr<const zm::ClassEmbedder> embedder, const QString& path = {});
    /// Why the model / the vectors are not loaded (empty when they are, or nothing was asked).
    QString modelProblem() const { return mModelProblem; }
    QString vectorsProblem() const { return mVectorsProblem; }

    /// Editing hook (see docs/GUI.md): adds a toolbar with these actions and a menu "Tools".
    QToolBar* addToolActions(const QString& title, const QList<QAction*>& actions);
    /// The canvas forwards mouse events to this tool (nullptr = navigation).
    void setActiveTool(Tool* tool);

    CanvasView* canvas() const { return mCanvas; }
    ClassesPanel* classesPanel() const { return mClassesPanel; }
    ClassListModel* classes() const { return mClasses; }
    SegmentationController* controller() const { return mController; }
    ChartsPanel* charts() const { return mCharts; }
    QListView* imageList() const { return mImageList; }
    ImageListModel* images() const { return mImages; }
    DocumentManager* documents() const { return mDocuments; }
    ModelLoader* modelLoader() const { return mModelLoader; }
    /// The model's classes: the first-start fill and "Add the model's classes".
    ModelClasses* modelClasses() const { return mModelClasses; }
    ProjectSession* projectSession() const { return mSession; }
    QUndoGroup* undoGroup() const;
    ToolBox* toolBox() const { return mToolBox; }
    /// Edit > Refine edges (Ctrl+R): the current image's masks snapped to the photo's edges, one undo step.
    EdgeRefiner* edgeRefiner() const { return mRefiner; }

    /// How the overlay draws confirmed vs predicted pixels (View menu, K cycles; persisted).
    int confirmedStyle() const;
    void setConfirmedStyle(int style); ///< an OverlayRenderer::ConfirmedStyle value

    /// Writes / reads window geometry, last folder, display options, model, vectors and classes.
    void saveSettings() const;
    void restoreSettings();
    /// Ctrl+S: writes the class list and every edited image's labels into the project
    /// (<image folder>/zeromask-project, zm::Project). False with the message in `error`.
    bool saveProject(QString* error = nullptr);
    /// The open project (nullptr when none could be opened: autosave is off).
    zm::Project* project() const;
    /// True when the project lives in the per-user folder because the images' folder is not writable
    /// (see ui/app/projectlocation.h); the status bar says so.
    bool projectIsFallback() const;
    /// Tests: replaces the "can this folder be written" check used when a project is opened.
    void setWritableCheck(std::function<bool(const QString&)> check);
    /// Thumbnails of the image list (made in a worker, cached).
    ThumbnailCache* thumbnails() const { return mThumbnails; }
    Autosaver* autosaver() const { return mAutosaver; }
    /// What the export/import/statistics actions work on.
    EditContext editContext() const;
    /// Tests: what closing asks when the class list cannot be saved (default: a message box). True closes.
    void setCloseQuestion(std::function<bool(const QString& problem)> ask) { mCloseQuestion = std::move(ask); }

Q_SIGNALS:
    /// The current document changed (nullptr when none): editing tools attach to it.
    void documentChanged(zm::ui::ImageDocument* document);
    /// Ctrl+S after the classes were saved: exporters/autosavers hook here.
    void saveRequested();
    /// The image list changed (opened files or folder).
    void imagesOpened(const QStringList& paths);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void createActions();
    void openFilesDialog();
    void openFolderDialog();
    void chooseModelDialog();
    void openTrainingLog();
    void about();
    void next(int delta);
    void documentLoaded(ImageDocument* doc, const QImage& display, std::shared_ptr<const zm::Image> pixels);
    void activateDocument(ImageDocument* doc, std::shared_ptr<const zm::Image> pixels = nullptr);
    void statusFromProject();
    void projectOpened(zm::Project* project);
    void markExported(const QStringList& keys);
    void updateModelStatus();
    void updateNotice();
    void updatePrefetch();
    ImageDocument* documentForKey(const std::string& key) const;
    void showMessage(const QString& text, int milliseconds);

    QListView* mImageList = nullptr;
    ImageListModel* mImages = nullptr;
    CanvasView* mCanvas = nullptr;
    ClassListModel* mClasses = nullptr;
    SegmentationController* mController = nullptr;
    ClassesPanel* mClassesPanel = nullptr;
    ChartsPanel* mCharts = nullptr;
    ToolBox* mToolBox = nullptr;
    EdgeRefiner* mRefiner = nullptr;
    Autosaver* mAutosaver = nullptr;
    DocumentManager* mDocuments = nullptr;
    ProjectSession* mSession = nullptr;
    ModelLoader* mModelLoader = nullptr;
    ModelClasses* mModelClasses = nullptr;
    QAction* mAddModelClasses = nullptr; ///< Model > Add the model's classes
    ExportActions* mExportActions = nullptr;
    ThumbnailCache* mThumbnails = nullptr;
    QMenu* mToolsMenu = nullptr;
    StatusLine* mStatus = nullptr;
    QSlider* mOpacity = nullptr;
    QAction* mThumbnailsAction = nullptr;
    QAction* mOutlineAction = nullptr;
    QActionGroup* mConfirmedStyles = nullptr; ///< alike / predicted lighter / confirmed only
    QAction* mConfirmedCycle = nullptr;       ///< K: the next of the three

    int mCurrent = -1;
    QString mModelPath, mVectorsPath;
    QString mModelProblem, mVectorsProblem;
    QString mClassesWarned; ///< the class-list problem last shown in a dialog (shown once each)
    double mLastEncodeMs = -1, mLastScoreMs = -1;
    std::function<bool(const QString&)> mCloseQuestion;
};

} // namespace zm::ui
