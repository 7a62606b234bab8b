// TaskProgress implementation.
#include "ui/export/taskprogress.h"

#include <algorithm>
#include <cmath>

namespace zm::ui {

bool TaskProgress::update(double fraction, const std::string& message)
{
    const int permille = fraction < 0 ? -1 : int(std::lround(std::clamp(fraction, 0.0, 1.0) * 1000));
    Q_EMIT progressed(permille, QString::fromStdString(message));
    return !cancelled();
}

} // namespace zm::ui
