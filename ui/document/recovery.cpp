// Recovery implementation.
#include "ui/document/recovery.h"

#include "ui/document/imagedocument.h"

#include "core/io/project.h"

#include <QMessageBox>
#include <QPushButton>

namespace zm::ui {

RecoveryResult recoverAll(zm::Project& project, const std::function<ImageDocument*(const std::string&)>& documentFor)
{
    RecoveryResult r;
    for (const std::string& key : project.recoverable()) {
        const QString k = QString::fromStdString(key);
        try {
            const zm::AnnotationState state = project.recover(key);
            if (ImageDocument* doc = documentFor ? documentFor(key) : nullptr)
                doc->setState(state);
            r.recovered << k;
        } catch (const std::exception& e) {
            r.failed << QString::fromStdString(e.what());
        }
    }
    return r;
}

void discardAll(zm::Project& project)
{
    for (const std::string& key : project.recoverable())
        project.discardAutosave(key);
}

RecoveryResult offerRecovery(QWidget* parent, zm::Project& project,
                             const std::function<ImageDocument*(const std::string&)>& documentFor)
{
    std::vector<std::string> keys;
    try {
        keys = project.recoverable();
    } catch (const std::exception& e) {
        QMessageBox::warning(parent, QObject::tr("Recovery"), QString::fromStdString(e.what()));
        return {};
    }
    if (keys.empty())
        return {};
    QStringList names;
    for (std::size_t i = 0; i < keys.size() && i < 10; ++i)
        names << QString::fromStdString(keys[i]);
    if (keys.size() > 10)
        names << QObject::tr("and %1 more").arg(keys.size() - 10);
    QMessageBox box(QMessageBox::Question, QObject::tr("Recover unsaved work"),
                    QObject::tr("The last session ended without saving edits of %n image(s):\n%1\n\nRecover them?", "",
                                int(keys.size()))
                        .arg(names.join(QStringLiteral(", "))),
                    QMessageBox::NoButton, parent);
    QPushButton* recover = box.addButton(QObject::tr("Recover"), QMessageBox::AcceptRole);
    QPushButton* discard = box.addButton(QObject::tr("Discard"), QMessageBox::DestructiveRole);
    box.addButton(QObject::tr("Decide later"), QMessageBox::RejectRole);
    box.setDefaultButton(recover);
    box.exec();
    RecoveryResult r;
    try {
        if (box.clickedButton() == recover)
            r = recoverAll(project, documentFor);
        else if (box.clickedButton() == discard)
            discardAll(project);
    } catch (const std::exception& e) {
        r.failed << QString::fromStdString(e.what());
    }
    if (!r.failed.isEmpty())
        QMessageBox::warning(parent, QObject::tr("Recovery"),
                             QObject::tr("Some work could not be recovered:\n%1").arg(r.failed.join(QLatin1Char('\n'))));
    return r;
}

} // namespace zm::ui
