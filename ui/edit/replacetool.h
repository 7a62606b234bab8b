// ReplaceTool: drag a rectangle (or, with Shift or in lasso mode, a free-hand lasso); on release,
// every pixel inside whose label is the "from" class becomes the selected class (confirmed). The
// "from" class is the one set with setFromClass, else the label under the point where the drag began.
#pragma once
#include "ui/edit/tool.h"

#include <QPolygonF>

#include <optional>

namespace zm::ui {

class ReplaceTool : public Tool {
    Q_OBJECT
public:
    using Tool::Tool;
    QString name() const override { return tr("Replace class in selection"); }
    void setLasso(bool lasso) { mLassoMode = lasso; }
    void setFromClass(std::optional<std::uint16_t> from) { mFrom = from; }

    void press(const QPointF& imagePos, Qt::MouseButton button, Qt::KeyboardModifiers mods) override;
    void move(const QPointF& imagePos, Qt::MouseButtons buttons, Qt::KeyboardModifiers mods) override;
    void release(const QPointF& imagePos, Qt::MouseButton button, Qt::KeyboardModifiers mods) override;
    void paintPreview(QPainter* painter, double zoom) const override;
    void cancel() override;

private:
    bool mLassoMode = false;
    bool mDragging = false;
    bool mLasso = false;
    std::optional<std::uint16_t> mFrom;
    QPolygonF mPath; ///< lasso points, or the two rectangle corners
};

} // namespace zm::ui
