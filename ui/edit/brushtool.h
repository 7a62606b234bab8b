// BrushTool: paints a round stamp of `size` px along the mouse path with the selected class, marking
// the pixels confirmed; as the eraser it sets them to void (confirmed, so re-prediction leaves them
// empty), and Shift+eraser hands pixels back to the model (unconfirmed, showing the prediction).
// One press-drag-release is one undo step (segments merge).
#pragma once
#include "ui/edit/tool.h"

#include <QPointF>

namespace zm::ui {

class BrushTool : public Tool {
    Q_OBJECT
public:
    enum class Mode { Paint, Erase };
    explicit BrushTool(Mode mode = Mode::Paint, QObject* parent = nullptr);

    QString name() const override;
    int size() const { return mSize; }
    void setSize(int diameter);
    Mode mode() const { return mMode; }

    void press(const QPointF& imagePos, Qt::MouseButton button, Qt::KeyboardModifiers mods) override;
    void move(const QPointF& imagePos, Qt::MouseButtons buttons, Qt::KeyboardModifiers mods) override;
    void release(const QPointF& imagePos, Qt::MouseButton button, Qt::KeyboardModifiers mods) override;
    void paintPreview(QPainter* painter, double zoom) const override;
    QCursor cursor(double zoom) const override;
    void cancel() override;

    static constexpr int kMinSize = 1;
    static constexpr int kMaxSize = 512;

Q_SIGNALS:
    void sizeChanged(int diameter);

private:
    void paintSegment(const QPointF& from, const QPointF& to);

    Mode mMode;
    int mSize = 15;
    bool mStroking = false;
    bool mErasing = false;   ///< this stroke erases (eraser tool, or right button with the brush)
    bool mUnconfirm = false; ///< this stroke hands pixels back to the model
    std::uint64_t mStroke = 0;
    QPointF mLast;
    QPointF mHover{-1e9, -1e9};
};

} // namespace zm::ui
