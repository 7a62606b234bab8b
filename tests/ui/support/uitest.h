// Helpers for GUI tests: isolated settings, generated images, a main window with fake model+vectors.
#pragma once
#include "ui/app/mainwindow.h"
#include "tests/support/testdir.h"
#include "tests/ui/support/fakes.h"

#include "core/io/image_io.h"

#include <QCoreApplication>
#include <QSettings>
#include <QStandardPaths>
#include <QTest>

namespace zm::test {

/// Settings go to a test location and start empty.
inline void isolateSettings()
{
    QStandardPaths::setTestModeEnabled(true);
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

} // namespace zm::test
