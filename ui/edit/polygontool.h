// PolygonTool: click vertices; double-click, Enter or a click on the first vertex closes the polygon
// and fills its inside (pixel centres, odd-even rule) with the selected class. Right click or
// Backspace removes the last vertex, Escape abandons the polygon.
#pragma once
#include "ui/edit/tool.h"

#include <QPolygonF>

namespace zm::ui {

class PolygonTool : public Tool {
    Q_OBJECT
public:
    using Tool::Tool;
    QString name() const override { return tr("Polygon"); }
    void press(const QPointF& imagePos, Qt::MouseButton button, Qt::KeyboardModifiers mods) override;
    void move(const QPointF& imagePos, Qt::MouseButtons buttons, Qt::KeyboardModifiers mods) override;
    void release(const QPointF&, Qt::MouseButton, Qt::KeyboardModifiers) override {}
    void doubleClick(const QPointF& imagePos, Qt::MouseButton button) override;
    bool keyPress(int key, Qt::KeyboardModifiers mods) override;
    void paintPreview(QPainter* painter, double zoom) const override;
    void cancel() override;
    void setDocument(ImageDocument* doc) override;

    const QPolygonF& vertices() const { return mPoints; }
    /// Fills the polygon drawn so far (needs 3+ vertices) and starts a new one.
    void close();

private:
    QPolygonF mPoints;
    QPointF mHover;
    mutable double mZoom = 1.0; // last zoom seen while painting the preview
};

} // namespace zm::ui
