// zeromask: the desktop application. Usage: zeromask [options] [DIR_OR_IMAGE ...]
#include "ui/app/mainwindow.h"
#include "ui/engine/segmentationcontroller.h"
#include "ui/model/classlistmodel.h"
#include "ui/panels/classespanel.h"

#include "core/common/version.h"
#include "core/runtime/runtime.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>

int main(int argc, char** argv)
{
    zm::ensurePassiveOpenMpWait(argv);
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("ZeroMask"));
    QApplication::setOrganizationName(QStringLiteral("ZeroMask"));
    QApplication::setApplicationVersion(QString::fromLatin1(zm::kVersion));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Zero-shot semantic segmentation: type a class name, get its mask."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("paths"), QStringLiteral("Image files or folders to open."), QStringLiteral("[paths...]"));
    const QCommandLineOption modelOpt(QStringLiteral("model"), QStringLiteral("Model folder (card.json + weights) to load instead of the last/default one."), QStringLiteral("DIR"));
    const QCommandLineOption vectorsOpt(QStringLiteral("vectors"), QStringLiteral("fastText vectors (.bin/.ftz) or class -> attribute table (.csv) to load instead of the last/default one."), QStringLiteral("FILE"));
    const QCommandLineOption classOpt(QStringLiteral("class"), QStringLiteral("Add a class (repeatable; synonyms with ';')."), QStringLiteral("NAME"));
    const QCommandLineOption threadsOpt(QStringLiteral("threads"), QStringLiteral("Compute threads (default: all cores)."), QStringLiteral("N"));
    const QCommandLineOption quitOpt(QStringLiteral("quit-after"), QStringLiteral("Close after SECONDS (scripted runs, screenshots)."), QStringLiteral("SECONDS"));
    parser.addOptions({modelOpt, vectorsOpt, classOpt, threadsOpt, quitOpt});
    parser.process(app);

    zm::initRuntime(parser.value(threadsOpt).toInt());
    const bool explicitModel = parser.isSet(modelOpt) || parser.isSet(vectorsOpt);
    zm::ui::MainWindow window(nullptr, !explicitModel);
    window.show();
    if (explicitModel)
        window.loadAsync(parser.value(modelOpt), parser.value(vectorsOpt));
    int first = -1;
    for (const QString& name : parser.values(classOpt))
        if (!name.trimmed().isEmpty()) {
            const int id = window.controller()->addClass(name.trimmed());
            first = first < 0 ? id : first;
        }
    if (first >= 0)
        window.classesPanel()->selectId(std::uint16_t(first));
    if (!parser.positionalArguments().isEmpty())
        window.openPaths(parser.positionalArguments());
    if (parser.isSet(quitOpt))
        QTimer::singleShot(int(parser.value(quitOpt).toDouble() * 1000), &window, &QWidget::close);
    return app.exec();
}
