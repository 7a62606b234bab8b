// TaskProgress: zm::Progress for work running in a worker thread, reported to the GUI through queued
// signals (never processEvents()); cancel() from the GUI thread stops the work at its next check.
#pragma once
#include "core/common/progress.h"

#include <QObject>
#include <QString>

namespace zm::ui {

class TaskProgress : public QObject, public zm::CancellableProgress {
    Q_OBJECT
public:
    using QObject::QObject;
    bool update(double fraction, const std::string& message) override;

Q_SIGNALS:
    /// `permille` in 0..1000, -1 when unknown. Emitted from the worker thread.
    void progressed(int permille, const QString& message);
};

} // namespace zm::ui
