// The main window: image list (left), canvas (centre), classes panel (right), status bar.
#pragma once
#include <QMainWindow>
#include <QStringList>

class QLabel;
class QListWidget;

namespace zm::ui {

class CanvasView;
class ClassesPanel;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    /// Opens files and folders (folders contribute their images, in natural order).
    void openPaths(const QStringList& paths);
    int imageCount() const;
    int currentIndex() const;
    void showImage(int index);

    CanvasView* canvas() const { return mCanvas; }
    ClassesPanel* classesPanel() const { return mClasses; }
    QListWidget* imageList() const { return mImageList; }

private:
    void createActions();
    void openDialog();
    void next(int delta);

    QListWidget* mImageList = nullptr;
    CanvasView* mCanvas = nullptr;
    ClassesPanel* mClasses = nullptr;
    QLabel* mStatusDevice = nullptr;
    QLabel* mStatusImage = nullptr;
    QStringList mPaths;
    int mCurrent = -1;
};

} // namespace zm::ui
