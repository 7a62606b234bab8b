// Main window wiring: actions, docks, settings, the image list and its per-image status. Reading an
// image, encoding and scoring run in workers; this file only starts them and applies results.
#include "ui/app/mainwindow.h"

#include "ui/app/modeldialog.h"
#include "ui/app/projectlocation.h"
#include "ui/app/thumbnailcache.h"
#include "ui/canvas/canvasview.h"
#include "ui/document/imagedocument.h"
#include "ui/edit/toolbox.h"
#include "ui/document/autosaver.h"
#include "ui/document/recovery.h"
#include "ui/export/editcontext.h"
#include "ui/export/exportactions.h"
#include "ui/engine/segmentationcontroller.h"
#include "ui/engine/segmenterbackend.h"
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
#include <QFutureWatcher>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QKeySequence>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QPainter>
#include <QProgressBar>
#include <QSaveFile>
#include <QSettings>
#include <QSlider>
#include <QStatusBar>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QUndoGroup>
#include <QUndoStack>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cmath>

// Resources of a static library must be registered by hand (outside any namespace).
static void initZeroMaskResources() { Q_INIT_RESOURCE(resources); }

namespace zm::ui {

struct MainWindow::LoadResult {
    QString path;
    zm::Image image;
    QImage display; ///< converted for painting in the worker (12 M pixels take ~50 ms)
    std::shared_ptr<const zm::Image> shared; ///< a copy made in the worker, for the encoder
    QString error;
};

namespace {

QColor statusColor(MainWindow::ImageStatus s)
{
    // Grey = to do, blue = encoded, green = predicted, orange = edited, violet = exported, red = unreadable.
    QColor c;
    switch (s) {
    case MainWindow::ImageStatus::NotPredicted: c = QColor(150, 150, 150); break;
    case MainWindow::ImageStatus::Encoded: c = QColor(67, 99, 216); break;
    case MainWindow::ImageStatus::Predicted: c = QColor(60, 180, 75); break;
    case MainWindow::ImageStatus::Edited: c = QColor(245, 130, 49); break;
    case MainWindow::ImageStatus::Exported: c = QColor(145, 30, 180); break;
    case MainWindow::ImageStatus::Unreadable: c = QColor(220, 30, 40); break;
    }
    return c;
}

/// The list item's icon: the thumbnail (when there is one) with the status dot in its corner, or
/// the dot alone. Drawn at the device pixel ratio, so it stays sharp on HiDPI screens.
QIcon statusIcon(MainWindow::ImageStatus s, const QImage& thumbnail, QSize box, qreal dpr)
{
    const QColor c = statusColor(s);
    QPixmap pm((QSizeF(box) * dpr).toSize());
    pm.setDevicePixelRatio(dpr);
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    p.setRenderHint(QPainter::Antialiasing);
    p.setRenderHint(QPainter::SmoothPixmapTransform);
    if (thumbnail.isNull()) {
        const qreal d = std::min(box.width(), box.height()) * 0.45;
        p.setBrush(c);
        p.setPen(Qt::NoPen);
        p.drawEllipse(QRectF((box.width() - d) / 2, (box.height() - d) / 2, d, d));
        return QIcon(pm);
    }
    const QSize t = thumbnail.size().scaled(box, Qt::KeepAspectRatio);
    const QRectF r((box.width() - t.width()) / 2.0, (box.height() - t.height()) / 2.0, t.width(), t.height());
    p.drawImage(r, thumbnail);
    // A frame in the status colour and a dot with a white ring: readable on any photo.
    p.setPen(QPen(c, 2));
    p.setBrush(Qt::NoBrush);
    p.drawRect(r.adjusted(1, 1, -1, -1));
    const qreal d = std::max(10.0, box.height() * 0.22);
    p.setPen(QPen(Qt::white, 1.5));
    p.setBrush(c);
    p.drawEllipse(QRectF(r.right() - d - 2, r.bottom() - d - 2, d, d));
    return QIcon(pm);
}

QString statusText(MainWindow::ImageStatus s)
{
    switch (s) {
    case MainWindow::ImageStatus::NotPredicted: return MainWindow::tr("not yet predicted");
    case MainWindow::ImageStatus::Encoded: return MainWindow::tr("encoded, not yet shown");
    case MainWindow::ImageStatus::Predicted: return MainWindow::tr("predicted");
    case MainWindow::ImageStatus::Edited: return MainWindow::tr("edited");
    case MainWindow::ImageStatus::Exported: return MainWindow::tr("exported");
    case MainWindow::ImageStatus::Unreadable: return MainWindow::tr("unreadable");
    }
    return {};
}

constexpr QSize kThumbnailBox(96, 72); ///< logical pixels

QIcon themedIcon(const char* name) { return QIcon(QStringLiteral(":/icons/%1.svg").arg(QLatin1String(name))); }

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
    mUndoGroup = new QUndoGroup(this);

    mCanvas = new CanvasView(this);
    mCanvas->setObjectName(QStringLiteral("Canvas"));
    mCanvas->setClassModel(mClasses);
    setCentralWidget(mCanvas);

    mImageList = new QListWidget(this);
    mImageList->setObjectName(QStringLiteral("ImageList"));
    mImageList->setUniformItemSizes(true);
    mImageList->setIconSize(kThumbnailBox);
    // Made at the screen's pixel density, so they stay sharp on HiDPI screens.
    const qreal dpr = std::max<qreal>(1.0, qApp->devicePixelRatio());
    mThumbnails = new ThumbnailCache((QSizeF(kThumbnailBox) * dpr).toSize(), this);
    connect(mThumbnails, &ThumbnailCache::ready, this, [this](const QString& path, const QImage& thumbnail) {
        const int i = int(mPaths.indexOf(path));
        if (i >= 0)
            updateStatusItem(i, thumbnail);
    });
    // A file that cannot even be previewed cannot be opened either (the previews fall back on the same
    // reader): it is marked unreadable, with the reason, before anyone tries to show it.
    connect(mThumbnails, &ThumbnailCache::failed, this, [this](const QString& path, const QString& error) {
        const int i = int(mPaths.indexOf(path));
        if (i < 0 || mStatus[std::size_t(i)] != ImageStatus::NotPredicted || documentFor(path))
            return;
        mProblems[path] = error;
        mStatus[std::size_t(i)] = ImageStatus::Unreadable;
        updateStatusItem(i);
        updatePrefetch();
    });
    auto* imagesDock = new QDockWidget(tr("Images"), this);
    imagesDock->setObjectName(QStringLiteral("ImagesDock"));
    imagesDock->setWidget(mImageList);
    addDockWidget(Qt::LeftDockWidgetArea, imagesDock);
    connect(mImageList, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row >= 0 && row != mCurrent)
            showImage(row);
    });

    mClassesPanel = new ClassesPanel(mClasses, mController, this);
    mClassesPanel->setObjectName(QStringLiteral("ClassesPanel"));
    auto* classesDock = new QDockWidget(tr("Classes"), this);
    classesDock->setObjectName(QStringLiteral("ClassesDock"));
    classesDock->setWidget(mClassesPanel);
    addDockWidget(Qt::RightDockWidgetArea, classesDock);

    mCharts = new ChartsPanel(mClasses, this);
    mCharts->setObjectName(QStringLiteral("ChartsPanel"));
    auto* chartsDock = new QDockWidget(tr("Charts"), this);
    chartsDock->setObjectName(QStringLiteral("ChartsDock"));
    chartsDock->setWidget(mCharts);
    addDockWidget(Qt::RightDockWidgetArea, chartsDock);
    tabifyDockWidget(classesDock, chartsDock);
    classesDock->raise();

    // Status bar: image | hover | progress | times | device + model.
    mStatusImage = new QLabel(this);
    mStatusImage->setObjectName(QStringLiteral("StatusImage"));
    mStatusHover = new QLabel(this);
    mStatusHover->setObjectName(QStringLiteral("StatusHover"));
    mStatusTimes = new QLabel(this);
    mStatusTimes->setObjectName(QStringLiteral("StatusTimes"));
    mStatusModel = new QLabel(this);
    mStatusModel->setObjectName(QStringLiteral("StatusModel"));
    mStatusProject = new QLabel(this);
    mStatusProject->setObjectName(QStringLiteral("StatusProject"));
    mStatusProject->hide();
    mProgress = new QProgressBar(this);
    mProgress->setObjectName(QStringLiteral("BusyIndicator"));
    mProgress->setMaximumWidth(fontMetrics().horizontalAdvance(QLatin1Char('x')) * 28);
    mProgress->setTextVisible(true);
    mProgress->hide();
    statusBar()->addWidget(mStatusImage, 1);
    statusBar()->addWidget(mStatusHover, 1);
    statusBar()->addPermanentWidget(mProgress);
    statusBar()->addPermanentWidget(mStatusProject);
    statusBar()->addPermanentWidget(mStatusTimes);
    statusBar()->addPermanentWidget(mStatusModel);

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
        mStatusHover->setText(text);
    });
    connect(mCanvas, &CanvasView::hoverLeft, mStatusHover, &QLabel::clear);

    connect(mController, &SegmentationController::busyChanged, this, [this](bool busy, const QString& what) {
        mProgress->setVisible(busy);
        mProgress->setFormat(what);
        if (!busy || what.startsWith(tr("Pre-encoding")) || what == tr("Scoring"))
            mProgress->setRange(0, 0); // busy indicator; encoding progress sets a range below
    });
    connect(mController, &SegmentationController::progress, this, [this](double f, const QString& what) {
        if (f >= 0) {
            mProgress->setRange(0, 100);
            mProgress->setValue(int(f * 100));
        }
        mProgress->setFormat(what + QStringLiteral(" %p%"));
    });
    connect(mController, &SegmentationController::encoded, this, [this](const QString&, double ms) {
        mLastEncodeMs = ms;
        updateModelStatus();
    });
    connect(mController, &SegmentationController::scored, this, [this](ImageDocument* doc, double ms) {
        mLastScoreMs = ms;
        updateModelStatus();
        const int i = int(mPaths.indexOf(doc->path()));
        if (i >= 0 && mStatus[std::size_t(i)] != ImageStatus::Edited && mStatus[std::size_t(i)] != ImageStatus::Exported) {
            mStatus[std::size_t(i)] = ImageStatus::Predicted;
            updateStatusItem(i);
        }
    });
    connect(mController, &SegmentationController::prefetched, this, [this](const QString& path) {
        const int i = int(mPaths.indexOf(path));
        if (i >= 0 && mStatus[std::size_t(i)] == ImageStatus::NotPredicted) {
            mStatus[std::size_t(i)] = ImageStatus::Encoded;
            updateStatusItem(i);
        }
    });
    connect(mController, &SegmentationController::failed, this, [this](const QString& message) {
        statusBar()->showMessage(message, 8000);
        updateNotice();
    });
    connect(mClassesPanel, &ClassesPanel::selectionChanged, this, [this](int) { updateNotice(); });
    connect(mClassesPanel, &ClassesPanel::regionActivated, mCanvas, &CanvasView::showRegion);
    connect(mClasses, &QAbstractItemModel::rowsInserted, this, &MainWindow::updateNotice);

    // With a project open, its class table (labelmap.json) is the one source of truth for what label
    // ids mean: every change of the list is written there (debounced), not only on Ctrl+S, so an
    // autosave or a crash never leaves labels whose ids the project does not know. The settings
    // keep a copy only as the starting list for folders without a project.
    mClassSync = new QTimer(this);
    mClassSync->setSingleShot(true);
    mClassSync->setInterval(250);
    connect(mClassSync, &QTimer::timeout, this, &MainWindow::syncProjectClasses);
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(mClasses, signal, mClassSync, qOverload<>(&QTimer::start));
    connect(mClasses, &QAbstractItemModel::dataChanged, mClassSync, qOverload<>(&QTimer::start));
    connect(mClasses, &QAbstractItemModel::modelReset, mClassSync, qOverload<>(&QTimer::start));

    mAutosaver = new Autosaver(this);
    connect(mAutosaver, &Autosaver::failed, this, [this](const QString& m) {
        statusBar()->showMessage(tr("Autosave failed (your work stays in memory): %1").arg(m), 15000);
    });

    mLoader = new QFutureWatcher<LoadResult>(this);
    connect(mLoader, &QFutureWatcher<LoadResult>::finished, this, &MainWindow::imageLoaded);

    createActions();

    // Editing tools (ui/edit): their actions, the tool the canvas drives, the class they paint with.
    mToolBox = new ToolBox(this);
    mToolBox->setObjectName(QStringLiteral("ToolBox"));
    addToolActions(tr("Tools"), mToolBox->actions());
    connect(mToolBox, &ToolBox::toolChanged, this, &MainWindow::setActiveTool);
    connect(this, &MainWindow::documentChanged, mToolBox, &ToolBox::setDocument);
    connect(mToolBox, &ToolBox::message, this, [this](const QString& m) { statusBar()->showMessage(m, 4000); });
    connect(mClassesPanel, &ClassesPanel::selectionChanged, this, [this](int id) {
        if (id >= 0)
            mToolBox->setClassId(std::uint16_t(id));
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
    syncProjectClasses();
    mAutosaver->setProject(nullptr);
    delete mAutosaver;
    // Documents first: the canvas and the controller hold pointers to them.
    mCanvas->setDocument(nullptr);
    mController->setCurrent(nullptr, {});
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
        else if (mProject)
            statusBar()->showMessage(tr("Saved to %1").arg(QString::fromStdString(mProject->folder().string())), 4000);
        Q_EMIT saveRequested();
    });
    save->setShortcut(QKeySequence::Save);
    save->setObjectName(QStringLiteral("SaveAction"));
    file->addSeparator();
    // Export, import and statistics (ui/export) work on the project and the open documents.
    mExportActions = new ExportActions([this] { return editContext(); }, this);
    file->addActions(mExportActions->actions());
    connect(mExportActions, &ExportActions::message, this, [this](const QString& m) { statusBar()->showMessage(m, 6000); });
    connect(mExportActions, &ExportActions::exported, this, &MainWindow::markExported);
    file->addSeparator();
    file->addAction(themedIcon("chart"), tr("Open &training log..."), this, &MainWindow::openTrainingLog);
    file->addSeparator();
    auto* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    auto* edit = menuBar()->addMenu(tr("&Edit"));
    QAction* undo = mUndoGroup->createUndoAction(this, tr("&Undo"));
    undo->setIcon(themedIcon("undo"));
    undo->setShortcuts({QKeySequence::Undo});
    QAction* redo = mUndoGroup->createRedoAction(this, tr("&Redo"));
    redo->setIcon(themedIcon("redo"));
    redo->setShortcuts({QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z), QKeySequence(Qt::CTRL | Qt::Key_Y)});
    edit->addAction(undo);
    edit->addAction(redo);

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
    auto* actual = view->addAction(themedIcon("actual"), tr("&Actual size (100 %)"), mCanvas, [this] { mCanvas->setZoom(1.0); });
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
    connect(mConfirmedStyles, &QActionGroup::triggered, this, [this](QAction* a) { setConfirmedStyle(a->data().toInt()); });
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
        mImageList->setIconSize(on ? kThumbnailBox : QSize(16, 16));
        if (on)
            mThumbnails->request(mPaths);
        for (int i = 0; i < mPaths.size(); ++i)
            updateStatusItem(i);
    });
    auto* hideOverlay = view->addAction(tr("&Hide overlay"));
    hideOverlay->setCheckable(true);
    hideOverlay->setShortcut(QKeySequence(Qt::Key_H));
    connect(hideOverlay, &QAction::toggled, this, [this](bool hide) {
        mCanvas->setOverlayOpacity(hide ? 0.0 : mOpacity->value() / 100.0);
    });

    auto* model = menuBar()->addMenu(tr("&Model"));
    model->addAction(themedIcon("model"), tr("Choose &model and vectors..."), this, &MainWindow::chooseModelDialog);
    // Word senses: "flip-flop" is mostly the political term in the default vectors; with WordNet the name
    // takes the sense nearest the model's classes (the sandal). On by default, remembered.
    auto* senses = model->addAction(tr("Read names by their &word sense (WordNet)"));
    senses->setObjectName(QStringLiteral("WordSensesAction"));
    senses->setCheckable(true);
    senses->setChecked(QSettings().value(QStringLiteral("names/wordSenses"), true).toBool());
    senses->setToolTip(tr("A word with several meanings (flip-flop: a sandal, a reversal, a circuit) is read with the "
                          "meaning nearest the model's classes. Needs the WordNet database (Debian package wordnet-base)."));
    mController->setWordSenses(senses->isChecked());
    connect(senses, &QAction::toggled, this, [this](bool on) {
        QSettings().setValue(QStringLiteral("names/wordSenses"), on);
        mController->setWordSenses(on);
        if (on && !mController->wordSensesActive() && mController->embedder())
            statusBar()->showMessage(tr("Word senses need the WordNet database (install wordnet-base) and word vectors"), 8000);
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

void MainWindow::setActiveTool(Tool* tool) { mCanvas->setTool(tool); }

int MainWindow::confirmedStyle() const { return int(mCanvas->confirmedStyle()); }

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
    const QStringList files = QFileDialog::getOpenFileNames(
        this, tr("Open images"), s.value(QStringLiteral("files/lastFolder")).toString(),
        tr("Images (*.png *.jpg *.jpeg *.bmp *.tif *.tiff *.webp);;All files (*)"));
    if (!files.isEmpty())
        openPaths(files);
}

void MainWindow::openFolderDialog()
{
    QSettings s;
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open folder"), s.value(QStringLiteral("files/lastFolder")).toString());
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
                statusBar()->showMessage(QString::fromUtf8(e.what()), 8000);
            }
        } else if (fi.exists()) {
            lastFolder = fi.absolutePath();
            files << fi.absoluteFilePath();
        } else {
            statusBar()->showMessage(tr("%1: no such file or folder").arg(p), 8000);
        }
    }
    if (!lastFolder.isEmpty())
        QSettings().setValue(QStringLiteral("files/lastFolder"), lastFolder);
    mPaths = files;
    mStatus.assign(std::size_t(files.size()), ImageStatus::NotPredicted);
    mProblems.clear();
    mThumbnailShown.clear();
    {
        const QSignalBlocker block(mImageList);
        mImageList->clear();
        for (int i = 0; i < files.size(); ++i) {
            auto* item = new QListWidgetItem(QFileInfo(files[i]).fileName(), mImageList);
            item->setData(Qt::UserRole, files[i]);
            if (ImageDocument* doc = documentFor(files[i]); doc && doc->isModified())
                mStatus[std::size_t(i)] = ImageStatus::Edited;
            updateStatusItem(i);
        }
    }
    openProjectFor(files);
    statusFromProject();
    if (mThumbnailsAction->isChecked())
        mThumbnails->request(files);
    mCurrent = -1;
    Q_EMIT imagesOpened(files);
    if (files.isEmpty()) {
        activateDocument(nullptr);
        mStatusImage->setText(tr("No images found"));
        return;
    }
    showImage(0);
}

int MainWindow::imageCount() const { return int(mPaths.size()); }
int MainWindow::currentIndex() const { return mCurrent; }
QString MainWindow::currentPath() const { return mCurrent >= 0 ? mPaths[mCurrent] : QString(); }

MainWindow::ImageStatus MainWindow::imageStatus(int index) const
{
    return index >= 0 && index < int(mStatus.size()) ? mStatus[std::size_t(index)] : ImageStatus::NotPredicted;
}

QString MainWindow::imageProblem(int index) const
{
    return index >= 0 && index < mPaths.size() ? mProblems.value(mPaths[index]) : QString();
}

void MainWindow::setImageStatus(const QString& path, ImageStatus status)
{
    const int i = int(mPaths.indexOf(path));
    if (i < 0)
        return;
    const ImageStatus before = mStatus[std::size_t(i)];
    mStatus[std::size_t(i)] = status;
    updateStatusItem(i);
    if (!mProject || before == status || (before != ImageStatus::Exported && status != ImageStatus::Exported))
        return;
    // The mark lives in the project, so "exported" survives a restart and an edit clears it.
    const std::string key = zm::Project::keyOf(path.toStdString());
    try {
        if (status == ImageStatus::Exported)
            mProject->markExported({key});
        else
            mProject->clearExported(key);
    } catch (const std::exception& e) {
        statusBar()->showMessage(tr("Could not record the export status: %1").arg(QString::fromUtf8(e.what())), 8000);
    }
}

void MainWindow::markExported(const QStringList& keys)
{
    // One pass over the list, then one look-up per key: a whole-project export of 10,000 images
    // must not cost keys x images comparisons on the GUI thread.
    QMultiHash<QString, int> indexOf;
    indexOf.reserve(mPaths.size());
    for (int i = 0; i < mPaths.size(); ++i)
        indexOf.insert(QFileInfo(mPaths[i]).fileName(), i); // zm::Project::keyOf: the file name
    std::vector<std::string> marks;
    marks.reserve(std::size_t(keys.size()));
    for (const QString& k : keys) {
        for (auto it = indexOf.constFind(k); it != indexOf.cend() && it.key() == k; ++it) {
            mStatus[std::size_t(*it)] = ImageStatus::Exported;
            updateStatusItem(*it);
        }
        marks.push_back(k.toStdString());
    }
    if (!mProject || marks.empty())
        return;
    try {
        mProject->markExported(marks); // one write for a whole-project export
    } catch (const std::exception& e) {
        statusBar()->showMessage(tr("Could not record the export status: %1").arg(QString::fromUtf8(e.what())), 8000);
    }
}

void MainWindow::statusFromProject()
{
    if (!mProject)
        return;
    for (int i = 0; i < mPaths.size(); ++i) {
        ImageStatus& s = mStatus[std::size_t(i)];
        if (s != ImageStatus::NotPredicted)
            continue; // an open document's status is newer than the files
        const std::string key = zm::Project::keyOf(mPaths[i].toStdString());
        try {
            if (mProject->isExported(key))
                s = ImageStatus::Exported;
            else if (mProject->hasAnnotation(key) || mProject->hasAutosave(key))
                s = ImageStatus::Edited;
        } catch (const std::exception&) {
            // A file name the project cannot hold: no status from it.
        }
        if (s != ImageStatus::NotPredicted)
            updateStatusItem(i);
    }
}

void MainWindow::setWritableCheck(std::function<bool(const QString&)> check) { mWritable = std::move(check); }

void MainWindow::updateStatusItem(int index, const QImage& fresh)
{
    QListWidgetItem* item = mImageList->item(index);
    if (!item)
        return;
    const ImageStatus s = mStatus[std::size_t(index)];
    const QString& path = mPaths[index];
    const bool thumbs = mThumbnailsAction && mThumbnailsAction->isChecked();
    const QImage thumbnail = !thumbs ? QImage() : !fresh.isNull() ? fresh : mThumbnails->cached(path);
    if (!thumbnail.isNull()) {
        mThumbnailShown.insert(path);
        item->setIcon(statusIcon(s, thumbnail, mImageList->iconSize(), mImageList->devicePixelRatioF()));
    } else {
        // A thumbnail shown before but evicted from the memory cache since: asked for again (from the
        // disk cache), it replaces the dot when it comes back instead of being lost for good.
        if (thumbs && s != ImageStatus::Unreadable && mThumbnailShown.contains(path))
            mThumbnails->requestFirst(path);
        // Dot-only items share one icon per status: no pixmap per item.
        const QSize box = mImageList->iconSize();
        const qreal dpr = mImageList->devicePixelRatioF();
        const QString key = QStringLiteral("%1|%2x%3|%4").arg(int(s)).arg(box.width()).arg(box.height()).arg(dpr);
        auto it = mDotIcons.find(key);
        if (it == mDotIcons.end())
            it = mDotIcons.insert(key, statusIcon(s, QImage(), box, dpr));
        item->setIcon(*it);
    }
    item->setData(Qt::AccessibleDescriptionRole, statusText(s));
    QString tip = QStringLiteral("%1\n%2").arg(mPaths[index], statusText(s));
    if (s == ImageStatus::Unreadable)
        tip += QStringLiteral("\n") + mProblems.value(mPaths[index]);
    item->setToolTip(tip);
    item->setForeground(s == ImageStatus::Unreadable ? QBrush(QColor(200, 30, 30)) : QBrush());
}

ImageDocument* MainWindow::documentFor(const QString& path) const { return mDocuments.value(path, nullptr); }
ImageDocument* MainWindow::currentDocument() const { return mCanvas->document(); }

void MainWindow::showImage(int index)
{
    if (index < 0 || index >= mPaths.size())
        return;
    mCurrent = index;
    {
        const QSignalBlocker block(mImageList);
        mImageList->setCurrentRow(index);
    }
    const QString path = mPaths[index];
    mStatusImage->setText(tr("%1  (%2/%3)").arg(QFileInfo(path).fileName()).arg(index + 1).arg(mPaths.size()));
    if (ImageDocument* doc = documentFor(path); doc && !doc->image().empty()) {
        activateDocument(doc);
        return;
    }
    // Read the file in a worker: a 4000x3000 JPEG takes longer than a frame.
    mLoading = index;
    zm::Image prefetched = mController->takePrefetchedImage(path);
    mLoader->setFuture(QtConcurrent::run([path, img = std::move(prefetched)]() mutable {
        LoadResult r;
        r.path = path;
        try {
            r.image = img.empty() ? zm::loadImageRgb(path.toStdString()) : std::move(img);
            r.display = CanvasView::displayImage(r.image);
            r.shared = std::make_shared<const zm::Image>(r.image);
        } catch (const std::exception& e) {
            r.error = QString::fromUtf8(e.what());
        }
        return r;
    }));
}

void MainWindow::imageLoaded()
{
    LoadResult r = mLoader->future().takeResult();
    const int i = int(mPaths.indexOf(r.path));
    if (!r.error.isEmpty()) {
        if (i >= 0) {
            mProblems[r.path] = r.error;
            mStatus[std::size_t(i)] = ImageStatus::Unreadable;
            updateStatusItem(i);
        }
        if (i == mCurrent) {
            activateDocument(nullptr);
            mStatusImage->setText(tr("Cannot show %1: %2").arg(QFileInfo(r.path).fileName(), r.error));
            statusBar()->showMessage(r.error, 8000);
        }
        return;
    }
    ImageDocument* doc = documentFor(r.path);
    if (!doc) {
        doc = new ImageDocument(r.path, this);
        mDocuments.insert(r.path, doc);
        mUndoGroup->addStack(doc->undoStack());
        mAutosaver->watch(doc);
        // Loading saved work (setState) emits no edited(): only people's changes reach this.
        connect(doc, &ImageDocument::edited, this, [this, doc] {
            const int k = int(mPaths.indexOf(doc->path()));
            if (k >= 0 && mStatus[std::size_t(k)] != ImageStatus::Edited)
                setImageStatus(doc->path(), ImageStatus::Edited); // an exported image changed: mark dropped
        });
    }
    const int w = r.image.width, h = r.image.height;
    mCanvas->cacheDisplayImage(r.path, std::move(r.display));
    const bool fresh = doc->image().empty();
    doc->setImage(std::move(r.image));
    // Saved work on this image comes back (people's pixels, then the prediction fills the rest).
    const std::string key = zm::Project::keyOf(r.path.toStdString());
    if (fresh && mProject && mProject->hasAnnotation(key)) {
        try {
            doc->setState(mProject->load(key));
            if (i >= 0) {
                mStatus[std::size_t(i)] = mProject->isExported(key) ? ImageStatus::Exported : ImageStatus::Edited;
                updateStatusItem(i);
            }
        } catch (const std::exception& e) {
            statusBar()->showMessage(QString::fromUtf8(e.what()), 10000);
        }
    }
    if (i == mCurrent) {
        // Showing is a second event: a 12-megapixel document's set-up and its first overlay render
        // then never add up to one long stall of the event loop.
        QTimer::singleShot(0, this, [this, doc, shared = r.shared, path = r.path] {
            if (currentPath() == path)
                activateDocument(doc, shared);
        });
        mStatusImage->setText(tr("%1  %2x%3  (%4/%5)")
                                  .arg(QFileInfo(r.path).fileName())
                                  .arg(w)
                                  .arg(h)
                                  .arg(mCurrent + 1)
                                  .arg(mPaths.size()));
    } else if (mCurrent >= 0 && !documentFor(mPaths[mCurrent])) {
        showImage(mCurrent); // the person moved on while this was read
    }
}

void MainWindow::activateDocument(ImageDocument* doc, std::shared_ptr<const zm::Image> pixels)
{
    mCanvas->setDocument(doc);
    mCharts->setDocument(doc);
    mUndoGroup->setActiveStack(doc ? doc->undoStack() : nullptr);
    mController->setCurrent(doc, doc ? SegmentationController::keyFor(doc->path()) : QString(), std::move(pixels));
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
            if (k >= 0 && k < mPaths.size() && mStatus[std::size_t(k)] != ImageStatus::Unreadable)
                next << mPaths[k];
        }
    }
    mController->setPrefetch(next);
}

void MainWindow::next(int delta)
{
    if (mPaths.isEmpty())
        return;
    const int n = int(mPaths.size());
    showImage(((mCurrent < 0 ? 0 : mCurrent) + delta + n) % n);
}

bool MainWindow::loadModel(const QString& path, QString* error)
{
    if (path.isEmpty()) {
        mModelProblem = tr("No model found. The default model ships in models/default (install the package, or "
                           "train one: see README); choose one in Model > Choose model and vectors.");
        if (error)
            *error = mModelProblem;
        updateModelStatus();
        updateNotice();
        return false;
    }
    try {
        QApplication::setOverrideCursor(Qt::WaitCursor);
        auto backend = loadSegmenterBackend(path.toStdString());
        QApplication::restoreOverrideCursor();
        setBackend(std::move(backend), path);
        return true;
    } catch (const std::exception& e) {
        QApplication::restoreOverrideCursor();
        mModelProblem = tr("Model not loaded: %1").arg(QString::fromUtf8(e.what()));
        if (error)
            *error = mModelProblem;
        updateModelStatus();
        updateNotice();
        return false;
    }
}

bool MainWindow::loadVectors(const QString& path, QString* error)
{
    if (path.isEmpty()) {
        mVectorsProblem = tr("No word vectors found: run scripts/setup.sh (it builds the default vectors), or "
                             "choose a fastText .bin in Model > Choose model and vectors.");
        if (error)
            *error = mVectorsProblem;
        updateNotice();
        return false;
    }
    try {
        QApplication::setOverrideCursor(Qt::WaitCursor);
        auto embedder = loadEmbedder(path.toStdString());
        QApplication::restoreOverrideCursor();
        setEmbedder(std::move(embedder), path);
        return true;
    } catch (const std::exception& e) {
        QApplication::restoreOverrideCursor();
        mVectorsProblem = tr("Vectors not loaded: %1").arg(QString::fromUtf8(e.what()));
        if (error)
            *error = mVectorsProblem;
        updateNotice();
        return false;
    }
}

void MainWindow::setBackend(std::shared_ptr<const Backend> backend, const QString& path)
{
    mModelPath = path;
    mModelProblem.clear();
    const float gamma = backend ? backend->defaultGamma() : 0.0f;
    mController->setBackend(std::move(backend));
    mClassesPanel->setModelGamma(gamma);
    mLastEncodeMs = mLastScoreMs = -1;
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
    const QString model = mController->backend() ? mController->backend()->modelName() : tr("no model");
    mStatusModel->setText(tr("%1 | %2").arg(device, model));
    mStatusModel->setToolTip(mModelPath);
    QStringList times;
    if (mLastEncodeMs >= 0)
        times << tr("encode %1 ms").arg(mLastEncodeMs, 0, 'f', 0);
    if (mLastScoreMs >= 0)
        times << tr("score %1 ms").arg(mLastScoreMs, 0, 'f', 0);
    mStatusTimes->setText(times.join(QStringLiteral(", ")));
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
    QString error;
    if (dialog.vectorsPath() != mVectorsPath && !loadVectors(dialog.vectorsPath(), &error))
        QMessageBox::warning(this, tr("Vectors"), error);
    if (dialog.modelPath() != mModelPath && !loadModel(dialog.modelPath(), &error))
        QMessageBox::warning(this, tr("Model"), error);
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
    box.setInformativeText(QString::fromStdString(zm::runtimeReport()) + QStringLiteral("\nQt %1").arg(QString::fromLatin1(qVersion())));
    box.exec();
}

bool MainWindow::saveProject(QString* error)
{
    saveSettings();
    if (!mProject)
        return true; // nothing open (or a read-only folder): the classes live in the settings
    mClassSync->stop();
    try {
        const zm::ClassTable table = projectClassTable();
        if (!(table == mProject->classes()))
            mProject->setClasses(table);
    } catch (const std::exception& e) {
        if (error)
            *error = QString::fromUtf8(e.what());
        return false;
    }
    return mAutosaver->saveAll(error);
}

zm::ClassTable MainWindow::projectClassTable() const
{
    zm::ClassTable table =
        mClasses->toClassTable(mController->embedder() ? mController->embedder()->spaceId() : zm::VectorSpaceId{});
    // What the list does not know is kept from the project's table: the vector space when no vectors
    // are loaded, and the model that made the predictions (the loaded one, else the recorded one).
    const zm::ClassTable current = mProject ? mProject->classes() : zm::ClassTable();
    if (!table.vectorSpace.valid())
        table.vectorSpace = current.vectorSpace;
    if (mController->backend())
        table.model = {{"name", mController->backend()->modelName().toStdString()}, {"path", mModelPath.toStdString()}};
    else
        table.model = current.model;
    return table;
}

void MainWindow::syncProjectClasses()
{
    mClassSync->stop();
    if (!mProject)
        return;
    try {
        const zm::ClassTable table = projectClassTable();
        if (!(table == mProject->classes()))
            mProject->setClasses(table);
    } catch (const std::exception& e) {
        statusBar()->showMessage(tr("Could not save the class list into the project: %1").arg(QString::fromUtf8(e.what())),
                                 10000);
    }
}

ImageDocument* MainWindow::documentForKey(const std::string& key) const
{
    for (const QString& p : mPaths)
        if (zm::Project::keyOf(p.toStdString()) == key)
            return documentFor(p);
    return nullptr;
}

EditContext MainWindow::editContext() const
{
    EditContext c;
    c.current = currentDocument();
    c.project = mProject.get();
    try {
        c.classes = mClasses->toClassTable();
    } catch (const std::exception&) {
        // An empty table: the dialogs say there is nothing to export.
    }
    c.documentFor = [this](const std::string& key) { return documentForKey(key); };
    c.saveAll = [this](QString* error) { return mAutosaver->saveAll(error); };
    return c;
}

void MainWindow::openProjectFor(const QStringList& files)
{
    if (files.isEmpty())
        return;
    const QString imagesDir = QFileInfo(files.front()).absolutePath();
    const std::filesystem::path dir = imagesDir.toStdString();
    // Beside the images when that folder can be written, else a per-user folder (projectlocation.h).
    ProjectLocation where = locateProject(imagesDir, mWritable ? mWritable : WritableCheck(canWriteInto));
    if (mProject && mProject->folder() == where.folder)
        return;
    // Finish writing into the old project (classes, then pending autosaves) before switching.
    syncProjectClasses();
    mAutosaver->setProject(nullptr);
    mProject.reset();
    mProjectFallback = false;
    mStatusProject->hide();
    try {
        mProject = zm::Project::openOrCreate(where.folder, dir);
    } catch (const std::exception& e) {
        if (where.fallback) {
            statusBar()->showMessage(tr("Autosave is off: %1").arg(QString::fromUtf8(e.what())), 15000);
            return;
        }
        // The check passed but creating failed (a race, a full disk): the per-user folder, then.
        const std::filesystem::path perUser = fallbackProjectFolder(imagesDir);
        try {
            mProject = zm::Project::openOrCreate(perUser, dir);
            where = {perUser, true,
                     tr("%1 could not be created (%2): your work is saved in %3")
                         .arg(QString::fromStdString(where.folder.string()), QString::fromUtf8(e.what()),
                              QString::fromStdString(perUser.string()))};
        } catch (const std::exception& e2) {
            statusBar()->showMessage(tr("Autosave is off: %1").arg(QString::fromUtf8(e2.what())), 15000);
            return;
        }
    }
    if (where.fallback) {
        mProjectFallback = true;
        mStatusProject->setText(tr("Project: per-user folder"));
        mStatusProject->setToolTip(where.reason);
        mStatusProject->show();
        statusBar()->showMessage(where.reason, 20000);
    }
    mAutosaver->setProject(mProject.get());
    // The project's classes are what its labels mean: they replace the session's list.
    const zm::ClassTable table = mProject->classes();
    if (!table.empty())
        mClasses->fromClassTable(table, [this](const QString& n, QString* p) { return mController->embed(n, p); });
    else if (mClasses->rowCount() > 0)
        syncProjectClasses(); // a new project starts with the session's classes
    if (!mProject->recoverable().empty())
        QTimer::singleShot(0, this, [this] {
            if (mProject)
                offerRecovery(this, *mProject, [this](const std::string& key) { return documentForKey(key); });
        });
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
    // The last session's classes come back; their vectors follow when vectors are loaded.
    const QJsonArray classes = QJsonDocument::fromJson(s.value(QStringLiteral("classes/list")).toByteArray()).array();
    if (!classes.isEmpty() && mClasses->rowCount() == 0)
        mClasses->fromJson(classes, [this](const QString& n, QString* p) { return mController->embed(n, p); });
}

void MainWindow::loadAsync(const QString& model, const QString& vectors)
{
    struct Loaded {
        std::shared_ptr<const Backend> backend;
        std::shared_ptr<const zm::ClassEmbedder> embedder;
        QString modelError, vectorsError;
    };
    mStatusModel->setText(tr("Loading model and vectors..."));
    mProgress->setRange(0, 0);
    mProgress->setFormat(tr("Loading model and vectors"));
    mProgress->show();
    // Vectors files are hundreds of MB: read them off the GUI thread.
    auto* watcher = new QFutureWatcher<Loaded>(this);
    connect(watcher, &QFutureWatcher<Loaded>::finished, this, [this, watcher, model, vectors] {
        watcher->deleteLater();
        const Loaded r = watcher->result();
        mProgress->hide();
        if (r.embedder)
            setEmbedder(r.embedder, vectors);
        else
            mVectorsProblem = r.vectorsError;
        if (r.backend)
            setBackend(r.backend, model);
        else
            mModelProblem = r.modelError;
        updateModelStatus();
        updateNotice();
    });
    watcher->setFuture(QtConcurrent::run([model, vectors] {
        Loaded r;
        if (model.isEmpty())
            r.modelError = tr("No model found. The default model ships in models/default (install the package, or "
                              "train one: see README); choose one in Model > Choose model and vectors.");
        else
            try {
                r.backend = loadSegmenterBackend(model.toStdString());
            } catch (const std::exception& e) {
                r.modelError = tr("Model not loaded: %1").arg(QString::fromUtf8(e.what()));
            }
        if (vectors.isEmpty())
            r.vectorsError = tr("No word vectors found: run scripts/setup.sh (it builds the default vectors), or "
                                "choose a fastText .bin in Model > Choose model and vectors.");
        else
            try {
                r.embedder = loadEmbedder(vectors.toStdString());
            } catch (const std::exception& e) {
                r.vectorsError = tr("Vectors not loaded: %1").arg(QString::fromUtf8(e.what()));
            }
        return r;
    }));
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    saveSettings();
    QMainWindow::closeEvent(event);
}

} // namespace zm::ui
