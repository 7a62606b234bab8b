// FillTool: flood-fills the 4-connected region of the clicked pixel's current label with the selected
// class (confirmed). Pixels of other labels inside the region (holes) stay as they are.
#pragma once
#include "ui/edit/tool.h"

namespace zm::ui {

class FillTool : public Tool {
    Q_OBJECT
public:
    using Tool::Tool;
    QString name() const override { return tr("Flood fill"); }
    void press(const QPointF& imagePos, Qt::MouseButton button, Qt::KeyboardModifiers mods) override;
    void move(const QPointF&, Qt::MouseButtons, Qt::KeyboardModifiers) override {}
    void release(const QPointF&, Qt::MouseButton, Qt::KeyboardModifiers) override {}
    void paintPreview(QPainter*, double) const override {}
};

} // namespace zm::ui
