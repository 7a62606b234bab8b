// Tool: an editing tool that the canvas drives. The canvas converts mouse events to image
// coordinates and forwards them to the active tool; the tool edits the ImageDocument through undo
// commands and may draw a preview (brush outline, polygon in progress) in scene coordinates
// (= image pixels).
#pragma once
#include <QCursor>
#include <QObject>
#include <QPointF>
#include <QString>

#include <cstdint>

class QPainter;

namespace zm::ui {

class ImageDocument;

class Tool : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;
    ~Tool() override = default;

    virtual QString name() const = 0;
    /// Attach to a document (nullptr when none is open).
    virtual void setDocument(ImageDocument* doc) { mDocument = doc; }
    /// Stable class id the tool paints with (kVoid for the eraser).
    virtual void setClassId(std::uint16_t id) { mClassId = id; }

    virtual void press(const QPointF& imagePos, Qt::MouseButton button, Qt::KeyboardModifiers mods) = 0;
    virtual void move(const QPointF& imagePos, Qt::MouseButtons buttons, Qt::KeyboardModifiers mods) = 0;
    virtual void release(const QPointF& imagePos, Qt::MouseButton button, Qt::KeyboardModifiers mods) = 0;
    virtual void doubleClick(const QPointF&, Qt::MouseButton) {}
    /// Draws the tool's preview in image coordinates (the canvas sets the transform).
    virtual void paintPreview(QPainter* painter, double zoom) const = 0;
    virtual QCursor cursor(double zoom) const { return QCursor(Qt::CrossCursor); }

    // --- Additions (edit engineer); everything above is the original contract. ---
    /// A key pressed while the canvas has focus (Enter closes a polygon, Escape cancels). Returns
    /// true when the tool used it.
    virtual bool keyPress(int key, Qt::KeyboardModifiers mods) { return false; }
    /// Abandons any gesture in progress (tool switch, image switch).
    virtual void cancel() {}
    std::uint16_t classId() const { return mClassId; }
    ImageDocument* document() const { return mDocument; }

Q_SIGNALS:
    /// The preview changed: the canvas repaints.
    void previewChanged();
    /// A short message for the status bar ("No prediction to accept yet").
    void message(const QString& text);

protected:
    ImageDocument* mDocument = nullptr;
    std::uint16_t mClassId = 0;
};

} // namespace zm::ui
