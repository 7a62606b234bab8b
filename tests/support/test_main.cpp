// Shared main for every test binary: own main (libfasttext.so exports one too, see BUILD-NOTES),
// deterministic LibTorch threads, and the offscreen Qt platform for GUI tests.
#include <gtest/gtest.h>

#include <cstdlib>

#ifdef ZM_TEST_WITH_QT
#include <QApplication>
#endif
#ifdef ZM_TEST_WITH_RUNTIME
#include "core/runtime/runtime.h"
#endif

int main(int argc, char** argv)
{
    ::testing::InitGoogleTest(&argc, argv);
#ifdef ZM_TEST_WITH_RUNTIME
    zm::initRuntime();
#endif
#ifdef ZM_TEST_WITH_QT
    // Test discovery and ctest both run this binary without a display.
    if (!std::getenv("QT_QPA_PLATFORM"))
        setenv("QT_QPA_PLATFORM", "offscreen", 1);
    if (!std::getenv("XDG_RUNTIME_DIR")) {
        setenv("XDG_RUNTIME_DIR", "/tmp/zeromask-test-runtime", 1);
        std::system("mkdir -p -m 0700 /tmp/zeromask-test-runtime");
    }
    QApplication app(argc, argv);
#endif
    return RUN_ALL_TESTS();
}
