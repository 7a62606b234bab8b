// The main window: image list (left), canvas (centre), classes and charts (right), status bar with
// the device, the model, the last encode/score times and a progress indicator. Owns one
// ImageDocument per visited image (their undo history survives switching images).
#pragma once
#include <QHash>
#include <QIcon>
#include <QImage>
#include <QSet>
#include <QMainWindow>
#include <QPointer>
#include <QStringList>

#include <functional>
#include <memory>

class QAction;
class QActionGroup;
class QLabel;
class QListWidget;
class QListWidgetItem;
class QMenu;
class QProgressBar;
class QSlider;
class QToolBar;
class QTimer;
class QUndoGroup;
template <typename T> class QFutureWatcher;

namespace zm {
class ClassEmbedder;
class ClassTable;
class Project;
struct Image;
}

namespace zm::ui {

class Backend;
class Autosaver;
class CanvasView;
class ExportActions;
struct EditContext;
class ChartsPanel;
class ClassListModel;
class ClassesPanel;
class ImageDocument;
class SegmentationController;
class ThumbnailCache;
class Tool;
class ToolBox;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    /// Per-image state shown in the image list.
    enum class ImageStatus { NotPredicted, Encoded, Predicted, Edited, Exported, Unreadable };

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
    ImageDocument* documentFor(const QString& path) const;

    /// Model and vectors. Errors are shown, never thrown: returns false with the message in `error`.
    bool loadModel(const QString& path, QString* error = nullptr);
    bool loadVectors(const QString& path, QString* error = nullptr);
    void setBackend(std::shared_ptr<const Backend> backend, const QString& path = {});
    void setEmbedder(std::shared_ptr<const zm::ClassEmbedder> embedder, const QString& path = {});
    /// Loads both in a worker and applies them when done (start-up: the window shows at once).
    void loadAsync(const QString& model, const QString& vectors);

    /// Editing hook (see docs/GUI.md): adds a toolbar with these actions and a menu "Tools".
    QToolBar* addToolActions(const QString& title, const QList<QAction*>& actions);
    /// The canvas forwards mouse events to this tool (nullptr = navigation).
    void setActiveTool(Tool* tool);

    CanvasView* canvas() const { return mCanvas; }
    ClassesPanel* classesPanel() const { return mClassesPanel; }
    ClassListModel* classes() const { return mClasses; }
    SegmentationController* controller() const { return mController; }
    ChartsPanel* charts() const { return mCharts; }
    QListWidget* imageList() const { return mImageList; }
    QUndoGroup* undoGroup() const { return mUndoGroup; }
    ToolBox* toolBox() const { return mToolBox; }

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
    zm::Project* project() const { return mProject.get(); }
    /// True when the project lives in the per-user folder because the images' folder is not writable
    /// (see ui/app/projectlocation.h); the status bar says so.
    bool projectIsFallback() const { return mProjectFallback; }
    /// Tests: replaces the "can this folder be written" check used when a project is opened.
    void setWritableCheck(std::function<bool(const QString&)> check);
    /// Thumbnails of the image list (made in a worker, cached).
    ThumbnailCache* thumbnails() const { return mThumbnails; }
    Autosaver* autosaver() const { return mAutosaver; }
    /// What the export/import/statistics actions work on.
    EditContext editContext() const;

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
    struct LoadResult;
    void createActions();
    void openFilesDialog();
    void openFolderDialog();
    void chooseModelDialog();
    void openTrainingLog();
    void about();
    void next(int delta);
    void imageLoaded();
    void activateDocument(ImageDocument* doc, std::shared_ptr<const zm::Image> pixels = nullptr);
    /// Redraws an image list item (status dot, thumbnail); `fresh` is a thumbnail just made for it.
    void updateStatusItem(int index, const QImage& fresh = QImage());
    void statusFromProject();
    void syncProjectClasses();
    zm::ClassTable projectClassTable() const;
    void markExported(const QStringList& keys);
    void updateModelStatus();
    void updateNotice();
    void updatePrefetch();
    void openProjectFor(const QStringList& files);
    ImageDocument* documentForKey(const std::string& key) const;

    QListWidget* mImageList = nullptr;
    CanvasView* mCanvas = nullptr;
    ClassListModel* mClasses = nullptr;
    SegmentationController* mController = nullptr;
    ClassesPanel* mClassesPanel = nullptr;
    ChartsPanel* mCharts = nullptr;
    QUndoGroup* mUndoGroup = nullptr;
    ToolBox* mToolBox = nullptr;
    Autosaver* mAutosaver = nullptr;
    ExportActions* mExportActions = nullptr;
    std::unique_ptr<zm::Project> mProject;
    QMenu* mToolsMenu = nullptr;
    QLabel* mStatusImage = nullptr;
    QLabel* mStatusHover = nullptr;
    QLabel* mStatusTimes = nullptr;
    QLabel* mStatusModel = nullptr;
    QLabel* mStatusProject = nullptr;
    ThumbnailCache* mThumbnails = nullptr;
    QAction* mThumbnailsAction = nullptr;
    std::function<bool(const QString&)> mWritable;
    bool mProjectFallback = false;
    QTimer* mClassSync = nullptr;     ///< debounces writing the class list into the project
    QProgressBar* mProgress = nullptr;
    QSlider* mOpacity = nullptr;
    QAction* mOutlineAction = nullptr;
    QActionGroup* mConfirmedStyles = nullptr; ///< alike / predicted lighter / confirmed only
    QAction* mConfirmedCycle = nullptr;        ///< K: the next of the three

    QStringList mPaths;
    std::vector<ImageStatus> mStatus;
    QHash<QString, QString> mProblems; ///< path -> why it could not be read
    QSet<QString> mThumbnailShown;     ///< paths whose list item got a thumbnail (asked again if evicted)
    QHash<QString, QIcon> mDotIcons;   ///< one shared icon per status (and size) for dot-only items
    QHash<QString, ImageDocument*> mDocuments;
    int mCurrent = -1;
    QFutureWatcher<LoadResult>* mLoader = nullptr;
    int mLoading = -1; ///< index being read
    QString mModelPath, mVectorsPath;
    QString mModelProblem, mVectorsProblem;
    double mLastEncodeMs = -1, mLastScoreMs = -1;
};

} // namespace zm::ui
