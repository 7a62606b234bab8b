// Memory while browsing a large folder in the real window (offscreen): every image is shown in turn,
// read, encoded and scored (the test suite's colour model, so the figures are the GUI's own memory, not
// a network's), and the peak resident memory of the process is printed. Each configuration runs in a
// child process of its own (a clean peak), side by side in one run:
//   bounded    the documents' memory budget (default 1 GiB; --budget-mib)
//   unbounded  every visited document kept whole (what the window did before the budget)
// Usage: bench_ui_documents [--images N (2000)] [--size WxH (640x480)] [--budget-mib M (1024)]
//                           [--only bounded|unbounded]
// Prints one line per configuration: images, peak RSS, RSS at the end, documents open and their bytes,
// the seconds it took. Asserts nothing.
#include "ui/app/mainwindow.h"
#include "ui/document/documentmanager.h"
#include "ui/document/imagedocument.h"
#include "ui/engine/segmentationcontroller.h"
#include "tests/support/testdir.h"
#include "tests/ui/support/fakes.h"

#include "core/io/image_io.h"
#include "core/runtime/runtime.h"

#include <QAction>
#include <QApplication>
#include <QElapsedTimer>
#include <QStandardPaths>
#include <QTest>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

using namespace zm;

namespace {

/// A field of /proc/self/status in MiB (VmHWM: peak resident, VmRSS: resident now).
double procStatusMiB(const char* field)
{
    std::ifstream in("/proc/self/status");
    std::string line;
    const std::string key = std::string(field) + ":";
    while (std::getline(in, line))
        if (line.rfind(key, 0) == 0)
            return std::atof(line.c_str() + key.size()) / 1024.0; // kB
    return -1;
}

bool parseSize(const char* s, int& w, int& h) { return std::sscanf(s, "%dx%d", &w, &h) == 2 && w > 0 && h > 0; }

int runChild(int images, int w, int h, long long budgetMiB)
{
    test::TempDir dir;
    // A few real PNGs, hard-linked under N names: N distinct images to the window at little disk cost.
    const int distinct = 8;
    for (int k = 0; k < distinct; ++k) {
        Image img(w, h, 3);
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x) {
                std::uint8_t* p = img.row(y) + std::size_t(x) * 3;
                p[0] = std::uint8_t((x * 255 / w + k * 40) % 256);
                p[1] = std::uint8_t(y * 255 / h);
                p[2] = std::uint8_t((x + y + k * 17) % 256);
            }
        saveImage(dir / ("src" + std::to_string(k) + ".png"), img);
    }
    std::filesystem::create_directories(dir / "folder");
    for (int i = 0; i < images; ++i) {
        char name[32];
        std::snprintf(name, sizeof name, "img%05d.png", i);
        std::filesystem::create_hard_link(dir / ("src" + std::to_string(i % distinct) + ".png"), dir / "folder" / name);
    }

    ui::MainWindow window(nullptr, false);
    window.findChild<QAction*>(QStringLiteral("ThumbnailsAction"))->setChecked(false);
    window.setEmbedder(std::make_shared<test::FakeEmbedder>());
    window.setBackend(std::make_shared<test::FakeBackend>());
    for (const char* c : {"red", "green", "blue"})
        window.controller()->addClass(QString::fromLatin1(c));
    window.documents()->setMemoryBudget(budgetMiB < 0 ? std::size_t(-1) : std::size_t(budgetMiB) << 20);
    window.openPaths({QString::fromStdString((dir / "folder").string())});
    QElapsedTimer t;
    t.start();
    for (int i = 0; i < images; ++i) {
        window.showImage(i);
        const bool ok = QTest::qWaitFor(
            [&] {
                const ui::ImageDocument* doc = window.currentDocument();
                return window.currentIndex() == i && doc && !doc->image().empty() &&
                       window.imageStatus(i) == ui::MainWindow::ImageStatus::Predicted;
            },
            20000);
        if (!ok) {
            std::fprintf(stderr, "image %d was not shown and predicted in 20 s\n", i);
            return 1;
        }
    }
    const double seconds = t.elapsed() / 1000.0;
    std::printf("%-10s %6d images %dx%d  peak RSS %7.0f MiB  RSS at end %7.0f MiB  documents open %5d (%6.0f MiB)  %5.1f s\n",
                budgetMiB < 0 ? "unbounded" : "bounded", images, w, h, procStatusMiB("VmHWM"), procStatusMiB("VmRSS"),
                window.documents()->documentCount(), window.documents()->residentBytes() / 1048576.0, seconds);
    std::fflush(stdout);
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    if (!std::getenv("QT_QPA_PLATFORM"))
        setenv("QT_QPA_PLATFORM", "offscreen", 1);
    int images = 2000, w = 640, h = 480;
    long long budgetMiB = 1024;
    std::string only;
    bool child = false;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--images") && i + 1 < argc)
            images = std::max(1, std::atoi(argv[++i]));
        else if (!std::strcmp(argv[i], "--size") && i + 1 < argc && parseSize(argv[i + 1], w, h))
            ++i;
        else if (!std::strcmp(argv[i], "--budget-mib") && i + 1 < argc)
            budgetMiB = std::atoll(argv[++i]);
        else if (!std::strcmp(argv[i], "--only") && i + 1 < argc)
            only = argv[++i];
        else if (!std::strcmp(argv[i], "--child"))
            child = true;
        else {
            std::fprintf(stderr, "usage: bench_ui_documents [--images N] [--size WxH] [--budget-mib M] "
                                 "[--only bounded|unbounded]\n");
            return 2;
        }
    }
    if (child) {
        QApplication app(argc, argv);
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("ZeroMaskBench"));
        QCoreApplication::setApplicationName(QStringLiteral("zeromask-bench-documents"));
        zm::initRuntime();
        return runChild(images, w, h, budgetMiB);
    }
    std::printf("Browsing %d images of %dx%d, each shown, encoded and scored (colour model); budget %lld MiB.\n"
                "Per document: %.1f MiB whole (pixels 3, labels 2, prediction 2, confidence 4, confirmed 1 B/px).\n",
                images, w, h, budgetMiB, double(w) * h * 12 / 1048576.0);
    std::fflush(stdout);
    int rc = 0;
    for (const char* mode : {"bounded", "unbounded"}) {
        if (!only.empty() && only != mode)
            continue;
        const std::string cmd = std::string("\"") + argv[0] + "\" --child --images " + std::to_string(images) +
                                " --size " + std::to_string(w) + "x" + std::to_string(h) + " --budget-mib " +
                                (std::strcmp(mode, "bounded") == 0 ? std::to_string(budgetMiB) : std::string("-1"));
        rc |= std::system(cmd.c_str());
    }
    return rc == 0 ? 0 : 1;
}
