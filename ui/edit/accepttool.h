// AcceptTool: click a region of the model's prediction to make it a confirmed label: the 4-connected
// region of the predicted class under the cursor, over pixels people have not set yet (their pixels
// win). Ctrl+click accepts every unconfirmed pixel of that predicted class in the image.
#pragma once
#include "ui/edit/tool.h"

namespace zm::ui {

class AcceptTool : public Tool {
    Q_OBJECT
public:
    using Tool::Tool;
    QString name() const override { return tr("Accept prediction"); }
    void press(const QPointF& imagePos, Qt::MouseButton button, Qt::KeyboardModifiers mods) override;
    void move(const QPointF&, Qt::MouseButtons, Qt::KeyboardModifiers) override {}
    void release(const QPointF&, Qt::MouseButton, Qt::KeyboardModifiers) override {}
    void paintPreview(QPainter*, double) const override {}
};

} // namespace zm::ui
