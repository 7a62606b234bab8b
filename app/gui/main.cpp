// zeromask: the desktop application. Usage: zeromask [DIR_OR_IMAGE ...]
#include "ui/app/mainwindow.h"

#include "core/common/version.h"
#include "core/runtime/runtime.h"

#include <QApplication>
#include <QCommandLineParser>

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("ZeroMask"));
    QApplication::setOrganizationName(QStringLiteral("ZeroMask"));
    QApplication::setApplicationVersion(QString::fromLatin1(zm::kVersion));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/zeromask.svg")));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Zero-shot semantic segmentation: type a class name, get its mask."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("paths"), QStringLiteral("Image files or folders to open."), QStringLiteral("[paths...]"));
    parser.process(app);

    zm::initRuntime();
    zm::ui::MainWindow window(nullptr, true);
    window.show();
    if (!parser.positionalArguments().isEmpty())
        window.openPaths(parser.positionalArguments());
    return app.exec();
}
