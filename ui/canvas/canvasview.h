// The canvas: a QGraphicsView showing the image (and, later, the label overlay), with zoom and pan.
#pragma once
#include "core/common/image.h"

#include <QGraphicsView>

class QGraphicsPixmapItem;

namespace zm::ui {

class CanvasView : public QGraphicsView {
    Q_OBJECT
public:
    explicit CanvasView(QWidget* parent = nullptr);
    void setImage(const zm::Image& image);
    void clear();
    bool hasImage() const;
    void fitToWindow();
    void zoomBy(double factor);
    double zoom() const;

protected:
    void wheelEvent(QWheelEvent* event) override;

private:
    QGraphicsScene* mScene;
    QGraphicsPixmapItem* mImageItem;
};

/// Converts a zm::Image (grey or RGB) to a QImage that owns its pixels.
QImage toQImage(const zm::Image& image);

} // namespace zm::ui
