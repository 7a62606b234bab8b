// Main window wiring: actions, docks, settings, and the parts that do the work (documents, image list,
// project, model loading, segmentation). Reading an image, loading a model, encoding and scoring run in
// workers; this file only starts them and applies results.
#include "ui/app/mainwindow.h"

#include "ui/app/imagelistmodel.h"
#include "ui/app/modelclasses.h"
#include "ui/app/modeldialog.h"
#include "ui/app/modelloader.h"
#include "ui/app/projectsession.h"
#include "ui/app/statusline.h"
#include "ui/app/thumbnailcache.h"
#include "ui/canvas/canvasview.h"
#include "ui/document/autosaver.h"
#include "ui/document/documentmanager.h"
#include "ui/document/imagedocument.h"
#include "ui/document/recovery.h"
#include "ui/edit/edgerefiner.h"
#include "ui/edit/toolbox.h"
#include "ui/engine/segmentationcontroller.h"
#include "ui/engine/segmenterbackend.h"
#include "ui/export/editcontext.h"
#include "ui/export/exportactions.h"
#include "ui/model/classlistmodel.h"
#include "ui/panels/chartspanel.h"
#include "ui/panels/classespanel.h"

#include "core/common/paths.h"
#include "core/common/version.h"
#include "core/embed/embedder.h"
#include "core/io/image_io.h"
#include "core/io/project.h"
#include "core/runtime/runtime.h"

#include <QAbstractItemModel>
#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QItemSelectionModel>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QKeySequence>
#include <QLabel>
#include <QListView>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QSettings>
#include <QSlider>
#include <QStatusBar>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QUndoGroup>
#include <QUndoStack>

#include <algorithm>
#include <cmath>

// Resources of a static library must be registered by hand (outside any namespace).
static void initZeroMaskResources()
{
    Q_INIT_RESOURCE(resources);
}

namespace zm::ui {

namespace {

constexpr QSize kThumbnailBox(96, 72); ///< logical pixels

QIcon themedIcon(const char* name)
{
    return QIcon(QStringLiteral(":/icons/%1.svg").arg(QLatin1String(name)));
}

} // namespace

MainWindow::MainWindow(QWidget* parent, bool loadDefaults) : QMainWindow(parent)
{
    initZeroMaskResources();
    setWindowTitle(QStringLiteral("ZeroMask"));
    setObjectName(QStringLiteral("MainWindow"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/zeromask.svg")));
    setDockOptions(AnimatedDocks | AllowTabbedDocks);

    mClasses = new ClassListModel(this);
    mController = new SegmentationController(mClasses, this);
    mAutosaver = new Autosaver(this);
    mDocuments = new DocumentManager(mAutosaver, this);
    mSession = new ProjectSession(mClasses, mController, this);
    mModelLoader = new ModelLoader(this);
    mModelClasses = new ModelClasses(mClasses, mController, mSession, this);
    connect(mModelClasses, &ModelClasses::message, this, &MainWindow::showMessage);

    mCanvas = new CanvasView(this);
    mCanvas->setObjectName(QStringLiteral("Canvas"));
    mCanvas->setClassModel(mClasses);
    setCentralWidget(mCanvas);

    // The image list: a view on ImageListModel (thumbnails made in a worker, at the screen's density).
    const qreal dpr = std::max<qreal>(1.0, qApp->devicePixelRatio());
    mThumbnails = new ThumbnailCache((QSizeF(kThumbnailBox) * dpr).toSize(), this);
    mImages = new ImageListModel(mThumbnails, this);
    mImageList = new QListView(this);
    mImageList->setObjectName(QStringLiteral("ImageList"));
    mImageList->setUniformItemSizes(true);
    mImageList->setIconSize(kThumbnailBox);
    mImageList->setSelectionMode(QAbstractItemView::SingleSelection);
    mImageList->setEditTriggers(QAbstractItemView::NoEditTriggers);
    mImageList->setModel(mImages);
    mImages->setIconBox(kThumbnailBox, dpr);
    connect(mThumbnails, &ThumbnailCache::ready, mImages, &ImageListModel::thumbnailReady);
    // A file that cannot even be previewed cannot be opened either (the previews fall back on the same
    // reader): it is marked unreadable, with the reason, before anyone tries to show it.
    connect(mThumbnails, &ThumbnailCache::failed, this, [this](const QString& path, const QString& error) {
        const int i = mImages->rowOf(path);
        if (i < 0 || mImages->status(i) != ImageStatus::NotPredicted || documentFor(path))
            return;
        mImages->setProblem(i, error);
        updatePrefetch();
    });
    auto* imagesDock = new QDockWidget(tr("Images"), this);
    imagesDock->setObjectName(QStringLiteral("ImagesDock"));
    imagesDock->setWidget(mImageList);
    addDockWidget(Qt::LeftDockWidgetArea, imagesDock);
    connect(mImageList->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) {
                if (current.isValid() && current.row() != mCurrent)
                    showImage(current.row());
            });

    mClassesPanel = new ClassesPanel(mClasses, mController, this);
    mClassesPanel->setObjectName(QStringLiteral("ClassesPanel"));
    auto* classesDock = new QDockWidget(tr("Classes"), this);
    classesDock->setObjectName(QStringLiteral("ClassesDock"));
    classesDock->setWidget(mClassesPanel);
    addDockWidget(Qt::RightDockWidgetArea, classesDock);
    connect(mClassesPanel, &ClassesPanel::message, this, [this](const QString& m) { showMessage(m, 6000); });

    mCharts = new ChartsPanel(mClasses, this);
    mCharts->setObjectName(QStringLiteral("ChartsPanel"));
    auto* chartsDock = new QDockWidget(tr("Charts"), this);
    chartsDock->setObjectName(QStringLiteral("ChartsDock"));
    chartsDock->setWidget(mCharts);
    addDockWidget(Qt::RightDockWidgetArea, chartsDock);
    tabifyDockWidget(classesDock, chartsDock);
    classesDock->raise();

    mStatus = new StatusLine(statusBar());

    connect(mCanvas, &CanvasView::hovered, this, [this](const QPoint& p, std::uint16_t id, float score) {
        QString cls = tr("void");
        if (id != zm::LabelMap::kVoid) {
            const ClassEntry* e = mClasses->find(id);
            cls = e ? e->name : tr("class %1").arg(id);
        }
        QString text = QStringLiteral("(%1, %2)  %3").arg(p.x()).arg(p.y()).arg(cls);
        if (const ImageDocument* doc = mCanvas->document(); doc && doc->hasLabels() && doc->bounds().contains(p))
            text += doc->isConfirmed(p.x(), p.y()) ? tr("  (confirmed)") : tr("  (predicted)");
        if (!std::isnan(score))
            text += tr("  score %1").arg(double(score), 0, 'f', 2);
        mStatus->setHover(text);
    });
    connect(mCanvas, &CanvasView::hoverLeft, this, [this] { mStatus->setHover({}); });

    // The model's work: a progress bar worded here from the controller's state.
    connect(mController, &SegmentationController::busyChanged, mStatus, &StatusLine::setBusy);
    connect(mController, &SegmentationController::progress, mStatus, &StatusLine::setEncodeFraction);
    connect(mController, &SegmentationController::encoded, this, [this](const QString&, double ms) {
        mLastEncodeMs = ms;
        updateModelStatus();
    });
    connect(mController, &SegmentationController::scored, this, [this](ImageDocument* doc, double ms) {
        mLastScoreMs = ms;
        updateModelStatus();
        const int i = mImages->rowOf(doc->path());
        const ImageStatus s = mImages->status(i);
        if (i >= 0 && s != ImageStatus::Edited && s != ImageStatus::Exported)
            mImages->setStatus(i, ImageStatus::Predicted);
    });
    connect(mController, &SegmentationController::prefetched, this, [this](const QString& path) {
        const int i = mImages->rowOf(path);
        if (i >= 0 && mImages->status(i) == ImageStatus::NotPredicted)
            mImages->setStatus(i, ImageStatus::Encoded);
    });
    connect(mController, &SegmentationController::failed, this, [this](const QString& message) {
        showMessage(message, 8000);
        updateNotice();
    });
    connect(mClassesPanel, &ClassesPanel::selectionChanged, this, [this](int) { updateNotice(); });
    connect(mClassesPanel, &ClassesPanel::regionActivated, mCanvas, &CanvasView::showRegion);
    connect(mClasses, &QAbstractItemModel::rowsInserted, this, &MainWindow::updateNotice);

    // Documents: reading images, their edits, the memory bound.
    connect(mDocuments, &DocumentManager::loaded, this, &MainWindow::documentLoaded);
    connect(mDocuments, &DocumentManager::loadFailed, this, [this](const QString& path, const QString& error) {
        const int i = mImages->rowOf(path);
        mImages->setProblem(i, error);
        if (i >= 0 && i == mCurrent) {
            activateDocument(nullptr);
            mStatus->setImage(tr("Cannot show %1: %2").arg(QFileInfo(path).fileName(), error));
            showMessage(error, 8000);
        }
    });
    connect(mDocuments, &DocumentManager::restored, this, [this](const QString& path, bool exported) {
        mImages->setStatus(mImages->rowOf(path), exported ? ImageStatus::Exported : ImageStatus::Edited);
    });
    connect(mDocuments, &DocumentManager::edited, this, [this](ImageDocument* doc) {
        if (mImages->status(mImages->rowOf(doc->path())) != ImageStatus::Edited)
            setImageStatus(doc->path(), ImageStatus::Edited); // an exported image changed: mark dropped
    });
    connect(mDocuments, &DocumentManager::message, this, [this](const QString& m) { showMessage(m, 10000); });

    // The project: its class table follows the list; a failed write is shown until one succeeds.
    connect(mSession, &ProjectSession::message, this, &MainWindow::showMessage);
    connect(mSession, &ProjectSession::closing, this, [this](zm::Project*) {
        mAutosaver->setProject(nullptr);
        mDocuments->setProject(nullptr);
    });
    connect(mSession, &ProjectSession::opened, this, &MainWindow::projectOpened);
    connect(mSession, &ProjectSession::classesSaveFailed, this, [this](const QString& problem) {
        mStatus->setClassesProblem(problem);
        if (problem == mClassesWarned)
            return;
        mClassesWarned = problem;
        // Loud once per distinct problem, without blocking the work (window-modal, not exec()).
        auto* box = new QMessageBox(QMessageBox::Warning, tr("Class list not saved"), problem, QMessageBox::Ok, this);
        box->setObjectName(QStringLiteral("ClassesNotSavedBox"));
        box->setInformativeText(tr("Your classes stay in memory and every change tries again; images' labels are "
                                   "still autosaved."));
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
    });
    connect(mSession, &ProjectSession::classesSaved, this, [this] {
        mStatus->setClassesProblem({});
        mClassesWarned.clear();
    });

    connect(mAutosaver, &Autosaver::failed, this, [this](const QString& m) {
        showMessage(tr("Autosave failed (your work stays in memory): %1").arg(m), 15000);
    });

    // Model and vectors, read in a worker.
    connect(mModelLoader, &ModelLoader::started, this, [this] { mStatus->setLoading(true); });
    connect(
        mModelLoader, &ModelLoader::modelLoaded, this,
        [this](std::shared_ptr<const Backend> backend, const QString& path) { setBackend(std::move(backend), path); });
    connect(
        mModelLoader, &ModelLoader::vectorsLoaded, this,
        [this](std::shared_ptr<const zm::ClassEmbedder> e, const QString& path) { setEmbedder(std::move(e), path); });
    connect(mModelLoader, &ModelLoader::modelFailed, this, [this](const QString& m) {
        mModelProblem = m;
        showMessage(m, 10000);
    });
    connect(mModelLoader, &ModelLoader::vectorsFailed, this, [this](const QString& m) {
        mVectorsProblem = m;
        showMessage(m, 10000);
    });
    connect(mModelLoader, &ModelLoader::finished, this, [this] {
        mStatus->setLoading(false);
        mStatus->setBusy(mController->busyState(), mController->busySubject());
        updateModelStatus();
        updateNotice();
    });

    // Edit > Refine edges: GrabCut in a worker, applied as one undo step on the current image.
    mRefiner = new EdgeRefiner(mClasses, this);
    mRefiner->setObjectName(QStringLiteral("EdgeRefiner"));
    connect(this, &MainWindow::documentChanged, mRefiner, &EdgeRefiner::setDocument);
    connect(mRefiner, &EdgeRefiner::message, this, [this](const QString& m) { showMessage(m, 10000); });
    connect(mRefiner, &EdgeRefiner::runningChanged, this, [this](bool running) {
        mStatus->setRefining(running);
        if (!running)
            mStatus->setBusy(mController->busyState(), mController->busySubject());
    });

    createActions();

    // Editing tools (ui/edit): their actions, the tool the canvas drives, the class they paint with.
    mToolBox = new ToolBox(this);
    mToolBox->setObjectName(QStringLiteral("ToolBox"));
    addToolActions(tr("Tools"), mToolBox->actions());
    connect(mToolBox, &ToolBox::toolChanged, this, &MainWindow::setActiveTool);
    connect(this, &MainWindow::documentChanged, mToolBox, &ToolBox::setDocument);
    connect(mToolBox, &ToolBox::message, this, [this](const QString& m) { showMessage(m, 4000); });
    connect(mClassesPanel, &ClassesPanel::selectionChanged, this, [this](int id) {
        if (id >= 0)
            mToolBox->setClassId(std::uint16_t(id));
    });
    // A document closed to save memory: nothing may keep pointing at it.
    connect(mDocuments, &DocumentManager::closing, this, [this](ImageDocument* doc) {
        // Never the shown document (the budget spares it); this only makes sure of it.
        if (mCanvas->document() == doc || mController->current() == doc)
            activateDocument(nullptr);
    });
    resize(1280, 800);
    restoreSettings();
    if (loadDefaults) {
        QSettings st;
        const QString model = st.value(QStringLiteral("model/path")).toString();
        const QString vectors = st.value(QStringLiteral("model/vectors")).toString();
        loadAsync(model.isEmpty() ? QString::fromStdString(zm::defaultModelPath().string()) : model,
                  vectors.isEmpty() ? QString::fromStdString(zm::defaultVectorsPath().string()) : vectors);
    }
    updateModelStatus();
    updateNotice();
}

MainWindow::~MainWindow()
{
    // The class list, then pending autosaves, are written into the project before it closes.
    mSession->syncClasses();
    mAutosaver->setProject(nullptr);
    // Documents go first: nothing may still point at them (canvas, charts, tools, controller).
    activateDocument(nullptr);
    delete mDocuments;
    mDocuments = nullptr;
    delete mAutosaver;
    mAutosaver = nullptr;
}

QUndoGroup* MainWindow::undoGroup() const
{
    return mDocuments->undoGroup();
}

void MainWindow::showMessage(const QString& text, int milliseconds)
{
    statusBar()->showMessage(text, milliseconds);
}

void MainWindow::createActions()
{
    auto* file = menuBar()->addMenu(tr("&File"));
    auto* open = file->addAction(themedIcon("open"), tr("&Open images..."), this, &MainWindow::openFilesDialog);
    open->setShortcut(QKeySequence::Open);
    open->setObjectName(QStringLiteral("OpenAction"));
    auto* openDir = file->addAction(themedIcon("folder"), tr("Open &folder..."), this, &MainWindow::openFolderDialog);
    openDir->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    auto* save = file->addAction(themedIcon("save"), tr("&Save"), this, [this] {
        QString error;
        if (!saveProject(&error))
            QMessageBox::warning(this, tr("Save"), error);
        else if (project())
            showMessage(tr("Saved to %1").arg(QString::fromStdString(project()->folder().string())), 4000);
        Q_EMIT saveRequested();
    });
    save->setShortcut(QKeySequence::Save);
    save->setObjectName(QStringLiteral("SaveAction"));
    file->addSeparator();
    // Export, import and statistics (ui/export) work on the project and the open documents.
    mExportActions = new ExportActions([this] { return editContext(); }, this);
    file->addActions(mExportActions->actions());
    connect(mExportActions, &ExportActions::message, this, [this](const QString& m) { showMessage(m, 6000); });
    connect(mExportActions, &ExportActions::exported, this, &MainWindow::markExported);
    file->addSeparator();
    file->addAction(themedIcon("chart"), tr("Open &training log..."), this, &MainWindow::openTrainingLog);
    file->addSeparator();
    auto* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    auto* edit = menuBar()->addMenu(tr("&Edit"));
    QAction* undo = undoGroup()->createUndoAction(this, tr("&Undo"));
    undo->setIcon(themedIcon("undo"));
    undo->setShortcuts({QKeySequence::Undo});
    QAction* redo = undoGroup()->createRedoAction(this, tr("&Redo"));
    redo->setIcon(themedIcon("redo"));
    redo->setShortcuts({QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z), QKeySequence(Qt::CTRL | Qt::Key_Y)});
    edit->addAction(undo);
    edit->addAction(redo);
    edit->addSeparator();
    edit->addAction(mRefiner->action());
    edit->setToolTipsVisible(true);

    auto* view = menuBar()->addMenu(tr("&View"));
    auto* prev = view->addAction(themedIcon("prev"), tr("&Previous image"), this, [this] { next(-1); });
    prev->setShortcuts({QKeySequence(Qt::Key_A), QKeySequence(Qt::Key_PageUp)});
    auto* nxt = view->addAction(themedIcon("next"), tr("&Next image"), this, [this] { next(+1); });
    nxt->setShortcuts({QKeySequence(Qt::Key_D), QKeySequence(Qt::Key_PageDown)});
    view->addSeparator();
    auto* zoomIn = view->addAction(themedIcon("zoom-in"), tr("Zoom &in"), mCanvas, [this] { mCanvas->zoomBy(1.25); });
    zoomIn->setShortcuts({QKeySequence(Qt::Key_Plus), QKeySequence(Qt::Key_Equal), QKeySequence::ZoomIn});
    auto* zoomOut = view->addAction(themedIcon("zoom-out"), tr("Zoom &out"), mCanvas, [this] { mCanvas->zoomBy(0.8); });
    zoomOut->setShortcuts({QKeySequence(Qt::Key_Minus), QKeySequence::ZoomOut});
    auto* fit = view->addAction(themedIcon("fit"), tr("&Fit to window"), mCanvas, &CanvasView::fitToWindow);
    fit->setShortcut(QKeySequence(Qt::Key_F));
    auto* actual =
        view->addAction(themedIcon("actual"), tr("&Actual size (100 %)"), mCanvas, [this] { mCanvas->setZoom(1.0); });
    actual->setShortcuts({QKeySequence(Qt::Key_1), QKeySequence(Qt::CTRL | Qt::Key_0)});
    view->addSeparator();
    mOutlineAction = view->addAction(themedIcon("outline"), tr("&Outline mode"));
    mOutlineAction->setCheckable(true);
    mOutlineAction->setShortcut(QKeySequence(Qt::Key_O));
    mOutlineAction->setObjectName(QStringLiteral("OutlineAction"));
    connect(mOutlineAction, &QAction::toggled, mCanvas, &CanvasView::setOutlineMode);
    // Confirmed (people's) vs predicted (model's) pixels: drawn alike, predicted lighter, or confirmed only.
    auto* confirmedMenu = view->addMenu(themedIcon("confirmed"), tr("&Confirmed vs predicted pixels"));
    mConfirmedStyles = new QActionGroup(this);
    mConfirmedStyles->setExclusive(true);
    const std::pair<OverlayRenderer::ConfirmedStyle, QString> styles[] = {
        {OverlayRenderer::ConfirmedStyle::Same, tr("Draw &alike")},
        {OverlayRenderer::ConfirmedStyle::PredictedLighter, tr("&Predicted pixels lighter")},
        {OverlayRenderer::ConfirmedStyle::ConfirmedOnly, tr("&Confirmed pixels only")},
    };
    for (const auto& [style, text] : styles) {
        QAction* a = confirmedMenu->addAction(text);
        a->setCheckable(true);
        a->setData(int(style));
        a->setChecked(style == OverlayRenderer::ConfirmedStyle::Same);
        a->setObjectName(QStringLiteral("ConfirmedStyleAction%1").arg(int(style)));
        mConfirmedStyles->addAction(a);
    }
    connect(mConfirmedStyles, &QActionGroup::triggered, this,
            [this](QAction* a) { setConfirmedStyle(a->data().toInt()); });
    confirmedMenu->addSeparator();
    mConfirmedCycle = confirmedMenu->addAction(themedIcon("confirmed"), tr("&Next style"));
    mConfirmedCycle->setObjectName(QStringLiteral("ConfirmedCycleAction"));
    mConfirmedCycle->setShortcut(QKeySequence(Qt::Key_K));
    mConfirmedCycle->setToolTip(tr("Confirmed vs predicted pixels: alike, predicted lighter, confirmed only (K)"));
    connect(mConfirmedCycle, &QAction::triggered, this, [this] { setConfirmedStyle((confirmedStyle() + 1) % 3); });
    mThumbnailsAction = view->addAction(tr("Image &thumbnails"));
    mThumbnailsAction->setObjectName(QStringLiteral("ThumbnailsAction"));
    mThumbnailsAction->setCheckable(true);
    mThumbnailsAction->setChecked(true);
    mThumbnailsAction->setToolTip(tr("Show a small preview of each image in the image list"));
    connect(mThumbnailsAction, &QAction::toggled, this, [this](bool on) {
        const QSize box = on ? kThumbnailBox : QSize(16, 16);
        mImageList->setIconSize(box);
        mImages->setIconBox(box, mImageList->devicePixelRatioF());
        mImages->setThumbnails(on);
        if (on)
            mThumbnails->request(mImages->paths());
    });
    auto* hideOverlay = view->addAction(tr("&Hide overlay"));
    hideOverlay->setCheckable(true);
    hideOverlay->setShortcut(QKeySequence(Qt::Key_H));
    connect(hideOverlay, &QAction::toggled, this,
            [this](bool hide) { mCanvas->setOverlayOpacity(hide ? 0.0 : mOpacity->value() / 100.0); });

    auto* model = menuBar()->addMenu(tr("&Model"));
    model->addAction(themedIcon("model"), tr("Choose &model and vectors..."), this, &MainWindow::chooseModelDialog);
    // Word senses: "flip-flop" is mostly the political term in the default vectors; with WordNet the name
    // takes the sense nearest the model's classes (the sandal). On by default, remembered.
    auto* senses = model->addAction(tr("Read names by their &word sense (WordNet)"));
    senses->setObjectName(QStringLiteral("WordSensesAction"));
    senses->setCheckable(true);
    senses->setChecked(QSettings().value(QStringLiteral("names/wordSenses"), true).toBool());
    senses->setToolTip(
        tr("A word with several meanings (flip-flop: a sandal, a reversal, a circuit) is read with the "
           "meaning nearest the model's classes. Needs the WordNet database (Debian package wordnet-base)."));
    mController->setWordSenses(senses->isChecked());
    // Test-time augmentation: every image encoded mirrored and at three scales, the views averaged. Off by
    // default (six encodes per image); remembered; switching reloads the model.
    auto* exact = model->addAction(tr("More e&xact masks (six views per image, slower)"));
    exact->setObjectName(QStringLiteral("TestTimeAugmentationAction"));
    exact->setCheckable(true);
    exact->setChecked(QSettings().value(QStringLiteral("model/testTimeAugmentation"), false).toBool());
    exact->setToolTip(tr("Each image is also read mirrored and at 0.75 and 1.25 times its size, and the six readings "
                         "are averaged: steadier masks (on the StampScenes benchmark the oracle's mIoU rises from 41 "
                         "to 46 %), about eight times the time to read each image."));
    mModelLoader->setTestTimeAugmentation(exact->isChecked());
    connect(exact, &QAction::toggled, this, [this](bool on) {
        QSettings().setValue(QStringLiteral("model/testTimeAugmentation"), on);
        mModelLoader->setTestTimeAugmentation(on);
        if (!mModelPath.isEmpty())
            loadModel(mModelPath); // encodings of the other kind are dropped with the old model
    });
    // ConSE: the classes a person adds are also named by an ImageNet classifier run at every cell (opt-in
    // download: scripts/fetch-backbones.sh with ZEROMASK_EFFICIENTNET=1). Off by default, remembered;
    // switching reloads the model.
    const QString conseFile = QString::fromStdString(defaultConseClassifier().string());
    const bool conseThere = QFileInfo::exists(conseFile);
    auto* conse = model->addAction(tr("Name new classes with &ImageNet too (ConSE)"));
    conse->setObjectName(QStringLiteral("ConseAction"));
    conse->setCheckable(true);
    conse->setEnabled(conseThere);
    conse->setChecked(conseThere && QSettings().value(QStringLiteral("model/conse"), false).toBool());
    conse->setToolTip(
        conseThere ? tr("Pixels the model gives to a class it was not trained on are renamed by what an ImageNet "
                        "classifier (EfficientNet-B0, 1000 classes) sees there: its most likely classes' names, weighed "
                        "by probability, are compared with your class names. Helps tell new classes apart (figures in "
                        "docs/BENCHMARKS.md, ConSE); costs one more network per image.")
                   : tr("Needs the ImageNet classifier: run ZEROMASK_EFFICIENTNET=1 bash scripts/fetch-backbones.sh build "
                        "(opt-in: its weights' licence is unclear, see the NOTICE it writes), then restart."));
    mModelLoader->setConseClassifier(conse->isChecked() ? conseFile : QString());
    connect(conse, &QAction::toggled, this, [this, conseFile](bool on) {
        QSettings().setValue(QStringLiteral("model/conse"), on);
        mModelLoader->setConseClassifier(on ? conseFile : QString());
        if (!mModelPath.isEmpty())
            loadModel(mModelPath);
    });
    connect(mModelLoader, &ModelLoader::conseUnavailable, this, [this](const QString& message) {
        statusBar()->showMessage(message, 15000);
    });
    // The classes the model's card names, added to the list (a first start fills an empty list with them).
    mAddModelClasses = model->addAction(tr("&Add the model's classes"), mModelClasses, &ModelClasses::addMissing);
    mAddModelClasses->setObjectName(QStringLiteral("AddModelClassesAction"));
    mAddModelClasses->setToolTip(tr("Adds the classes the loaded model was trained on (and those it held out) "
                                    "that are not in the class list yet; classes you have are kept as they are."));
    mAddModelClasses->setStatusTip(mAddModelClasses->toolTip());
    mAddModelClasses->setEnabled(false);
    model->setToolTipsVisible(true);
    connect(senses, &QAction::toggled, this, [this](bool on) {
        QSettings().setValue(QStringLiteral("names/wordSenses"), on);
        mController->setWordSenses(on);
        if (on && !mController->wordSensesActive() && mController->embedder())
            showMessage(tr("Word senses need the WordNet database (install wordnet-base) and word vectors"), 8000);
    });

    mToolsMenu = menuBar()->addMenu(tr("&Tools"));
    mToolsMenu->menuAction()->setVisible(false);

    auto* windows = menuBar()->addMenu(tr("&Window"));
    for (QDockWidget* d : findChildren<QDockWidget*>())
        windows->addAction(d->toggleViewAction());

    auto* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(themedIcon("zeromask"), tr("&About ZeroMask"), this, &MainWindow::about);

    auto* tb = addToolBar(tr("Main"));
    tb->setObjectName(QStringLiteral("MainToolBar"));
    tb->setToolButtonStyle(Qt::ToolButtonIconOnly);
    tb->addAction(open);
    tb->addAction(save);
    tb->addSeparator();
    tb->addAction(prev);
    tb->addAction(nxt);
    tb->addSeparator();
    tb->addAction(undo);
    tb->addAction(redo);
    tb->addAction(mRefiner->action());
    tb->addSeparator();
    tb->addAction(zoomIn);
    tb->addAction(zoomOut);
    tb->addAction(fit);
    tb->addAction(actual);
    tb->addSeparator();
    tb->addAction(mOutlineAction);
    // One button: a click cycles the style, its arrow opens the three choices.
    auto* confirmedButton = new QToolButton(tb);
    confirmedButton->setObjectName(QStringLiteral("ConfirmedStyleButton"));
    confirmedButton->setDefaultAction(mConfirmedCycle);
    confirmedButton->setMenu(confirmedMenu);
    confirmedButton->setPopupMode(QToolButton::MenuButtonPopup);
    confirmedButton->setToolButtonStyle(Qt::ToolButtonIconOnly);
    tb->addWidget(confirmedButton);
    auto* opacityLabel = new QLabel(tr(" Opacity "), tb);
    tb->addWidget(opacityLabel);
    mOpacity = new QSlider(Qt::Horizontal, tb);
    mOpacity->setObjectName(QStringLiteral("OpacitySlider"));
    mOpacity->setRange(0, 100);
    mOpacity->setValue(50);
    mOpacity->setMaximumWidth(fontMetrics().horizontalAdvance(QLatin1Char('x')) * 16);
    mOpacity->setToolTip(tr("Overlay opacity"));
    tb->addWidget(mOpacity);
    connect(mOpacity, &QSlider::valueChanged, this, [this, hideOverlay](int v) {
        if (!hideOverlay->isChecked())
            mCanvas->setOverlayOpacity(v / 100.0);
    });
}

QToolBar* MainWindow::addToolActions(const QString& title, const QList<QAction*>& actions)
{
    // Icons for the editing tools that come without one (resources/icons, named by action).
    static const QHash<QString, QString> kIcons{
        {QStringLiteral("NavigateToolAction"), QStringLiteral("navigate")},
        {QStringLiteral("BrushToolAction"), QStringLiteral("brush")},
        {QStringLiteral("EraserToolAction"), QStringLiteral("eraser")},
        {QStringLiteral("FillToolAction"), QStringLiteral("fill")},
        {QStringLiteral("PolygonToolAction"), QStringLiteral("polygon")},
        {QStringLiteral("AcceptToolAction"), QStringLiteral("accept")},
        {QStringLiteral("ReplaceToolAction"), QStringLiteral("replace")},
        {QStringLiteral("BrushSmallerAction"), QStringLiteral("brush-smaller")},
        {QStringLiteral("BrushLargerAction"), QStringLiteral("brush-larger")},
    };
    for (QAction* a : actions)
        if (a->icon().isNull() && kIcons.contains(a->objectName()))
            a->setIcon(QIcon(QStringLiteral(":/icons/%1.svg").arg(kIcons.value(a->objectName()))));
    auto* tb = new QToolBar(title, this);
    tb->setObjectName(title + QStringLiteral("ToolBar"));
    tb->setToolButtonStyle(Qt::ToolButtonIconOnly);
    addToolBar(Qt::LeftToolBarArea, tb);
    tb->addActions(actions);
    mToolsMenu->addActions(actions);
    mToolsMenu->menuAction()->setVisible(true);
    return tb;
}

void MainWindow::setActiveTool(Tool* tool)
{
    mCanvas->setTool(tool);
}

int MainWindow::confirmedStyle() const
{
    return int(mCanvas->confirmedStyle());
}

void MainWindow::setConfirmedStyle(int style)
{
    style = std::clamp(style, 0, 2);
    mCanvas->setConfirmedStyle(OverlayRenderer::ConfirmedStyle(style));
    for (QAction* a : mConfirmedStyles->actions())
        if (a->data().toInt() == style)
            a->setChecked(true);
    static const char* const names[] = {"drawn alike", "predicted pixels lighter", "confirmed pixels only"};
    mConfirmedCycle->setStatusTip(tr("Confirmed vs predicted: %1").arg(tr(names[style])));
}

void MainWindow::openFilesDialog()
{
    QSettings s;
    const QStringList files =
        QFileDialog::getOpenFileNames(this, tr("Open images"), s.value(QStringLiteral("files/lastFolder")).toString(),
                                      tr("Images (*.png *.jpg *.jpeg *.bmp *.tif *.tiff *.webp);;All files (*)"));
    if (!files.isEmpty())
        openPaths(files);
}

void MainWindow::openFolderDialog()
{
    QSettings s;
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open folder"),
                                                          s.value(QStringLiteral("files/lastFolder")).toString());
    if (!dir.isEmpty())
        openPaths({dir});
}

void MainWindow::openPaths(const QStringList& paths)
{
    QStringList files;
    QString lastFolder;
    for (const QString& p : paths) {
        QFileInfo fi(p);
        if (fi.isDir()) {
            lastFolder = fi.absoluteFilePath();
            try {
                for (const auto& f : zm::listImages(fi.absoluteFilePath().toStdString()))
                    files << QString::fromStdString(f.string());
            } catch (const std::exception& e) {
                showMessage(QString::fromUtf8(e.what()), 8000);
            }
        } else if (fi.exists()) {
            lastFolder = fi.absolutePath();
            files << fi.absoluteFilePath();
        } else {
            showMessage(tr("%1: no such file or folder").arg(p), 8000);
        }
    }
    if (!lastFolder.isEmpty())
        QSettings().setValue(QStringLiteral("files/lastFolder"), lastFolder);
    {
        const QSignalBlocker block(mImageList->selectionModel());
        mImages->setPaths(files);
    }
    for (int i = 0; i < files.size(); ++i)
        if (ImageDocument* doc = documentFor(files[i]); doc && doc->isModified())
            mImages->setStatus(i, ImageStatus::Edited);
    mDocuments->dropPendingLoads(); // reads of the previous list are not wanted any more
    mSession->openFor(files);
    statusFromProject(); // the same project opened again emits no opened(): the statuses come back here
    if (mThumbnailsAction->isChecked())
        mThumbnails->request(files);
    mCurrent = -1;
    Q_EMIT imagesOpened(files);
    if (files.isEmpty()) {
        activateDocument(nullptr);
        mStatus->setImage(tr("No images found"));
        return;
    }
    showImage(0);
}

int MainWindow::imageCount() const
{
    return mImages->size();
}
int MainWindow::currentIndex() const
{
    return mCurrent;
}
QString MainWindow::currentPath() const
{
    return mImages->path(mCurrent);
}
MainWindow::ImageStatus MainWindow::imageStatus(int index) const
{
    return mImages->status(index);
}
QString MainWindow::imageProblem(int index) const
{
    return mImages->problem(index);
}
zm::Project* MainWindow::project() const
{
    return mSession->project();
}
bool MainWindow::projectIsFallback() const
{
    return mSession->isFallback();
}
void MainWindow::setWritableCheck(std::function<bool(const QString&)> check)
{
    mSession->setWritableCheck(std::move(check));
}

void MainWindow::setImageStatus(const QString& path, ImageStatus status)
{
    const int i = mImages->rowOf(path);
    if (i < 0)
        return;
    const ImageStatus before = mImages->status(i);
    mImages->setStatus(i, status);
    zm::Project* p = project();
    if (!p || before == status || (before != ImageStatus::Exported && status != ImageStatus::Exported))
        return;
    // The mark lives in the project, so "exported" survives a restart and an edit clears it.
    const std::string key = zm::Project::keyOf(path.toStdString());
    try {
        if (status == ImageStatus::Exported)
            p->markExported({key});
        else
            p->clearExported(key);
    } catch (const std::exception& e) {
        showMessage(tr("Could not record the export status: %1").arg(QString::fromUtf8(e.what())), 8000);
    }
}

void MainWindow::markExported(const QStringList& keys)
{
    // One pass over the list, then one look-up per key: a whole-project export of 10,000 images
    // must not cost keys x images comparisons on the GUI thread.
    QMultiHash<QString, int> indexOf;
    const QStringList& paths = mImages->paths();
    indexOf.reserve(paths.size());
    for (int i = 0; i < paths.size(); ++i)
        indexOf.insert(QFileInfo(paths[i]).fileName(), i); // zm::Project::keyOf: the file name
    std::vector<std::string> marks;
    marks.reserve(std::size_t(keys.size()));
    for (const QString& k : keys) {
        for (auto it = indexOf.constFind(k); it != indexOf.cend() && it.key() == k; ++it)
            mImages->setStatus(*it, ImageStatus::Exported);
        marks.push_back(k.toStdString());
    }
    if (!project() || marks.empty())
        return;
    try {
        project()->markExported(marks); // one write for a whole-project export
    } catch (const std::exception& e) {
        showMessage(tr("Could not record the export status: %1").arg(QString::fromUtf8(e.what())), 8000);
    }
}

void MainWindow::statusFromProject()
{
    zm::Project* p = project();
    if (!p)
        return;
    for (int i = 0; i < mImages->size(); ++i) {
        if (mImages->status(i) != ImageStatus::NotPredicted)
            continue; // an open document's status is newer than the files
        const std::string key = zm::Project::keyOf(mImages->path(i).toStdString());
        try {
            if (p->isExported(key))
                mImages->setStatus(i, ImageStatus::Exported);
            else if (p->hasAnnotation(key) || p->hasAutosave(key))
                mImages->setStatus(i, ImageStatus::Edited);
        } catch (const std::exception&) {
            // A file name the project cannot hold: no status from it.
        }
    }
}

void MainWindow::projectOpened(zm::Project* p)
{
    mStatus->setProjectFallback(p && mSession->isFallback(), mSession->fallbackReason());
    mAutosaver->setProject(p);
    mDocuments->setProject(p);
    mSession->setModelPath(mModelPath);
    statusFromProject();
    if (p && !p->recoverable().empty())
        QTimer::singleShot(0, this, [this] {
            if (project())
                offerRecovery(this, *project(), [this](const std::string& key) { return documentForKey(key); });
        });
}

ImageDocument* MainWindow::documentFor(const QString& path) const
{
    return mDocuments->document(path);
}
ImageDocument* MainWindow::currentDocument() const
{
    return mCanvas->document();
}

void MainWindow::showImage(int index)
{
    if (index < 0 || index >= mImages->size())
        return;
    mCurrent = index;
    {
        const QSignalBlocker block(mImageList->selectionModel());
        mImageList->setCurrentIndex(mImages->index(index));
    }
    const QString path = mImages->path(index);
    mStatus->setImage(tr("%1  (%2/%3)").arg(QFileInfo(path).fileName()).arg(index + 1).arg(mImages->size()));
    if (mDocuments->isReady(path)) {
        activateDocument(documentFor(path));
        return;
    }
    mDocuments->load(path, mController->takePrefetchedImage(path));
}

void MainWindow::documentLoaded(ImageDocument* doc, const QImage& display, std::shared_ptr<const zm::Image> pixels)
{
    const QString path = doc->path();
    mCanvas->cacheDisplayImage(path, display);
    if (path == currentPath()) {
        // Showing is a second event: a 12-megapixel document's set-up and its first overlay render
        // then never add up to one long stall of the event loop.
        QPointer<ImageDocument> guard(doc);
        QTimer::singleShot(0, this, [this, guard, pixels = std::move(pixels), path] {
            if (guard && currentPath() == path)
                activateDocument(guard, pixels);
        });
        mStatus->setImage(tr("%1  %2x%3  (%4/%5)")
                              .arg(QFileInfo(path).fileName())
                              .arg(doc->width())
                              .arg(doc->height())
                              .arg(mCurrent + 1)
                              .arg(mImages->size()));
    } else if (mCurrent >= 0 && !mDocuments->isReady(currentPath())) {
        showImage(mCurrent); // the person moved on while this was read
    }
}

void MainWindow::activateDocument(ImageDocument* doc, std::shared_ptr<const zm::Image> pixels)
{
    mCanvas->setDocument(doc);
    mCharts->setDocument(doc);
    mController->setCurrent(doc, doc ? SegmentationController::keyFor(doc->path()) : QString(), std::move(pixels));
    mDocuments->setActive(doc);
    updatePrefetch();
    Q_EMIT documentChanged(doc);
}

void MainWindow::updatePrefetch()
{
    // The next two images, then the previous one: the usual direction of work.
    QStringList next;
    if (mCurrent >= 0) {
        for (int d : {1, 2, -1}) {
            const int k = mCurrent + d;
            if (k >= 0 && k < mImages->size() && mImages->status(k) != ImageStatus::Unreadable)
                next << mImages->path(k);
        }
    }
    mController->setPrefetch(next);
}

void MainWindow::next(int delta)
{
    const int n = mImages->size();
    if (n == 0)
        return;
    showImage(((mCurrent < 0 ? 0 : mCurrent) + delta + n) % n);
}

void MainWindow::loadModel(const QString& path)
{
    mModelLoader->load(path, true, {}, false);
}
void MainWindow::loadVectors(const QString& path)
{
    mModelLoader->load({}, false, path, true);
}
void MainWindow::loadAsync(const QString& model, const QString& vectors)
{
    mModelLoader->load(model, true, vectors, true);
}

void MainWindow::setBackend(std::shared_ptr<const Backend> backend, const QString& path)
{
    mModelPath = path;
    mModelProblem.clear();
    mSession->setModelPath(path);
    const float gamma = backend ? backend->defaultGamma() : 0.0f;
    mController->setBackend(std::move(backend));
    mClassesPanel->setModelGamma(gamma);
    mLastEncodeMs = mLastScoreMs = -1;
    mAddModelClasses->setEnabled(!ModelClasses::namesOf(mController->backend().get()).isEmpty());
    mModelClasses->fillOnFirstStart();
    updateModelStatus();
    updateNotice();
}

void MainWindow::setEmbedder(std::shared_ptr<const zm::ClassEmbedder> embedder, const QString& path)
{
    mVectorsPath = path;
    mVectorsProblem.clear();
    mController->setEmbedder(std::move(embedder));
    updateNotice();
}

void MainWindow::updateModelStatus()
{
    const RuntimeInfo rt = runtimeInfo();
    QString device;
    if (mController->backend())
        device = mController->backend()->device().toUpper();
    else
        device = rt.cudaAvailable ? tr("CUDA") : tr("CPU");
    if (device.startsWith(QLatin1String("CPU")))
        device = tr("CPU (%1 threads)").arg(rt.threads);
    QString model = mController->backend() ? mController->backend()->modelName() : tr("no model");
    if (mController->backend() && mController->backend()->views() > 1)
        model = tr("%1 | %2 views").arg(model).arg(mController->backend()->views());
    if (mController->backend() && mController->backend()->conse())
        model = tr("%1 | ImageNet names").arg(model);
    mStatus->setModel(tr("%1 | %2").arg(device, model), mModelPath);
    mStatus->setTimes(mLastEncodeMs, mLastScoreMs);
}

void MainWindow::updateNotice()
{
    QStringList lines;
    if (!mController->backend())
        lines << (mModelProblem.isEmpty() ? tr("No model loaded.") : mModelProblem);
    if (!mController->embedder())
        lines << (mVectorsProblem.isEmpty() ? tr("No word vectors loaded.") : mVectorsProblem);
    if (!mController->mismatch().isEmpty())
        lines << mController->mismatch();
    mClassesPanel->setNotice(lines.join(QStringLiteral("\n\n")));
}

void MainWindow::chooseModelDialog()
{
    ModelDialog dialog(mModelPath, mVectorsPath, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    // Read in a worker; a problem shows in the classes panel and the status bar.
    const bool vectors = dialog.vectorsPath() != mVectorsPath;
    const bool model = dialog.modelPath() != mModelPath;
    mModelLoader->load(dialog.modelPath(), model, dialog.vectorsPath(), vectors);
}

void MainWindow::openTrainingLog()
{
    const QString f = QFileDialog::getOpenFileName(this, tr("Training log"), QString(),
                                                   tr("Training logs (*.jsonl *.json *.log);;All files (*)"));
    if (f.isEmpty())
        return;
    QString error;
    if (!mCharts->loadTrainingLog(f, &error)) {
        QMessageBox::warning(this, tr("Training log"), error);
        return;
    }
    if (auto* dock = findChild<QDockWidget*>(QStringLiteral("ChartsDock"))) {
        dock->show();
        dock->raise();
    }
}

void MainWindow::about()
{
    QMessageBox box(this);
    box.setWindowTitle(tr("About ZeroMask"));
    box.setIconPixmap(QIcon(QStringLiteral(":/icons/zeromask.svg")).pixmap(64, 64));
    box.setText(tr("<b>ZeroMask %1</b><br>Zero-shot semantic segmentation: type a class name, get its mask.")
                    .arg(QString::fromLatin1(zm::kVersion)));
    box.setInformativeText(QString::fromStdString(zm::runtimeReport()) +
                           QStringLiteral("\nQt %1").arg(QString::fromLatin1(qVersion())));
    box.exec();
}

bool MainWindow::saveProject(QString* error)
{
    saveSettings();
    if (!project())
        return true; // nothing open (or a read-only folder): the classes live in the settings
    if (!mSession->syncClasses(error))
        return false;
    return mAutosaver->saveAll(error);
}

ImageDocument* MainWindow::documentForKey(const std::string& key) const
{
    for (const QString& p : mImages->paths())
        if (zm::Project::keyOf(p.toStdString()) == key)
            return documentFor(p);
    return nullptr;
}

EditContext MainWindow::editContext() const
{
    EditContext c;
    c.current = currentDocument();
    c.project = project();
    try {
        c.classes = mClasses->toClassTable();
    } catch (const std::exception&) {
        // An empty table: the dialogs say there is nothing to export.
    }
    c.documentFor = [this](const std::string& key) { return documentForKey(key); };
    c.saveAll = [this](QString* error) { return mAutosaver->saveAll(error); };
    return c;
}

void MainWindow::saveSettings() const
{
    QSettings s;
    s.setValue(QStringLiteral("window/geometry"), saveGeometry());
    s.setValue(QStringLiteral("window/state"), saveState());
    s.setValue(QStringLiteral("view/opacity"), mOpacity->value());
    s.setValue(QStringLiteral("view/outline"), mOutlineAction->isChecked());
    s.setValue(QStringLiteral("view/confirmedStyle"), confirmedStyle());
    s.setValue(QStringLiteral("view/thumbnails"), mThumbnailsAction->isChecked());
    if (!mModelPath.isEmpty())
        s.setValue(QStringLiteral("model/path"), mModelPath);
    if (!mVectorsPath.isEmpty())
        s.setValue(QStringLiteral("model/vectors"), mVectorsPath);
    s.setValue(QStringLiteral("classes/list"), QJsonDocument(mClasses->toJson()).toJson(QJsonDocument::Compact));
}

void MainWindow::restoreSettings()
{
    QSettings s;
    restoreGeometry(s.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(s.value(QStringLiteral("window/state")).toByteArray());
    mOpacity->setValue(s.value(QStringLiteral("view/opacity"), 50).toInt());
    mOutlineAction->setChecked(s.value(QStringLiteral("view/outline"), false).toBool());
    setConfirmedStyle(s.value(QStringLiteral("view/confirmedStyle"), 0).toInt());
    mThumbnailsAction->setChecked(s.value(QStringLiteral("view/thumbnails"), true).toBool());
    // How much memory open documents may hold before the least recently shown give it back (docs/GUI.md).
    const qulonglong budgetMiB =
        s.value(QStringLiteral("documents/memoryBudgetMiB"), qulonglong(DocumentManager::kDefaultBudget >> 20))
            .toULongLong();
    mDocuments->setMemoryBudget(std::size_t(std::max<qulonglong>(budgetMiB, 64)) << 20);
    // The last session's classes come back; their vectors follow when vectors are loaded.
    const QJsonArray classes = QJsonDocument::fromJson(s.value(QStringLiteral("classes/list")).toByteArray()).array();
    if (!classes.isEmpty() && mClasses->rowCount() == 0)
        mClasses->fromJson(classes, [this](const QString& n, QString* p) { return mController->embed(n, p); });
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    saveSettings();
    // The class list is what the project's labels mean: closing while it cannot be written is asked.
    QString problem;
    if (!mSession->syncClasses(&problem)) {
        const bool close = mCloseQuestion
                               ? mCloseQuestion(problem)
                               : QMessageBox::warning(this, tr("Class list not saved"),
                                                      problem + tr("\n\nClose anyway? The classes typed since the "
                                                                   "last successful save will be lost."),
                                                      QMessageBox::Close | QMessageBox::Cancel,
                                                      QMessageBox::Cancel) == QMessageBox::Close;
        if (!close) {
            event->ignore();
            return;
        }
    }
    QMainWindow::closeEvent(event);
}

} // namespace zm::ui
