// Main window wiring.
#include "ui/app/mainwindow.h"

#include "ui/canvas/canvasview.h"
#include "ui/panels/classespanel.h"

#include "core/io/image_io.h"
#include "core/runtime/runtime.h"

#include <QAction>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QKeySequence>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QStatusBar>
#include <QToolBar>

namespace zm::ui {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent)
{
    setWindowTitle(QStringLiteral("ZeroMask"));
    setObjectName(QStringLiteral("MainWindow"));
    mCanvas = new CanvasView(this);
    mCanvas->setObjectName(QStringLiteral("Canvas"));
    setCentralWidget(mCanvas);

    mImageList = new QListWidget(this);
    mImageList->setObjectName(QStringLiteral("ImageList"));
    auto* imagesDock = new QDockWidget(tr("Images"), this);
    imagesDock->setObjectName(QStringLiteral("ImagesDock"));
    imagesDock->setWidget(mImageList);
    addDockWidget(Qt::LeftDockWidgetArea, imagesDock);
    connect(mImageList, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row >= 0 && row != mCurrent)
            showImage(row);
    });

    mClasses = new ClassesPanel(this);
    mClasses->setObjectName(QStringLiteral("ClassesPanel"));
    auto* classesDock = new QDockWidget(tr("Classes"), this);
    classesDock->setObjectName(QStringLiteral("ClassesDock"));
    classesDock->setWidget(mClasses);
    addDockWidget(Qt::RightDockWidgetArea, classesDock);

    const RuntimeInfo rt = runtimeInfo();
    mStatusDevice = new QLabel(rt.cudaAvailable ? tr("Device: CUDA") : tr("Device: CPU (%1 threads)").arg(rt.threads));
    mStatusImage = new QLabel;
    statusBar()->addWidget(mStatusImage, 1);
    statusBar()->addPermanentWidget(mStatusDevice);

    createActions();
    resize(1280, 800);
}

MainWindow::~MainWindow() = default;

void MainWindow::createActions()
{
    auto* file = menuBar()->addMenu(tr("&File"));
    auto* open = file->addAction(QIcon(QStringLiteral(":/icons/open.svg")), tr("&Open..."), this, &MainWindow::openDialog);
    open->setShortcut(QKeySequence::Open);
    file->addSeparator();
    auto* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    auto* view = menuBar()->addMenu(tr("&View"));
    auto* prev = view->addAction(QIcon(QStringLiteral(":/icons/prev.svg")), tr("&Previous image"), this, [this] { next(-1); });
    prev->setShortcuts({QKeySequence(Qt::Key_A), QKeySequence(Qt::Key_PageUp)});
    auto* nxt = view->addAction(QIcon(QStringLiteral(":/icons/next.svg")), tr("&Next image"), this, [this] { next(+1); });
    nxt->setShortcuts({QKeySequence(Qt::Key_D), QKeySequence(Qt::Key_PageDown)});
    auto* fit = view->addAction(tr("&Fit to window"), mCanvas, &CanvasView::fitToWindow);
    fit->setShortcut(QKeySequence(Qt::Key_F));

    auto* tb = addToolBar(tr("Main"));
    tb->setObjectName(QStringLiteral("MainToolBar"));
    tb->addAction(open);
    tb->addAction(prev);
    tb->addAction(nxt);
}

void MainWindow::openDialog()
{
    const QStringList files = QFileDialog::getOpenFileNames(this, tr("Open images"), QString(),
                                                            tr("Images (*.png *.jpg *.jpeg *.bmp *.tif *.tiff *.webp)"));
    if (!files.isEmpty())
        openPaths(files);
}

void MainWindow::openPaths(const QStringList& paths)
{
    QStringList files;
    for (const QString& p : paths) {
        QFileInfo fi(p);
        if (fi.isDir()) {
            try {
                for (const auto& f : zm::listImages(fi.absoluteFilePath().toStdString()))
                    files << QString::fromStdString(f.string());
            } catch (const std::exception& e) {
                statusBar()->showMessage(QString::fromUtf8(e.what()), 5000);
            }
        } else {
            files << fi.absoluteFilePath();
        }
    }
    mPaths = files;
    mImageList->clear();
    for (const QString& f : files)
        mImageList->addItem(QFileInfo(f).fileName());
    mCurrent = -1;
    if (!files.isEmpty())
        mImageList->setCurrentRow(0);
}

int MainWindow::imageCount() const { return int(mPaths.size()); }
int MainWindow::currentIndex() const { return mCurrent; }

void MainWindow::showImage(int index)
{
    if (index < 0 || index >= mPaths.size())
        return;
    mCurrent = index;
    mImageList->setCurrentRow(index);
    const QString path = mPaths[index];
    try {
        ImageInfo info;
        const Image img = loadImageRgb(path.toStdString(), &info);
        mCanvas->setImage(img);
        mStatusImage->setText(tr("%1  %2x%3").arg(QFileInfo(path).fileName()).arg(img.width).arg(img.height));
    } catch (const std::exception& e) {
        mCanvas->clear();
        mStatusImage->setText(QString::fromUtf8(e.what()));
    }
}

void MainWindow::next(int delta)
{
    if (mPaths.isEmpty())
        return;
    const int n = int(mPaths.size());
    showImage(((mCurrent < 0 ? 0 : mCurrent) + delta + n) % n);
}

} // namespace zm::ui
