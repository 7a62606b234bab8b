// The canvas: a QGraphicsView showing the current ImageDocument's image with its label map as a
// coloured overlay (opacity, outline mode, hidden classes), zoom and pan, hover read-out, and mouse
// events forwarded in image coordinates to the active editing Tool.
#pragma once
#include "core/common/image.h"
#include "ui/canvas/overlayrenderer.h"
#include "ui/document/imagedocument.h"
#include "ui/edit/tool.h"
#include "ui/model/classlistmodel.h"

#include <QGraphicsView>
#include <QPointer>

class QGraphicsRectItem;
class QTimer;


namespace zm::ui {

class ClassListModel;
class ImageDocument;
class Tool;
class OverlayItem;
class ToolPreviewItem;
class ImageItem;

class CanvasView : public QGraphicsView {
    Q_OBJECT
public:
    explicit CanvasView(QWidget* parent = nullptr);
    ~CanvasView() override;

    /// Shows a document (its image and labels) and follows its changes; nullptr clears.
    void setDocument(ImageDocument* document);
    ImageDocument* document() const { return mDocument; }
    /// Colours and visibility come from this model.
    void setClassModel(ClassListModel* model);

    /// Editing hook: the active tool gets press/move/release in image coordinates (left and right
    /// buttons); the middle button, or Space + drag, always pans. nullptr = navigation only.
    void setTool(Tool* tool);
    Tool* tool() const { return mTool; }

    void clear();
    bool hasImage() const;
    void fitToWindow();
    void zoomBy(double factor);
    void setZoom(double zoom); ///< 1.0 = one image pixel per device-independent pixel
    double zoom() const;

    void setOverlayOpacity(double opacity); ///< 0..1
    double overlayOpacity() const;
    void setOutlineMode(bool outline);
    bool outlineMode() const { return mRenderer.outline(); }
    /// Brings a region (image pixels) into view and outlines it for a moment (suggested void regions).
    void showRegion(const QRect& region);
    /// Removes that outline now (also done when another document is shown).
    void hideRegion();
    bool isRegionShown() const;
    /// Confirmed (people's) vs predicted (model's) pixels: drawn alike, predicted lighter, or
    /// confirmed only. Re-renders the overlay.
    void setConfirmedStyle(OverlayRenderer::ConfirmedStyle style);
    OverlayRenderer::ConfirmedStyle confirmedStyle() const { return mRenderer.confirmedStyle(); }

    /// The image as painted (RGB32). Pure: call it in a worker and hand the result to
    /// cacheDisplayImage() so that showing a large image costs the GUI thread no conversion.
    static QImage displayImage(const zm::Image& image);
    /// Remembers a few converted images by document path (the last ones shown or prepared).
    void cacheDisplayImage(const QString& path, QImage image);

    /// The rendered overlay (image resolution), for tests and screenshots.
    const QImage& overlayImage() const { return mOverlay; }
    /// Counts overlay renders (full or partial): lets benchmarks wait for the overlay to update.
    quint64 renderCount() const { return mRenderCount; }

Q_SIGNALS:
    /// The pixel under the cursor: class id (kVoid for none) and its winning score (NaN if unknown).
    void hovered(const QPoint& pixel, std::uint16_t classId, float score);
    void hoverLeft();
    /// The overlay was re-rendered (region in image pixels).
    void overlayUpdated(const QRect& region);
    void zoomChanged(double zoom);

protected:
    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void keyReleaseEvent(QKeyEvent* event) override;
    void leaveEvent(QEvent* event) override;

private:
    void reloadImage(bool renderOverlay);
    void renderLabels(const QRect& region);
    void rebuildColors();
    void updateCursor();
    QPointF imagePos(const QPoint& viewPos) const;

    QGraphicsScene* mScene;
    QGraphicsRectItem* mRegionMark = nullptr;
    QTimer* mRegionTimer = nullptr;
    ImageItem* mImageItem;
    QList<QPair<QString, QImage>> mDisplayCache; ///< most recent last
    OverlayItem* mOverlayItem;
    ToolPreviewItem* mPreviewItem;
    QPointer<ImageDocument> mDocument;
    QPointer<ClassListModel> mClasses;
    QPointer<Tool> mTool;
    OverlayRenderer mRenderer;
    QImage mOverlay;
    quint64 mRenderCount = 0;
    bool mSpaceDown = false;
    bool mPanning = false;
    bool mToolDrag = false;
    QPoint mPanLast;
};

/// Converts a zm::Image (grey or RGB) to a QImage that owns its pixels.
QImage toQImage(const zm::Image& image);

} // namespace zm::ui
