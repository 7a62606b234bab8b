// Helpers for GUI tests: isolated settings, generated images, a main window with fake model+vectors.
#pragma once
#include "ui/app/mainwindow.h"
#include "ui/document/imagedocument.h"
#include "ui/panels/classespanel.h"
#include "tests/support/testdir.h"
#include "tests/ui/support/fakes.h"

#include "core/io/image_io.h"

#include <QCoreApplication>
#include <QDir>
#include <QLineEdit>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

namespace zm::test {

/// Settings go to a folder of this test process (ctest runs tests in parallel processes, which must not
/// clear or overwrite each other's settings) and start empty.
inline void isolateSettings()
{
    static QTemporaryDir folder(QDir::tempPath() + QStringLiteral("/zm-ui-settings-XXXXXX"));
    QStandardPaths::setTestModeEnabled(true);
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, folder.path());
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, folder.path());
    QCoreApplication::setOrganizationName(QStringLiteral("ZeroMaskTest"));
    QCoreApplication::setApplicationName(QStringLiteral("zeromask-ui-test"));
    QSettings().clear();
}

/// Left half red, right half green, a blue square in the top-left corner.
inline Image threeColourImage(int w, int h)
{
    Image img(w, h, 3);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            std::uint8_t* p = img.row(y) + x * 3;
            if (x < w / 4 && y < h / 4) {
                p[2] = 220;
            } else if (x < w / 2) {
                p[0] = 200;
                p[1] = 20;
            } else {
                p[1] = 180;
                p[0] = 10;
            }
        }
    return img;
}

inline bool waitFor(const std::function<bool()>& cond, int ms = 10000) { return QTest::qWaitFor(cond, ms); }

/// A main window (no session restore) with isolated settings, the fake model and fake vectors, and the
/// steps most GUI tests take. Test files derive their fixtures from it.
struct MainWindowHarness {
    /// The test's folder. Declared before the window so that it outlives it: the window saves the
    /// project's label map when it closes, and must not recreate a folder already removed.
    TempDir dir;
    std::shared_ptr<FakeBackend> backend = std::make_shared<FakeBackend>();
    std::shared_ptr<FakeEmbedder> embedder = std::make_shared<FakeEmbedder>();
    std::unique_ptr<ui::MainWindow> w;

    /// `writable`, if given, replaces the window's check whether an image folder is writable.
    explicit MainWindowHarness(std::function<bool(const QString&)> writable = {})
    {
        isolateSettings();
        w = std::make_unique<ui::MainWindow>(nullptr, false);
        w->setEmbedder(embedder);
        w->setBackend(backend);
        if (writable)
            w->setWritableCheck(std::move(writable));
    }
    /// Types a class name into the Classes panel and presses Enter.
    void typeClass(const QString& name)
    {
        QLineEdit* edit = w->classesPanel()->nameEdit();
        edit->setText(name);
        QTest::keyClick(edit, Qt::Key_Return);
    }
    /// Waits until the current document has its image (null if none came).
    ui::ImageDocument* waitForDocument()
    {
        waitFor([&] { return w->currentDocument() && !w->currentDocument()->image().empty(); });
        return w->currentDocument();
    }
};

} // namespace zm::test
