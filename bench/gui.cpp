// GUI speed, measured on the real widgets (offscreen): prints figures, asserts nothing.
//   1. Enter on a new class name -> overlay re-rendered and repainted, 1024x768, 10 classes, cached
//      encoding (median, p90, max over repetitions).
//   2. Opening an image -> first overlay (real model when --model/--vectors are given).
//   3. The longest event-loop stall while an image is encoded and scored in the background
//      (a 1 ms QTimer records the gaps between its ticks).
// Usage: bench_gui [--model DIR --vectors FILE] [--reps N] [--size WxH] [--stall-size WxH] [--no-thumbnails]
// (--no-thumbnails: the image list's thumbnails off, to see what making them in the background costs)
// Without a model it uses the test suite's colour model (tests/ui/support/fakes.h): the figures
// then measure the GUI's own cost (embedding, scoring hand-off, overlay, repaint).
#include "ui/app/mainwindow.h"
#include "ui/canvas/canvasview.h"
#include "ui/document/imagedocument.h"
#include "ui/engine/segmentationcontroller.h"
#include "ui/engine/segmenterbackend.h"
#include "ui/model/classlistmodel.h"
#include "ui/panels/classespanel.h"
#include "tests/support/testdir.h"
#include "tests/ui/support/fakes.h"

#include "core/io/image_io.h"
#include "core/runtime/runtime.h"

#include <QAction>
#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QLineEdit>
#include <QStandardPaths>
#include <QTest>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <cstdlib>
#include <functional>
#include <random>

using namespace zm;

namespace {

struct Stats {
    double median = 0, p90 = 0, max = 0;
};

/// CPU time of the calling thread (ms): the GUI thread's own cost, independent of other load.
double threadCpuMs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

Stats stats(std::vector<double> v)
{
    Stats s;
    if (v.empty())
        return s;
    std::sort(v.begin(), v.end());
    s.median = v[v.size() / 2];
    s.p90 = v[std::min(v.size() - 1, v.size() * 9 / 10)];
    s.max = v.back();
    return s;
}

/// A photo-like test image: smooth colour gradients with a few blobs (so every class wins somewhere).
Image sceneImage(int w, int h, unsigned seed)
{
    Image img(w, h, 3);
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> d(0, 255);
    const int cx = w / 3 + d(rng) % (w / 3), cy = h / 3 + d(rng) % (h / 3);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            std::uint8_t* p = img.row(y) + x * 3;
            const bool blob = (x - cx) * (x - cx) + (y - cy) * (y - cy) < (h / 5) * (h / 5);
            p[0] = std::uint8_t(blob ? 230 : (x * 255 / w));
            p[1] = std::uint8_t(blob ? 40 : (y * 255 / h));
            p[2] = std::uint8_t(blob ? 60 : ((x + y) * 127 / (w + h) + 64));
        }
    return img;
}

bool parseSize(const char* s, int& w, int& h) { return std::sscanf(s, "%dx%d", &w, &h) == 2 && w > 0 && h > 0; }

/// Records the longest gap between ticks of a 1 ms timer: how long the GUI thread was unavailable.
class StallMeter : public QObject {
public:
    StallMeter()
    {
        mTimer.setInterval(1);
        mTimer.setTimerType(Qt::PreciseTimer);
        connect(&mTimer, &QTimer::timeout, this, [this] {
            const double now = mClock.nsecsElapsed() / 1e6;
            mLongest = std::max(mLongest, now - mLast);
            mLast = now;
            ++mTicks;
        });
    }
    void start()
    {
        mLongest = 0;
        mTicks = 0;
        mClock.start();
        mLast = 0;
        mTimer.start();
    }
    double stop()
    {
        mTimer.stop();
        return mLongest;
    }
    int ticks() const { return mTicks; }

private:
    QTimer mTimer;
    QElapsedTimer mClock;
    double mLast = 0, mLongest = 0;
    int mTicks = 0;
};

/// Runs a real event loop (no polling sleeps) until `done` holds after one of the watched signals.
template <typename Sender, typename Signal>
bool runUntil(Sender* sender, Signal signal, const std::function<bool()>& done, int timeoutMs)
{
    if (done())
        return true;
    QEventLoop loop;
    QTimer timeout;
    timeout.setSingleShot(true);
    QObject::connect(&timeout, &QTimer::timeout, &loop, &QEventLoop::quit);
    auto c = QObject::connect(sender, signal, &loop, [&] {
        if (done())
            loop.quit();
    });
    // Busy state changes too (the controller goes idle after the last signal).
    timeout.start(timeoutMs);
    loop.exec();
    QObject::disconnect(c);
    return done();
}

} // namespace

int main(int argc, char** argv)
{
    if (!std::getenv("QT_QPA_PLATFORM"))
        setenv("QT_QPA_PLATFORM", "offscreen", 1);
    QApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("ZeroMaskBench"));
    QCoreApplication::setApplicationName(QStringLiteral("zeromask-bench"));
    zm::initRuntime();

    QString model, vectors;
    int reps = 30, w = 1024, h = 768, sw = 4000, sh = 3000;
    bool thumbnails = true;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--model") && i + 1 < argc)
            model = QString::fromLocal8Bit(argv[++i]);
        else if (!std::strcmp(argv[i], "--vectors") && i + 1 < argc)
            vectors = QString::fromLocal8Bit(argv[++i]);
        else if (!std::strcmp(argv[i], "--reps") && i + 1 < argc)
            reps = std::max(1, std::atoi(argv[++i]));
        else if (!std::strcmp(argv[i], "--size") && i + 1 < argc)
            parseSize(argv[++i], w, h);
        else if (!std::strcmp(argv[i], "--stall-size") && i + 1 < argc)
            parseSize(argv[++i], sw, sh);
        else if (!std::strcmp(argv[i], "--no-thumbnails"))
            thumbnails = false;
        else {
            std::fprintf(stderr, "usage: bench_gui [--model DIR --vectors FILE] [--reps N] [--size WxH] [--stall-size WxH] "
                                 "[--no-thumbnails]\n");
            return 2;
        }
    }

    std::shared_ptr<const ui::Backend> backend;
    std::shared_ptr<const ClassEmbedder> embedder;
    QStringList names;
    try {
        if (!model.isEmpty() && !vectors.isEmpty()) {
            backend = ui::loadSegmenterBackend(model.toStdString());
            embedder = ui::loadEmbedder(vectors.toStdString());
            names = {QStringLiteral("shirt"), QStringLiteral("trousers"), QStringLiteral("dress"),
                     QStringLiteral("coat"),  QStringLiteral("sandal"),   QStringLiteral("sneaker"),
                     QStringLiteral("bag"),   QStringLiteral("boot"),     QStringLiteral("grass"),
                     QStringLiteral("sky"),   QStringLiteral("road"),     QStringLiteral("tree")};
        } else {
            auto fake = std::make_shared<test::FakeEmbedder>();
            fake->hashUnknown = true;
            embedder = fake;
            backend = std::make_shared<test::FakeBackend>();
            for (int i = 0; i < 12; ++i)
                names << QStringLiteral("class%1").arg(i);
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_gui: %s\n", e.what());
        return 1;
    }
    std::printf("backend: %s on %s; %d threads; platform %s\n", qPrintable(backend->modelName()),
                qPrintable(backend->device()), zm::runtimeInfo().threads, qPrintable(QGuiApplication::platformName()));

    test::TempDir dir;
    saveImage(dir / "a.png", sceneImage(w, h, 1));
    saveImage(dir / "big.png", sceneImage(sw, sh, 2));

    ui::MainWindow win(nullptr, false);
    if (auto* a = win.findChild<QAction*>(QStringLiteral("ThumbnailsAction")))
        a->setChecked(thumbnails);
    std::printf("image list thumbnails: %s\n", thumbnails ? "on" : "off");
    win.resize(1280, 800);
    win.show();
    (void)QTest::qWaitForWindowExposed(&win);
    win.setEmbedder(embedder);
    win.setBackend(backend);
    // The figures are for the bench's own classes: the model's classes that a first start puts into an
    // empty list (ui/app/modelclasses.h) would change them.
    win.classes()->clear();
    ui::SegmentationController* ctl = win.controller();
    ui::CanvasView* canvas = win.canvas();

    // Every wait ends on the controller's `scored` (emitted after the overlay was re-rendered); the
    // time is taken after a synchronous repaint of the canvas, i.e. with the new overlay on screen.
    auto waitScored = [&](int timeoutMs) {
        bool got = false;
        auto c = QObject::connect(ctl, &ui::SegmentationController::scored, [&] {
            got = true;
            canvas->viewport()->repaint();
        });
        const bool ok = runUntil(ctl, &ui::SegmentationController::scored, [&] { return got; }, timeoutMs);
        QObject::disconnect(c);
        return ok;
    };
    auto settle = [&] {
        // Let late signals (neighbours, busy state) finish before the next measurement.
        runUntil(ctl, &ui::SegmentationController::busyChanged, [&] { return !ctl->isBusy(); }, 60000);
        QTest::qWait(50);
    };

    // 2. Open -> first overlay (one class typed beforehand, as when the class list is reused).
    ctl->addClass(names[0]);
    QElapsedTimer t;
    t.start();
    win.openPaths({QString::fromStdString((dir / "a.png").string())});
    bool ok = waitScored(120000);
    const double openMs = t.nsecsElapsed() / 1e6;
    std::printf("open %dx%d -> first overlay: %.1f ms%s\n", w, h, openMs, ok ? "" : " (TIMED OUT)");
    settle();

    // 1. Enter -> overlay, 10 classes, cached encoding.
    for (int i = 1; i < 9; ++i)
        ctl->addClass(names[i]);
    settle();
    QLineEdit* edit = win.classesPanel()->nameEdit();
    std::vector<double> enter, enterCpu;
    for (int r = 0; r < reps; ++r) {
        edit->setText(names[9 + r % (names.size() - 9)]);
        const double cpu0 = threadCpuMs();
        t.restart();
        QTest::keyClick(edit, Qt::Key_Return);
        ok = waitScored(60000);
        enter.push_back(t.nsecsElapsed() / 1e6);
        enterCpu.push_back(threadCpuMs() - cpu0);
        if (!ok) {
            std::printf("enter -> overlay: TIMED OUT\n");
            break;
        }
        // Back to 9 classes for the next repetition.
        win.classes()->removeClass(win.classes()->at(win.classes()->rowCount() - 1).id);
        waitScored(60000);
        settle();
    }
    const Stats e = stats(enter);
    std::printf("enter -> overlay (%dx%d, 10 classes, cached encoding, %zu reps): median %.1f ms, p90 %.1f ms, max %.1f ms\n",
                w, h, enter.size(), e.median, e.p90, e.max);
    std::printf("  of which GUI-thread CPU time: median %.1f ms (the rest is the scoring worker and waiting for a core)\n",
                stats(enterCpu).median);
    double load[3] = {0, 0, 0};
    if (getloadavg(load, 3) > 0)
        std::printf("  machine load average while measuring: %.1f (on %d hardware threads)\n", load[0],
                    zm::runtimeInfo().hardwareThreads);

    // 3. Longest event-loop stall while a large image is read, encoded and scored in workers.
    StallMeter meter;
    meter.start();
    t.restart();
    win.openPaths({QString::fromStdString((dir / "big.png").string())});
    ok = waitScored(300000);
    const double bigMs = t.nsecsElapsed() / 1e6;
    settle();
    const double stall = meter.stop();
    std::printf("open %dx%d -> first overlay: %.1f ms%s; longest event-loop stall meanwhile: %.1f ms (%d ticks)\n", sw,
                sh, bigMs, ok ? "" : " (TIMED OUT)", stall, meter.ticks());
    // Enter on the large image too: scoring and the 12 M pixel overlay.
    meter.start();
    edit->setText(names[9]);
    t.restart();
    QTest::keyClick(edit, Qt::Key_Return);
    ok = waitScored(60000);
    const double bigEnter = t.nsecsElapsed() / 1e6;
    settle();
    std::printf("enter -> overlay (%dx%d, 10 classes): %.1f ms%s; longest stall %.1f ms\n", sw, sh, bigEnter,
                ok ? "" : " (TIMED OUT)", meter.stop());

    // Breakdown of the GUI-thread steps on the large image (each must stay well under 50 ms).
    {
        ui::ImageDocument doc(QStringLiteral("big"));
        Image big = sceneImage(sw, sh, 3);
        canvas->setDocument(&doc);
        t.restart();
        doc.setImage(std::move(big));
        const double setImageMs = t.nsecsElapsed() / 1e6;
        t.restart();
        canvas->viewport()->repaint();
        const double paintMs = t.nsecsElapsed() / 1e6;
        LabelMap labels(sw, sh);
        for (std::size_t i = 0; i < labels.ids.size(); ++i)
            labels.ids[i] = std::uint16_t((i / 977) % 10);
        std::vector<float> conf(labels.ids.size(), 0.5f);
        t.restart();
        doc.setPrediction(std::move(labels), std::move(conf));
        const double predMs = t.nsecsElapsed() / 1e6;
        t.restart();
        canvas->viewport()->repaint();
        const double paint2Ms = t.nsecsElapsed() / 1e6;
        t.restart();
        canvas->setOutlineMode(true);
        const double outlineMs = t.nsecsElapsed() / 1e6;
        canvas->setOutlineMode(false);
        std::printf("GUI thread, %dx%d: show image %.1f ms, paint %.1f ms, apply prediction + overlay %.1f ms, "
                    "paint with overlay %.1f ms, outline overlay %.1f ms\n",
                    sw, sh, setImageMs, paintMs, predMs, paint2Ms, outlineMs);
        // Whole-overlay renders per confirmed-vs-predicted style (half the image confirmed by a person),
        // best of 5: the per-pixel table choice must not make the overlay noticeably slower.
        {
            const QRect top(0, 0, sw, sh / 2);
            const std::size_t n = std::size_t(top.width()) * top.height();
            doc.applyLabels(top, std::vector<std::uint16_t>(n, std::uint16_t(3)), std::vector<std::uint8_t>(n, 1));
            using S = ui::OverlayRenderer::ConfirmedStyle;
            double best[3] = {1e9, 1e9, 1e9};
            for (int rep = 0; rep < 5; ++rep)
                for (S style : {S::Same, S::PredictedLighter, S::ConfirmedOnly}) {
                    canvas->setConfirmedStyle(style == S::Same ? S::ConfirmedOnly : S::Same); // force a change
                    t.restart();
                    canvas->setConfirmedStyle(style);
                    best[int(style)] = std::min(best[int(style)], t.nsecsElapsed() / 1e6);
                }
            canvas->setConfirmedStyle(S::Same);
            std::printf("GUI thread, %dx%d: full overlay render, alike %.1f ms, predicted lighter %.1f ms, "
                        "confirmed only %.1f ms (best of 5)\n",
                        sw, sh, best[0], best[1], best[2]);
        }
        canvas->setDocument(nullptr);
    }
    return 0;
}
